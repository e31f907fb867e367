"""REST API of the reviewers: their assignments and reviews, and the pledge of a cycle.

Assignments that are not the user's own and active — or whose application is closed to
them by a declared conflict — are 404; an application whose cycle's pledge is not
accepted yet answers 403 with ``code: pledge_required``. The services' refusals reach the
caller through the one exception handler (``common.api``): a submitted review is 409
``review_locked``, bad input 400 with its fields."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from common.api import ApiViewMixin, Rule
from programs.models import Cycle

from .. import selectors, services
from ..serializers import (
    AssignmentSerializer,
    DeclineSerializer,
    OtherReviewSerializer,
    PledgeCycleSerializer,
    ReviewSerializer,
)

REVIEWER = Rule(user="reviews.act_as_reviewer")
"""An active reviewer profile; the object is one of the reviewer's own (the queryset)."""


class PledgeRequired(PermissionDenied):
    default_detail = _("Accept the evaluator pledge of this cycle first.")
    default_code = "pledge_required"


_TEXT_FIELDS = ("comment_to_applicant", "comment_language", "internal_comment", "recommendation")


class ReviewerAssignmentViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Your active assignments (reviews due first)."""

    serializer_class = AssignmentSerializer
    permission_rules = {
        "list": REVIEWER,
        "retrieve": REVIEWER,
        "review": REVIEWER,
        "submit": REVIEWER,
        "decline": REVIEWER,
        "other_reviews": REVIEWER,
    }
    program_field = "application__cycle__program"
    error_codes = {
        403: "Not a reviewer (`permission_denied`), the cycle's pledge is not accepted "
        "(`pledge_required`), or your review is not submitted yet (`submit_first`).",
        409: "Your review is submitted and locked (`review_locked`), or the cycle is not "
        "scoring (`cycle_not_scoring`).",
    }

    def get_queryset(self):
        return selectors.assignments_for_api(self.request.user)

    def _opened(self):
        """The assignment, if its application opens for the user (else 404 / 403)."""
        assignment = self.get_object()
        user = self.request.user
        if user.has_perm("reviews.open_assignment", assignment):
            return assignment
        if not assignment.reviewer.has_accepted_pledge(assignment.application.cycle_id):
            raise PledgeRequired
        raise Http404

    def _review_response(self, assignment, status_code=200):
        return Response(ReviewSerializer.of(selectors.review_of(assignment)), status=status_code)

    @extend_schema(methods=["GET"], responses=ReviewSerializer)
    @extend_schema(methods=["PUT", "PATCH"], request=ReviewSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["get", "put", "patch"])
    def review(self, request, pk=None):
        """Your review of the assignment: read it, or save the draft."""
        assignment = self._opened()
        if request.method == "GET":
            return self._review_response(assignment)
        serializer = ReviewSerializer(data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        current = ReviewSerializer.of(selectors.review_of(assignment))
        if request.method == "PATCH":
            scores = {s["criterion"]: s["score"] for s in current["scores"]}
            scores.update({s["criterion"]: s["score"] for s in data.get("scores", [])})
            fields = {key: data.get(key, current[key]) for key in _TEXT_FIELDS}
        else:
            scores = {
                criterion.pk: None
                for criterion in selectors.rubric_of(assignment.application.cycle)
            }
            scores.update({s["criterion"]: s["score"] for s in data.get("scores", [])})
            fields = {key: data.get(key, "") for key in _TEXT_FIELDS}
        services.review_save(assignment=assignment, actor=request.user, scores=scores, **fields)
        return self._review_response(assignment)

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your saved review; it is locked from then on."""
        assignment = self._opened()
        services.review_submit(assignment=assignment, actor=request.user)
        return self._review_response(assignment)

    @extend_schema(request=DeclineSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline the assignment for a conflict of interest with the company."""
        assignment = self.get_object()
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not request.user.has_perm("reviews.decline_assignment", assignment):
            raise Http404
        services.assignment_decline(
            assignment=assignment,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(status=204)

    @extend_schema(responses=OtherReviewSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="other-reviews", pagination_class=None)
    def other_reviews(self, request, pk=None):
        """The other reviewers' submitted reviews, once yours is submitted."""
        assignment = self._opened()
        if not request.user.has_perm("reviews.view_other_reviews", assignment):
            raise PermissionDenied(
                detail=_("Submit your own review to see the other reviewers'."),
                code="submit_first",
            )
        return Response(OtherReviewSerializer(selectors.other_reviews(assignment), many=True).data)


class ReviewerCycleViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The cycles you review in, with their evaluator pledge."""

    serializer_class = PledgeCycleSerializer
    permission_rules = {"list": REVIEWER, "pledge": REVIEWER}
    program_field = "program"
    filter_backends: list = []

    def get_queryset(self):
        reviewer = selectors.reviewer_of(self.request.user)
        if reviewer is None:
            return Cycle.objects.none()
        return selectors.cycles_of_reviewer(reviewer)

    def list(self, request):
        reviewer = request.user.reviewer
        cycles = self.paginate_queryset(
            self.filter_queryset(self.get_queryset()).order_by("review_due_at", "pk")
        )
        pledges = {p.cycle_id: p for p in reviewer.pledges.filter(cycle__in=cycles)}
        entries = [{"cycle": cycle, "pledge": pledges.get(cycle.pk)} for cycle in cycles]
        return self.get_paginated_response(PledgeCycleSerializer(entries, many=True).data)

    @extend_schema(request=None, responses=PledgeCycleSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk: int):
        """Accept the cycle's evaluator pledge (once; accepting again changes nothing)."""
        cycle = self.get_object()
        reviewer = request.user.reviewer
        accepted = services.pledge_accept(reviewer=reviewer, cycle=cycle, actor=request.user)
        return Response(PledgeCycleSerializer({"cycle": cycle, "pledge": accepted}).data)
