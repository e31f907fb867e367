from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.dashboard, name="dashboard"),
    path("applications/start/<int:cycle>/", views.application_start, name="start"),
    path(
        "applications/new/<int:cycle>/<int:company>/<slug:step>/",
        views.application_new,
        name="new",
    ),
    path(
        "applications/new/<int:cycle>/<int:company>/<slug:step>/autosave/",
        views.application_new_autosave,
        name="new_autosave",
    ),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/edit/<slug:step>/", views.application_edit, name="edit"),
    path(
        "applications/<int:pk>/autosave/<slug:step>/",
        views.application_autosave,
        name="autosave",
    ),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/delete/", views.application_delete, name="delete"),
    path("applications/<int:pk>/documents/upload/", views.document_upload, name="document_upload"),
    path(
        "applications/<int:pk>/documents/<int:document>/",
        views.document_download,
        name="document",
    ),
    path(
        "applications/<int:pk>/documents/<int:document>/delete/",
        views.document_delete,
        name="document_delete",
    ),
    path(
        "applications/<int:pk>/answers/<int:answer>/file/",
        views.answer_file_download,
        name="answer_file",
    ),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:pk>/invite/", views.invitation_create, name="invite"),
    path(
        "companies/<int:pk>/invitations/<int:invitation>/cancel/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "companies/<int:pk>/members/<int:membership>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
