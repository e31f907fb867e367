from django.urls import path

from . import question_views, views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("technologies/", views.technology_list, name="technologies"),
    path("technologies/<int:pk>/", views.technology_detail, name="technology"),
    path("challenges/", views.challenge_list, name="challenges"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge"),
    path("programs/<slug:program>/", views.program_detail, name="program"),
    path("programs/<slug:program>/<slug:cycle>/", views.cycle_detail, name="cycle"),
    # Managers set up and run calls here (the manager's hub is ``reviews:manage_cycles``).
    path("manage/cycles/new/", views.call_new, name="call_new"),
    path("manage/cycles/<int:cycle_pk>/setup/", views.call_setup, name="call_setup"),
    path(
        "manage/cycles/<int:cycle_pk>/phases/<slug:action>/",
        views.call_phase,
        name="call_phase",
    ),
    path("manage/catalogue/", views.catalogue_manage, name="catalogue_manage"),
    path("manage/catalogue/<slug:kind>/<int:pk>/", views.catalogue_edit, name="catalogue_edit"),
    path("manage/cycles/<int:cycle_pk>/activity/", views.call_activity, name="call_activity"),
    path(
        "manage/cycles/<int:cycle_pk>/questions/new/",
        question_views.call_question,
        name="question_new",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/questions/<int:question_pk>/",
        question_views.call_question,
        name="question_edit",
    ),
    path(
        "manage/cycles/<int:cycle_pk>/questions/<int:question_pk>/<slug:action>/",
        question_views.call_question_action,
        name="question_action",
    ),
]
