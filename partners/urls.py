from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partner/", views.home, name="home"),
    path("partner/calls/<int:cycle_pk>/", views.call, name="call"),
    path("partner/calls/<int:cycle_pk>/agreement/", views.agreement, name="agreement"),
    path("partner/proposals/<int:pk>/", views.proposal, name="proposal"),
    path(
        "partner/proposals/<int:pk>/documents/<int:document>/",
        views.proposal_document,
        name="proposal_document",
    ),
    path("partner/proposals/<int:pk>/conflict/", views.proposal_conflict, name="proposal_conflict"),
    path("partner/conflicts/", views.conflicts, name="conflicts"),
    path("partner/entries/new/", views.entry_edit, name="entry_new"),
    path("partner/entries/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("partner/invitations/<str:token>/", views.invitation, name="invitation"),
    path("partner/matches/", views.matches, name="matches"),
    path("partner/manage/", views.manage, name="manage"),
    path("partner/manage/<int:pk>/", views.manage_partner, name="manage_partner"),
    path("partner/manage/edits/<int:pk>/", views.manage_edit, name="manage_edit"),
]
