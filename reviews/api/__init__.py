"""REST API of review and selection: the same selectors, services and named permissions as
the pages. By sub-domain: ``reviewing`` and ``selection``; the serializers are in
``reviews.serializers``; the routes are registered in ``mou_portal/api_urls.py``."""

from .reviewing import PledgeRequired, ReviewerAssignmentViewSet, ReviewerCycleViewSet
from .selection import (
    AnnounceView,
    ApprovalView,
    DecisionsView,
    RankingView,
    ReviewerProgressView,
)

__all__ = [
    "AnnounceView",
    "ApprovalView",
    "DecisionsView",
    "PledgeRequired",
    "RankingView",
    "ReviewerAssignmentViewSet",
    "ReviewerCycleViewSet",
    "ReviewerProgressView",
]
