from rest_framework import serializers

from .enums import BIOTECH_FIELDS, DevelopmentStage
from .models import Application, Document


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice not answered (stored as "") reads ``null``, never a value outside the
    enum."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


def _sees_identity(user, application: Application) -> bool:
    """``applications.view_company_identity``, from the row's annotations when it comes
    from ``selectors.applications_for_api`` (no query per row): members and managers see
    it, and a reviewer unless the cycle is blind."""
    if hasattr(application, "viewer_is_member"):
        return (
            application.viewer_is_member
            or application.viewer_manages
            or not application.cycle.blind_review
        )
    return user.has_perm("applications.view_company_identity", application)


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    original_name = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "size", "sha256", "uploaded_at", "url"]

    def get_original_name(self, document: Document) -> str:
        """The uploaded name, or a neutral one for a reviewer of a blind cycle
        (``selectors.document_name_for``)."""
        if _sees_identity(self.context["request"].user, document.application):
            return document.original_name
        return document.neutral_name


class ApplicationSerializer(serializers.ModelSerializer):
    """An application as its company, its program's manager or an assigned reviewer sees
    it. ``status`` is the status the requesting user may see: outcomes stay "under_review"
    for the company until the cycle is announced. In a blind cycle a reviewer gets no
    company name and neutral document names."""

    company = serializers.SerializerMethodField()
    cycle = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    program = serializers.CharField(source="cycle.program.slug", read_only=True)
    track = serializers.CharField(source="cycle.program.track", read_only=True)
    status = serializers.SerializerMethodField()
    deadline = serializers.DateTimeField(source="cycle.closes_at", read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    biotech_field = BlankAsNullChoiceField(choices=BIOTECH_FIELDS, read_only=True)
    development_stage = BlankAsNullChoiceField(choices=DevelopmentStage.choices, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "company",
            "program",
            "track",
            "cycle",
            "status",
            "deadline",
            "version",
            "title",
            "summary",
            "team",
            "budget_krw",
            "timeline",
            "biotech_field",
            "development_stage",
            "ipark_needs",
            "clinical_plan",
            "technology",
            "collaboration_plan",
            "challenge",
            "proposed_solution",
            "poc_plan",
            "created_at",
            "updated_at",
            "submitted_at",
            "documents",
        ]
        read_only_fields = fields

    def get_company(self, application: Application) -> str | None:
        """The company's English name; ``null`` for a reviewer of a blind cycle."""
        if _sees_identity(self.context["request"].user, application):
            return application.company.name_en
        return None

    def get_status(self, application: Application) -> str:
        if hasattr(application, "visible_status"):
            return application.visible_status
        from .selectors import status_visible_to

        return status_visible_to(self.context["request"].user, application)
