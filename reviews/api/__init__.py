"""REST API of review and selection: the same selectors, services and named permissions as
the pages. By sub-domain: ``reviewing`` and ``selection``; the serializers are in
``reviews.serializers``."""

from .reviewing import (
    Conflict,
    IsReviewer,
    PledgeRequired,
    ReviewerAssignmentViewSet,
    ReviewerCycleViewSet,
)
from .selection import AnnounceView, ApprovalView, DecisionsView, RankingView

__all__ = [
    "AnnounceView",
    "ApprovalView",
    "Conflict",
    "DecisionsView",
    "IsReviewer",
    "PledgeRequired",
    "RankingView",
    "ReviewerAssignmentViewSet",
    "ReviewerCycleViewSet",
]
