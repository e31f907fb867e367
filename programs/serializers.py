from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Challenge, Criterion, Cycle, CycleActivity, Program, Technology


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "max_score", "order"]


class MilestoneSerializer(serializers.Serializer):
    label = serializers.CharField()
    at = serializers.DateTimeField()
    passed = serializers.BooleanField()


class CycleSerializer(serializers.ModelSerializer):
    """A call with its phase and timeline (milestones in order, each passed or not)."""

    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    timeline = serializers.SerializerMethodField()
    track = serializers.CharField(source="program.track", read_only=True)
    accepting_applications = serializers.SerializerMethodField()
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "program",
            "track",
            "name",
            "slug",
            "code",
            "description",
            "phase",
            "phase_label",
            "timeline",
            "opens_at",
            "closes_at",
            "review_due_at",
            "announce_at",
            "selection_quota",
            "reviews_per_application",
            "blind_review",
            "required_document_kinds",
            "accepting_applications",
            "criteria",
        ]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_timeline(self, cycle: Cycle) -> list[dict]:
        return [
            {"label": str(label), "at": at, "passed": passed}
            for label, at, passed in cycle.timeline
        ]

    def get_accepting_applications(self, cycle: Cycle) -> bool:
        return cycle.is_accepting_applications()


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "track", "slug", "name", "tagline", "description", "eligibility"]


class TechnologySerializer(serializers.ModelSerializer):
    class Meta:
        model = Technology
        fields = ["id", "title", "holder", "holder_type", "field", "trl", "ip_status", "summary"]


class ChallengeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Challenge
        fields = [
            "id",
            "company",
            "title",
            "problem_statement",
            "expected_outcome",
            "field",
            "poc_terms",
        ]


class CycleActivitySerializer(serializers.ModelSerializer):
    """A line of a call's activity log. ``data`` holds the values the line records (field
    names, old and new values, application references); ``note`` is the actor's reason."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CycleActivity
        fields = ["id", "kind", "kind_label", "actor", "subject", "data", "note", "created_at"]
        read_only_fields = fields

    def get_actor(self, activity: CycleActivity) -> str | None:
        return activity.actor.email if activity.actor else None
