from rest_framework import serializers

from .models import Application, Document


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    original_name = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "original_name", "size", "sha256", "uploaded_at", "url"]

    def get_original_name(self, document: Document) -> str:
        from .selectors import document_name_for

        return document_name_for(self.context["request"].user, document)


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
        if self.context["request"].user.has_perm("applications.view_company_identity", application):
            return application.company.name_en
        return None

    def get_status(self, application: Application) -> str:
        from .selectors import status_visible_to

        return status_visible_to(self.context["request"].user, application)
