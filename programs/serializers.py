from rest_framework import serializers

from .models import Challenge, Criterion, Cycle, Program, Technology


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "max_score", "order"]


class CycleSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
