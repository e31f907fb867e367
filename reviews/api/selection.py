"""REST API of the selection side: ranking, decisions, approvals, announcement."""

import rules
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from programs.models import Cycle

from .. import selectors, services
from ..forms import RankingFilterForm
from ..serializers import (
    AnnounceInputSerializer,
    AnnouncementSerializer,
    ApprovalInputSerializer,
    ApprovalSerializer,
    DecisionInputSerializer,
    DecisionOutcomeSerializer,
    RankingRowSerializer,
)


class _CycleManagerMixin:
    """Fetch-and-authorise the cycle of the URL: 404 unless the user manages its program
    and the named permission ``cycle_permission`` allows the action."""

    permission_classes = [permissions.IsAuthenticated]
    cycle_permission = "reviews.view_ranking"

    def get_cycle(self) -> Cycle:
        cycle = selectors.get_cycle_for_manager(self.request.user, self.kwargs["cycle_pk"])
        if not rules.has_perm(self.cycle_permission, self.request.user, cycle):
            raise Http404
        return cycle


def _refused(error: DjangoValidationError | DjangoPermissionDenied) -> Response:
    """A service's refusal with its messages and codes (``quota_exceeded``, ``not_ready``,
    ``already_announced`` …), so that a client can tell them apart."""
    if isinstance(error, DjangoPermissionDenied):
        return Response({"detail": [str(error)]}, status=status.HTTP_403_FORBIDDEN)
    codes = sorted({getattr(item, "code", None) or "invalid" for item in error.error_list})
    return Response({"detail": error.messages, "codes": codes}, status=status.HTTP_400_BAD_REQUEST)


class RankingView(_CycleManagerMixin, generics.ListAPIView):
    """The cycle's ranking, filtered (``field``, ``status``, ``item``) and sorted (``sort``:
    rank, combined, normalised, mean, mss, ipark, spread, reviews; ``order``: asc, desc)
    as on the ranking page. Program managers of the cycle only."""

    serializer_class = RankingRowSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("field", str),
            OpenApiParameter("status", str),
            OpenApiParameter("item", str, description="technology:<id> or challenge:<id>"),
            OpenApiParameter("sort", str),
            OpenApiParameter("order", str, enum=["asc", "desc"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        cycle = self.get_cycle()
        query = self.request.query_params
        filters = RankingFilterForm(query, track_items=selectors.track_items_of(cycle))
        return selectors.ranking_view(
            cycle,
            field=filters.value("field"),
            status=filters.value("status"),
            item=filters.value("item"),
            sort=filters.value("sort"),
            descending=filters.descending,
        )


class DecisionsView(_CycleManagerMixin, APIView):
    """Record one decision for one or more applications (``decisions_set``: the quota,
    the phase and the joint approvals apply as on the pages)."""

    cycle_permission = "reviews.decide_applications"

    @extend_schema(request=DecisionInputSerializer, responses=DecisionOutcomeSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome = services.decisions_set(
                cycle=cycle,
                applications=data.validated_data["applications"],
                decision=data.validated_data["decision"],
                note=data.validated_data["note"],
                reason=data.validated_data["reason"],
                versions=data.validated_data["versions"],
                actor=request.user,
            )
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            return _refused(error)
        return Response(
            {
                "changed": [a.reference for a in outcome.changed],
                "unchanged": [a.reference for a in outcome.unchanged],
                "approvals_withdrawn": [a.organisation for a in outcome.approvals_withdrawn],
            }
        )


class ApprovalView(_CycleManagerMixin, APIView):
    """POST approves the cycle's decisions for the caller's organisation; DELETE withdraws
    that organisation's standing approval."""

    cycle_permission = "reviews.approve_decisions"

    @extend_schema(request=ApprovalInputSerializer, responses=ApprovalSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = ApprovalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            approval = services.decisions_approve(
                cycle=cycle, actor=request.user, **data.validated_data
            )
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            return _refused(error)
        return Response(ApprovalSerializer(approval).data)

    @extend_schema(request=None, responses={200: ApprovalSerializer, 204: None})
    def delete(self, request, cycle_pk: int):
        try:
            approval = services.decisions_approval_withdraw(
                cycle=self.get_cycle(), actor=request.user
            )
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            return _refused(error)
        if approval is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ApprovalSerializer(approval).data)


class AnnounceView(_CycleManagerMixin, APIView):
    """Announce the cycle's results (both approvals standing, every application decided;
    ``override_reason`` for applications lacking reviews, ``confirm_early`` before the
    published date); announcing again is refused and sends nothing. Returns at once: the
    results are recorded and e-mailed by a background run (``run``)."""

    cycle_permission = "reviews.announce_results"

    @extend_schema(request=AnnounceInputSerializer, responses=AnnouncementSerializer)
    def post(self, request, cycle_pk: int):
        cycle = self.get_cycle()
        data = AnnounceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            cycle = services.cycle_announce(cycle=cycle, actor=request.user, **data.validated_data)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            return _refused(error)
        run = selectors.announcement_run_of(cycle)
        return Response({"phase": cycle.phase, "run": {"status": run.status, "total": run.total}})
