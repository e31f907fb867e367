"""Every route of the REST API (``/api/v1/``), registered in this one place.

Names: a router's ``<basename>-list`` / ``<basename>-detail`` / ``<basename>-<action>``;
the managers' per-cycle reads and writes ``api_cycle_<what>``."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from applications import api as applications_api
from notifications import api as notifications_api
from partners import api as partners_api
from programs import api as programs_api
from reviews import api as reviews_api

router = DefaultRouter()
router.register("programs", programs_api.ProgramViewSet, basename="program")
router.register("cycles", programs_api.CycleViewSet, basename="cycle")
router.register("technologies", programs_api.TechnologyViewSet, basename="technology")
router.register("challenges", programs_api.ChallengeViewSet, basename="challenge")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
router.register("applications", applications_api.ApplicationViewSet, basename="application")
router.register("partner/proposals", partners_api.ProposalViewSet, basename="partner-proposal")
router.register(
    "reviews/assignments", reviews_api.ReviewerAssignmentViewSet, basename="reviewer-assignment"
)
router.register("reviews/cycles", reviews_api.ReviewerCycleViewSet, basename="reviewer-cycle")

_CYCLE = "manage/cycles/<int:cycle_pk>/"

urlpatterns = [
    *router.urls,
    path(f"{_CYCLE}activity/", programs_api.CycleActivityView.as_view(), name="api_cycle_activity"),
    path(f"{_CYCLE}ranking/", reviews_api.RankingView.as_view(), name="api_cycle_ranking"),
    path(
        f"{_CYCLE}progress/", reviews_api.ReviewerProgressView.as_view(), name="api_cycle_progress"
    ),
    path(f"{_CYCLE}decisions/", reviews_api.DecisionsView.as_view(), name="api_cycle_decisions"),
    path(f"{_CYCLE}approval/", reviews_api.ApprovalView.as_view(), name="api_cycle_approval"),
    path(f"{_CYCLE}announce/", reviews_api.AnnounceView.as_view(), name="api_cycle_announce"),
]
