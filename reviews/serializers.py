"""Serializers of the reviews API: a reviewer's assignments, reviews and pledge, and the
selection side's ranking, decisions, approvals and announcement."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.serializers import ApplicationSerializer
from programs.serializers import CriterionSerializer

from . import selectors
from .enums import REVIEWABLE_STATUSES, Recommendation
from .forms import DECISION_CHOICES
from .models import DecisionApproval, Review
from .pledge import PLEDGE


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)

    def validate(self, attrs):
        # A PATCH validates partially, nested items included: a score without its value
        # must still be refused, not reach the service half-formed.
        required = self.fields["score"].error_messages["required"]
        missing = {name: [required] for name in ("criterion", "score")}
        for name in attrs:
            missing.pop(name, None)
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class ReviewSerializer(serializers.Serializer):
    """The reviewer's own review. Writing replaces the fields given (PATCH) or all of them
    (PUT); a ``score`` of ``null`` clears that criterion."""

    status = serializers.CharField(read_only=True)
    scores = ScoreSerializer(many=True, required=False)
    comment_to_applicant = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000
    )
    comment_language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        allow_blank=True,
        help_text="The language of the comment to the applicant; empty: the reviewer's own.",
    )
    internal_comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, allow_blank=True
    )
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    @staticmethod
    def of(review: Review | None) -> dict:
        if review is None:
            return {
                "status": "not_started",
                "scores": [],
                "comment_to_applicant": "",
                "comment_language": "",
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
            "comment_language": review.comment_language,
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
        if hasattr(assignment, "pledged"):
            # ``selectors.assignments_for_api``: the reviewer's own active assignments,
            # conflicts left out — ``reviews.open_assignment`` is then the rest of it.
            return assignment.pledged and assignment.application.status in REVIEWABLE_STATUSES
        return self.context["request"].user.has_perm("reviews.open_assignment", assignment)

    def get_pledge_accepted(self, assignment) -> bool:
        if hasattr(assignment, "pledged"):
            return assignment.pledged
        return assignment.reviewer.has_accepted_pledge(assignment.application.cycle_id)

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
        cycle = assignment.application.cycle
        prefetched = getattr(cycle, "_prefetched_objects_cache", {}).get("criteria")
        rubric = list(prefetched) if prefetched is not None else selectors.rubric_of(cycle)
        return CriterionSerializer(rubric, many=True).data


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


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"})
class _ReasonField(serializers.CharField):
    """Required text with something besides spaces in it (leading and trailing spaces are
    trimmed, so "  " is blank): the schema says so, and the server refuses what it refuses."""


class DeclineSerializer(serializers.Serializer):
    reason = _ReasonField(max_length=2000)


class RankingRowSerializer(serializers.Serializer):
    """A row of the ranking (``reviews.scoring.ApplicationScore`` and its application)."""

    rank = serializers.IntegerField(source="score.rank")
    application = serializers.IntegerField(source="application.pk")
    reference = serializers.CharField(source="application.reference")
    company = serializers.CharField(source="application.company.name_en")
    field = serializers.SerializerMethodField()
    track_item = serializers.SerializerMethodField()
    status = serializers.CharField(source="application.status")
    mean = serializers.DecimalField(
        source="score.mean", max_digits=5, decimal_places=2, allow_null=True
    )
    mss_mean = serializers.DecimalField(
        source="score.mss_mean", max_digits=5, decimal_places=2, allow_null=True
    )
    ipark_mean = serializers.DecimalField(
        source="score.ipark_mean", max_digits=5, decimal_places=2, allow_null=True
    )
    combined = serializers.DecimalField(
        source="score.combined", max_digits=5, decimal_places=2, allow_null=True
    )
    normalised = serializers.DecimalField(
        source="score.normalised", max_digits=6, decimal_places=2, allow_null=True
    )
    spread = serializers.DecimalField(
        source="score.spread", max_digits=5, decimal_places=2, allow_null=True
    )
    disagreement = serializers.BooleanField(source="score.disagreement")
    completed_reviews = serializers.IntegerField(source="score.completed_reviews")
    required_reviews = serializers.IntegerField(source="score.required_reviews")
    missing_organisations = serializers.ListField(
        source="score.missing_organisations", child=serializers.CharField()
    )
    criterion_means = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True),
        help_text="Criterion id → mean raw score of the submitted reviews.",
    )

    def get_field(self, row) -> str:
        return selectors.application_field(row.application)

    def get_track_item(self, row) -> str:
        return selectors.track_item_key(row.application)


APPLICATION_ID = r"^[1-9][0-9]{0,17}$"
"""An application id as a JSON object's key: what ``versions`` maps from."""


@extend_schema_field(
    {
        "type": "object",
        "propertyNames": {"pattern": APPLICATION_ID},
        "additionalProperties": {"type": "integer", "minimum": 0},
    }
)
class VersionsField(serializers.DictField):
    """Application id → the version read. Keys are checked as the schema declares them."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not all(re.fullmatch(APPLICATION_ID, str(key)) for key in value):
            raise serializers.ValidationError(_("Keys are application ids."))
        return {int(key): version for key, version in value.items()}


class DecisionInputSerializer(serializers.Serializer):
    applications = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        min_length=1,
    )
    decision = serializers.ChoiceField(choices=DECISION_CHOICES)
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        default="",
        help_text="Required when a selection passes over a better-ranked application.",
    )
    versions = VersionsField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        default=dict,
        help_text="Application id → the version read; a decision changed since is refused.",
    )


class ApprovalInputSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    overrides_seen = serializers.IntegerField(required=False, allow_null=True, default=None)


class AnnounceInputSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    confirm_early = serializers.BooleanField(required=False, default=False)


class DecisionOutcomeSerializer(serializers.Serializer):
    changed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())
    approvals_withdrawn = serializers.ListField(child=serializers.CharField())


class ApprovalSerializer(serializers.ModelSerializer):
    manager = serializers.CharField(source="manager.user.email")

    class Meta:
        model = DecisionApproval
        fields = ["organisation", "manager", "approved_at", "withdrawn_at", "withdrawn_reason"]


class AnnouncementSerializer(serializers.Serializer):
    phase = serializers.CharField()
    run = serializers.DictField(required=False)


class ApprovalsSerializer(serializers.Serializer):
    standing = ApprovalSerializer(many=True, help_text="The standing approval per organisation.")
    history = ApprovalSerializer(many=True, help_text="Every approval given, newest first.")


class DecisionsStateSerializer(serializers.Serializer):
    quota = serializers.IntegerField()
    selected = serializers.IntegerField()
    by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Sent-in applications per status (every status a key).",
    )


class AnnouncementStateSerializer(serializers.Serializer):
    phase = serializers.CharField()
    announced = serializers.BooleanField()
    can_announce = serializers.BooleanField()
    undecided = serializers.IntegerField(help_text="Applications still under review.")
    missing_organisations = serializers.ListField(
        child=serializers.CharField(), help_text="Organisations without a standing approval."
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="Why the results cannot be announced now."
    )


class ProgressSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField()
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    percent = serializers.IntegerField()


class ReviewerProgressSerializer(serializers.Serializer):
    reviewers = ProgressSerializer(many=True)
    organisations = ProgressSerializer(many=True)
