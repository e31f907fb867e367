from django.urls import path, re_path

from . import api, views

app_name = "reviews"

urlpatterns = [
    # Managers' hub
    path("manage/", views.manage_cycles, name="manage_cycles"),
    path("manage/cycles/<int:cycle_pk>/", views.manage_cycle, name="manage_cycle"),
]

# Reviewing (reviewers, screening, assignment)
urlpatterns += []

# Selection (ranking, decisions, approvals, announcement, dashboard, exports)
urlpatterns += [
    path("manage/cycles/<int:cycle_pk>/ranking/", views.ranking, name="ranking"),
    path("manage/cycles/<int:cycle_pk>/decisions/", views.decisions, name="decisions"),
    path(
        "manage/cycles/<int:cycle_pk>/decisions/approve/",
        views.decisions_approve,
        name="decisions_approve",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/decisions/withdraw-approval/",
        views.decisions_approval_withdraw,
        name="decisions_approval_withdraw",
    ),
    path("manage/cycles/<int:cycle_pk>/announce/", views.announce, name="announce"),
    path("manage/cycles/<int:cycle_pk>/dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^manage/cycles/(?P<cycle_pk>[0-9]+)/export/(?P<kind>ranking|applications)"
        r"\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    path(
        "api/v1/manage/cycles/<int:cycle_pk>/ranking/",
        api.RankingView.as_view(),
        name="api_ranking",
    ),
    path(
        "api/v1/manage/cycles/<int:cycle_pk>/decisions/",
        api.DecisionsView.as_view(),
        name="api_decisions",
    ),
    path(
        "api/v1/manage/cycles/<int:cycle_pk>/approval/",
        api.ApprovalView.as_view(),
        name="api_approval",
    ),
    path(
        "api/v1/manage/cycles/<int:cycle_pk>/announce/",
        api.AnnounceView.as_view(),
        name="api_announce",
    ),
]
