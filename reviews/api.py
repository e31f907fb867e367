"""REST API of review and selection: the same selectors, services and named permissions as
the pages. Sections: reviewing, then selection."""

from contextlib import contextmanager

import rules
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.serializers import ApplicationSerializer
from programs.models import Cycle
from programs.serializers import CriterionSerializer

from . import selectors, services
from .enums import Recommendation
from .forms import DECISION_CHOICES, RankingFilterForm
from .models import DecisionApproval, Review
from .pledge import PLEDGE

# =========================================================================================
# Reviewing
# =========================================================================================
#
# A reviewer's assignments and their reviews: list, read, save the draft, submit, decline
# for a conflict, and the other reviewers' reviews once one's own is submitted; the pledge
# of a cycle. Assignments that are not the user's own and active — or whose application is
# closed to them by a declared conflict — are 404; an application whose cycle's pledge is
# not accepted yet answers 403 with ``code: pledge_required``.


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)


class ReviewSerializer(serializers.Serializer):
    """The reviewer's own review. Writing replaces the fields given (PATCH) or all of them
    (PUT); a ``score`` of ``null`` clears that criterion."""

    status = serializers.CharField(read_only=True)
    scores = ScoreSerializer(many=True, required=False)
    comment_to_applicant = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000
    )
    internal_comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True
    )
    submitted_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    @staticmethod
    def of(review: Review | None) -> dict:
        if review is None:
            return {
                "status": "not_started",
                "scores": [],
                "comment_to_applicant": "",
                "internal_comment": "",
                "recommendation": "",
                "submitted_at": None,
                "updated_at": None,
            }
        return {
            "status": review.status,
            "scores": [
                {"criterion": score.criterion_id, "score": score.score}
                for score in review.scores.all()
            ],
            "comment_to_applicant": review.comment_to_applicant,
            "internal_comment": review.internal_comment,
            "recommendation": review.recommendation,
            "submitted_at": review.submitted_at,
            "updated_at": review.updated_at,
        }


class OtherReviewSerializer(serializers.Serializer):
    reviewer = serializers.CharField(source="label")
    organisation = serializers.CharField()
    scores = serializers.SerializerMethodField()
    comment_to_applicant = serializers.CharField(source="review.comment_to_applicant")
    internal_comment = serializers.CharField(source="review.internal_comment")
    recommendation = serializers.CharField(source="review.recommendation")
    submitted_at = serializers.DateTimeField(source="review.submitted_at")

    def get_scores(self, other) -> list[dict]:
        return [
            {"criterion": criterion, "score": score} for criterion, score in other.scores.items()
        ]


class AssignmentSerializer(serializers.Serializer):
    """An assignment as its reviewer sees it. ``application`` (the applications API's
    representation, identity hidden in a blind cycle) and ``rubric`` are ``null`` until the
    cycle's pledge is accepted."""

    id = serializers.IntegerField()
    reference = serializers.CharField(source="application.reference")
    cycle = serializers.IntegerField(source="application.cycle_id")
    cycle_name = serializers.CharField(source="application.cycle.name")
    review_due_at = serializers.DateTimeField(source="application.cycle.review_due_at")
    blind_review = serializers.BooleanField(source="application.cycle.blind_review")
    pledge_accepted = serializers.SerializerMethodField()
    review_status = serializers.SerializerMethodField()
    application = serializers.SerializerMethodField()
    rubric = serializers.SerializerMethodField()

    def _opens(self, assignment) -> bool:
        return self.context["request"].user.has_perm("reviews.open_assignment", assignment)

    def get_pledge_accepted(self, assignment) -> bool:
        return assignment.reviewer.pledges.filter(cycle_id=assignment.application.cycle_id).exists()

    def get_review_status(self, assignment) -> str:
        return selectors.review_state(assignment)

    @extend_schema_field(ApplicationSerializer(allow_null=True))
    def get_application(self, assignment) -> dict | None:
        if not self._opens(assignment):
            return None
        return ApplicationSerializer(assignment.application, context=self.context).data

    @extend_schema_field(CriterionSerializer(many=True, allow_null=True))
    def get_rubric(self, assignment) -> list | None:
        if not self._opens(assignment):
            return None
        return CriterionSerializer(
            selectors.rubric_of(assignment.application.cycle), many=True
        ).data


class PledgeCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cycle.pk")
    name = serializers.CharField(source="cycle.name")
    pledge_version = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField(source="pledge.accepted_at", allow_null=True)
    accepted_version = serializers.CharField(source="pledge.text_version", allow_null=True)
    text = serializers.SerializerMethodField()

    def get_pledge_version(self, entry) -> str:
        return PLEDGE.version

    def get_text(self, entry) -> dict:
        return {
            "title": str(PLEDGE.title),
            "introduction": str(PLEDGE.introduction),
            "duties": [{"title": str(t), "text": str(x)} for t, x in PLEDGE.duties],
            "agreement": str(PLEDGE.agreement),
        }


class PledgeRequired(PermissionDenied):
    default_detail = _("Accept the evaluator pledge of this cycle first.")
    default_code = "pledge_required"


class IsReviewer(permissions.BasePermission):
    """A reviewer profile (active) is needed for every reviewer endpoint."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.has_perm("reviews.act_as_reviewer"))


@contextmanager
def _service_errors():
    """A service's refusals as API errors: 409 for a locked review, 400 for bad input (by
    field), 403 for a permission."""
    try:
        yield
    except services.ReviewLocked as error:
        raise Conflict(detail=error.messages[0], code="review_locked") from None
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from None
        raise ValidationError({"non_field_errors": error.messages}) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None


_TEXT_FIELDS = ("comment_to_applicant", "internal_comment", "recommendation")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class Conflict(APIException):
    status_code = 409
    default_detail = _("This review has been submitted and is locked.")
    default_code = "review_locked"


class ReviewerAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Your active assignments (reviews due first)."""

    serializer_class = AssignmentSerializer
    permission_classes = [IsReviewer]

    def get_queryset(self):
        return selectors.assignments_for_api(self.request.user)

    def _opened(self):
        """The assignment, if its application opens for the user (else 404 / 403)."""
        assignment = self.get_object()
        user = self.request.user
        if user.has_perm("reviews.open_assignment", assignment):
            return assignment
        if not assignment.reviewer.pledges.filter(
            cycle_id=assignment.application.cycle_id
        ).exists():
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
        with _service_errors():
            services.review_save(assignment=assignment, actor=request.user, scores=scores, **fields)
        return self._review_response(assignment)

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your saved review; it is locked from then on."""
        assignment = self._opened()
        with _service_errors():
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
        with _service_errors():
            services.assignment_decline(
                assignment=assignment,
                actor=request.user,
                reason=serializer.validated_data["reason"],
            )
        return Response(status=204)

    @extend_schema(responses=OtherReviewSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="other-reviews")
    def other_reviews(self, request, pk=None):
        """The other reviewers' submitted reviews, once yours is submitted."""
        assignment = self._opened()
        if not request.user.has_perm("reviews.view_other_reviews", assignment):
            raise PermissionDenied(
                detail=_("Submit your own review to see the other reviewers'."),
                code="submit_first",
            )
        return Response(OtherReviewSerializer(selectors.other_reviews(assignment), many=True).data)


class ReviewerCycleViewSet(viewsets.GenericViewSet):
    """The cycles you review in, with their evaluator pledge."""

    serializer_class = PledgeCycleSerializer
    permission_classes = [IsReviewer]
    pagination_class = None

    def get_queryset(self):
        reviewer = selectors.reviewer_of(self.request.user)
        if reviewer is None:
            return Cycle.objects.none()
        return selectors.cycles_of_reviewer(reviewer)

    def list(self, request):
        reviewer = request.user.reviewer
        pledges = {p.cycle_id: p for p in reviewer.pledges.all()}
        entries = [
            {"cycle": cycle, "pledge": pledges.get(cycle.pk)}
            for cycle in self.get_queryset().order_by("review_due_at", "pk")
        ]
        return Response(PledgeCycleSerializer(entries, many=True).data)

    @extend_schema(request=None, responses=PledgeCycleSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk: int):
        """Accept the cycle's evaluator pledge (once; accepting again changes nothing)."""
        cycle = self.get_object()
        reviewer = request.user.reviewer
        with _service_errors():
            accepted = services.pledge_accept(reviewer=reviewer, cycle=cycle, actor=request.user)
        return Response(PledgeCycleSerializer({"cycle": cycle, "pledge": accepted}).data)


# =========================================================================================
# Selection
# =========================================================================================


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


class RankingRowSerializer(serializers.Serializer):
    """A row of the ranking (``reviews.scoring.ApplicationScore`` and its application)."""

    rank = serializers.IntegerField(source="score.rank")
    application = serializers.IntegerField(source="application.pk")
    reference = serializers.CharField(source="application.reference")
    company = serializers.CharField(source="application.company.name_en")
    field = serializers.SerializerMethodField()
    track_item = serializers.SerializerMethodField()
    status = serializers.CharField(source="application.status")
    mean = serializers.DecimalField(source="score.mean", max_digits=5, decimal_places=2)
    mss_mean = serializers.DecimalField(source="score.mss_mean", max_digits=5, decimal_places=2)
    ipark_mean = serializers.DecimalField(source="score.ipark_mean", max_digits=5, decimal_places=2)
    combined = serializers.DecimalField(source="score.combined", max_digits=5, decimal_places=2)
    normalised = serializers.DecimalField(source="score.normalised", max_digits=6, decimal_places=2)
    spread = serializers.DecimalField(source="score.spread", max_digits=5, decimal_places=2)
    disagreement = serializers.BooleanField(source="score.disagreement")
    completed_reviews = serializers.IntegerField(source="score.completed_reviews")
    required_reviews = serializers.IntegerField(source="score.required_reviews")
    missing_organisations = serializers.ListField(
        source="score.missing_organisations", child=serializers.CharField()
    )
    criterion_means = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text="Criterion id → mean raw score of the submitted reviews.",
    )

    def get_field(self, row) -> str:
        return selectors.application_field(row.application)

    def get_track_item(self, row) -> str:
        return selectors.track_item_key(row.application)


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


class DecisionInputSerializer(serializers.Serializer):
    applications = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    decision = serializers.ChoiceField(choices=DECISION_CHOICES)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class DecisionOutcomeSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    approvals_withdrawn = serializers.ListField(child=serializers.CharField())


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


class ApprovalSerializer(serializers.ModelSerializer):
    manager = serializers.CharField(source="manager.user.email")

    class Meta:
        model = DecisionApproval
        fields = ["organisation", "manager", "approved_at", "withdrawn_at", "withdrawn_reason"]


class ApprovalView(_CycleManagerMixin, APIView):
    """POST approves the cycle's decisions for the caller's organisation; DELETE withdraws
    that organisation's standing approval."""

    cycle_permission = "reviews.approve_decisions"

    @extend_schema(request=None, responses=ApprovalSerializer)
    def post(self, request, cycle_pk: int):
        try:
            approval = services.decisions_approve(cycle=self.get_cycle(), actor=request.user)
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


class AnnouncementSerializer(serializers.Serializer):
    phase = serializers.CharField()


class AnnounceView(_CycleManagerMixin, APIView):
    """Announce the cycle's results (both approvals standing, every application decided);
    announcing again is refused and sends nothing."""

    cycle_permission = "reviews.announce_results"

    @extend_schema(request=None, responses=AnnouncementSerializer)
    def post(self, request, cycle_pk: int):
        try:
            cycle = services.cycle_announce(cycle=self.get_cycle(), actor=request.user)
        except (DjangoValidationError, DjangoPermissionDenied) as error:
            return _refused(error)
        return Response({"phase": cycle.phase})
