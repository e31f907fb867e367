"""Every route of the REST API (``/api/v1/``), registered in this one place."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from applications import api as applications_api
from notifications import api as notifications_api
from programs import api as programs_api

router = DefaultRouter()
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("cycles", programs_api.CycleViewSet, basename="cycle")
router.register("technologies", programs_api.TechnologyViewSet, basename="technology")
router.register("challenges", programs_api.ChallengeViewSet, basename="challenge")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
router.register("applications", applications_api.ApplicationViewSet, basename="application")

urlpatterns = [
    *router.urls,
    path(
        "manage/cycles/<int:cycle_pk>/activity/",
        programs_api.CycleActivityView.as_view(),
        name="api_cycle_activity",
    ),
]
