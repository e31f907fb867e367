"""REST API of the selection side: ranking, reviewer progress, decisions, approvals and the
announcement — each read by the program managers of the cycle, and written through the
same services as the pages. Refusals reach the caller through the one exception handler
(``common.api``): ``quota_exceeded``, ``already_announced``, ``not_ready`` …

The ranking is paginated by page number, not by cursor: its order is computed (ranks,
means and their sort keys come from the scores, not from an indexed column), so there is
no stable column a cursor could carry."""

import rules
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ApiViewMixin, Rule, require_token_program
from programs.enums import Field
from programs.models import Cycle

from .. import selectors, services
from ..forms import RANKING_SORT_CHOICES, RankingFilterForm
from ..selectors import RANKED_STATUS_ORDER
from ..serializers import (
    AnnounceInputSerializer,
    AnnouncementSerializer,
    AnnouncementStateSerializer,
    ApprovalInputSerializer,
    ApprovalSerializer,
    ApprovalsSerializer,
    DecisionInputSerializer,
    DecisionOutcomeSerializer,
    DecisionsStateSerializer,
    RankingRowSerializer,
    ReviewerProgressSerializer,
)

MANAGER = Rule()
"""Signed in; the cycle of the URL is then checked against ``cycle_permission`` (404 to
anyone it does not allow: an id guessed in a URL reveals nothing)."""


class _CycleManagerMixin(ApiViewMixin):
    """Fetch-and-authorise the cycle of the URL: 404 unless the user manages its program
    (and the token is not limited to other programs) and the named permission of the
    action allows it."""

    cycle_permission = "reviews.view_ranking"
    write_permission: str | None = None

    def get_cycle(self) -> Cycle:
        cycle = selectors.get_cycle_for_manager(self.request.user, self.kwargs["cycle_pk"])
        require_token_program(self.request, cycle.program_id)
        permission = self.cycle_permission
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and self.write_permission:
            permission = self.write_permission
        # The named rule itself: a superuser without a manager's profile does not approve.
        if not rules.has_perm(permission, self.request.user, cycle):
            raise Http404
        return cycle


class RankingView(_CycleManagerMixin, generics.ListAPIView):
    """The cycle's ranking, filtered (``field``, ``status``, ``item``) and sorted (``sort``:
    rank, combined, normalised, mean, mss, ipark, spread, reviews; ``order``: asc, desc)
    as on the ranking page. Program managers of the cycle only. Means are ``null`` until
    reviews are submitted."""

    serializer_class = RankingRowSerializer
    permission_rules = {"get": MANAGER}
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("field", str, enum=["", *Field.values]),
            OpenApiParameter("status", str, enum=["", *RANKED_STATUS_ORDER]),
            OpenApiParameter("item", str, description="technology:<id> or challenge:<id>"),
            OpenApiParameter("sort", str, enum=[key for key, _label in RANKING_SORT_CHOICES]),
            OpenApiParameter("order", str, enum=["", "asc", "desc"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        cycle = self.get_cycle()
        query = self.request.query_params
        filters = RankingFilterForm(query, track_items=selectors.track_items_of(cycle))
        if not filters.is_valid():
            # The page ignores a stale filter in a shared link; an integrator is told.
            raise ValidationError(filters.errors)
        return selectors.ranking_view(
            cycle,
            field=filters.value("field"),
            status=filters.value("status"),
            item=filters.value("item"),
            sort=filters.value("sort"),
            descending=filters.descending,
        )


class ReviewerProgressView(_CycleManagerMixin, APIView):
    """Review progress of the cycle: per reviewer and per organisation, the active
    assignments of ranked applications and the reviews submitted."""

    permission_rules = {"get": MANAGER}

    @extend_schema(responses=ReviewerProgressSerializer)
    def get(self, request, cycle_pk: int):
        dashboard = selectors.cycle_dashboard(self.get_cycle())
        return Response(
            ReviewerProgressSerializer(
                {"reviewers": dashboard.reviewers, "organisations": dashboard.organisations}
            ).data
        )


class DecisionsView(_CycleManagerMixin, APIView):
    """GET: the cycle's decisions so far (the quota, the applications per status; the
    applications themselves: ``/api/v1/applications/?cycle=…&status=selected``). POST:
    record one decision for one or more applications (``decisions_set``: the quota, the
    phase and the joint approvals apply as on the pages)."""

    permission_rules = {"get": MANAGER, "post": MANAGER}
    write_permission = "reviews.decide_applications"
    error_codes = {
        400: "Invalid input (`invalid`, `no_applications`, `not_in_cycle`, `bad_decision`).",
        409: "Refused in the cycle's state (`quota_exceeded`, `not_deciding`, "
        "`transition_not_allowed`).",
    }

    @extend_schema(responses=DecisionsStateSerializer)
    def get(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        return Response(
            DecisionsStateSerializer(
                {
                    "quota": cycle.selection_quota,
                    "selected": selectors.selected_count(cycle),
                    "by_status": selectors.status_counts(cycle),
                }
            ).data
        )

    @extend_schema(request=DecisionInputSerializer, responses=DecisionOutcomeSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.decisions_set(
            cycle=cycle,
            applications=data.validated_data["applications"],
            decision=data.validated_data["decision"],
            note=data.validated_data["note"],
            reason=data.validated_data["reason"],
            versions=data.validated_data["versions"],
            actor=request.user,
        )
        return Response(
            {
                "changed": [a.reference for a in outcome.changed],
                "unchanged": [a.reference for a in outcome.unchanged],
                "approvals_withdrawn": [a.organisation for a in outcome.approvals_withdrawn],
            }
        )


class ApprovalView(_CycleManagerMixin, APIView):
    """GET: the standing approval per organisation and every approval given (newest
    first). POST approves the cycle's decisions for the caller's organisation; DELETE
    withdraws that organisation's standing approval."""

    permission_rules = {"get": MANAGER, "post": MANAGER, "delete": MANAGER}
    write_permission = "reviews.approve_decisions"
    error_codes = {
        409: "Refused in the cycle's state (`not_deciding`, `undecided`, `already_announced`).",
    }

    @extend_schema(responses=ApprovalsSerializer)
    def get(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        history = selectors.approval_history(cycle)
        return Response(
            ApprovalsSerializer(
                {
                    "standing": [a for a in history if a.withdrawn_at is None],
                    "history": history,
                }
            ).data
        )

    @extend_schema(request=ApprovalInputSerializer, responses=ApprovalSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = ApprovalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.decisions_approve(
            cycle=cycle, actor=request.user, **data.validated_data
        )
        return Response(ApprovalSerializer(approval).data)

    @extend_schema(request=None, responses={200: ApprovalSerializer, 204: None})
    def delete(self, request, cycle_pk: int):
        approval = services.decisions_approval_withdraw(cycle=self.get_cycle(), actor=request.user)
        if approval is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ApprovalSerializer(approval).data)


class AnnounceView(_CycleManagerMixin, APIView):
    """GET: the announcement state (announced or not; if not, what stands in the way).
    POST: announce the cycle's results (both approvals standing, every application decided;
    ``override_reason`` for applications lacking reviews, ``confirm_early`` before the
    published date); announcing again is refused and sends nothing. Returns at once: the
    results are recorded and e-mailed by a background run (``run``)."""

    permission_rules = {"get": MANAGER, "post": MANAGER}
    write_permission = "reviews.announce_results"
    error_codes = {
        409: "Refused in the cycle's state (`not_ready`, `already_announced`).",
    }

    @extend_schema(responses=AnnouncementStateSerializer)
    def get(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        readiness = selectors.announcement_readiness(cycle)
        return Response(
            AnnouncementStateSerializer(
                {
                    "phase": cycle.phase,
                    "announced": readiness.announced,
                    "can_announce": readiness.can_announce,
                    "undecided": len(readiness.undecided),
                    "missing_organisations": list(readiness.missing_organisations),
                    "problems": readiness.problems,
                }
            ).data
        )

    @extend_schema(request=AnnounceInputSerializer, responses=AnnouncementSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = AnnounceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cycle = services.cycle_announce(cycle=cycle, actor=request.user, **data.validated_data)
        run = selectors.announcement_run_of(cycle)
        return Response({"phase": cycle.phase, "run": {"status": run.status, "total": run.total}})
