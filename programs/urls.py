from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("technologies/", views.technology_list, name="technologies"),
    path("technologies/<int:pk>/", views.technology_detail, name="technology"),
    path("challenges/", views.challenge_list, name="challenges"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge"),
    path("programs/<slug:program>/", views.program_detail, name="program"),
    path("programs/<slug:program>/<slug:cycle>/", views.cycle_detail, name="cycle"),
]
