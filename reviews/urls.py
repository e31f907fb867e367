from django.urls import path, re_path

from . import call_pages, views

app_name = "reviews"

urlpatterns = [
    # Managers' hub
    path("manage/", views.manage_cycles, name="manage_cycles"),
    path("manage/cycles/<int:cycle_pk>/", views.manage_cycle, name="manage_cycle"),
    path("manage/cycles/<int:cycle_pk>/reviewers/", call_pages.cycle_pool, name="cycle_pool"),
]

# Reviewing (reviewers, screening, assignment)
urlpatterns += [
    path("reviews/", views.reviewer_dashboard, name="reviewer_dashboard"),
    path("reviews/profile/", views.reviewer_profile, name="reviewer_profile"),
    path("reviews/conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
    path("reviews/cycles/<int:cycle_pk>/pledge/", views.pledge, name="pledge"),
    path(
        "reviews/applications/<int:application>/",
        views.reviewer_application,
        name="reviewer_application",
    ),
    path("reviews/assignments/<int:pk>/", views.review, name="review"),
    path("reviews/assignments/<int:pk>/autosave/", views.review_autosave, name="review_autosave"),
    path("reviews/assignments/<int:pk>/decline/", views.decline, name="decline"),
    path(
        "manage/cycles/<int:cycle_pk>/phase/", views.manage_cycle_phase, name="manage_cycle_phase"
    ),
    path("manage/cycles/<int:cycle_pk>/screening/", views.screening, name="screening"),
    path(
        "manage/cycles/<int:cycle_pk>/screening/<int:application_pk>/",
        views.screen_application,
        name="screen_application",
    ),
    path("manage/cycles/<int:cycle_pk>/assignment/", views.assignment, name="assignment"),
    path(
        "manage/cycles/<int:cycle_pk>/assignment/<int:application_pk>/add/",
        views.assignment_add,
        name="assignment_add",
    ),
    path("manage/assignments/<int:pk>/remove/", views.assignment_remove, name="assignment_remove"),
    path("manage/applications/<int:pk>/", views.manage_application, name="manage_application"),
    path("manage/reviews/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
]

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
    path(
        "manage/cycles/<int:cycle_pk>/announce/confirm/",
        call_pages.announce_confirm,
        name="announce_confirm",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/announce/progress/",
        views.announcement_progress,
        name="announcement_progress",
    ),
    path("manage/cycles/<int:cycle_pk>/dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^manage/cycles/(?P<cycle_pk>[0-9]+)/export/(?P<kind>ranking|applications)"
        r"\.(?P<fmt>csv)$",
        views.export,
        name="export",
    ),
    re_path(
        r"^manage/cycles/(?P<cycle_pk>[0-9]+)/exports/(?P<kind>ranking|applications)/new/$",
        views.export_start,
        name="export_start",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/exports/<int:export_pk>/",
        views.export_detail,
        name="export_detail",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/exports/<int:export_pk>/download/",
        views.export_download,
        name="export_download",
    ),
]
