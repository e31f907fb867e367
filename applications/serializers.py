from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.enums import DocumentKind

from .enums import BIOTECH_FIELDS, ConsentKind, DevelopmentStage
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


class QuestionAnswerSerializer(serializers.Serializer):
    """An answer to one of the call's own questions, as the requesting user may read it:
    office-only questions are left out for reviewers, file names are neutral in blind
    calls, conditional questions appear only when their condition is met."""

    question = serializers.IntegerField(source="question.pk")
    label = serializers.CharField(source="question.label")
    kind = serializers.CharField(source="question.kind")
    required = serializers.BooleanField(source="question.required")
    value = serializers.JSONField(help_text="As stored: text, choice key(s), true/false, …")
    text = serializers.CharField(help_text="The answer as text (choices by their labels).")
    file_name = serializers.CharField()
    file_url = serializers.CharField()


class ApplicationDetailSerializer(ApplicationSerializer):
    """One application, with the answers to its call's own questions."""

    question_answers = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "question_answers"]
        read_only_fields = fields

    @extend_schema_field(QuestionAnswerSerializer(many=True))
    def get_question_answers(self, application: Application) -> list:
        from .selectors import question_answers_for

        rows = question_answers_for(self.context["request"].user, application)
        return QuestionAnswerSerializer(rows, many=True).data


# --- The applicant's writes ----------------------------------------------------------------


class ApplicationStartSerializer(serializers.Serializer):
    """Start a draft for one of your companies in an open call (or get its live one)."""

    cycle = serializers.IntegerField(help_text="The call (cycle) id.")
    company = serializers.IntegerField(help_text="One of your companies.")


class ApplicationAnswersSerializer(serializers.Serializer):
    """Answers of a draft: send only those you change, with the ``version`` you last read
    (a newer version saved meanwhile answers 409 ``stale_version``). Only the fields of the
    application's track are accepted; nothing is required to save a draft — what
    submission needs is checked when you submit. The values are checked by the same forms
    as the pages."""

    version = serializers.IntegerField(min_value=1)
    title = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    team = serializers.CharField(required=False, allow_blank=True)
    budget_krw = serializers.IntegerField(required=False, allow_null=True)
    timeline = serializers.CharField(required=False, allow_blank=True)
    biotech_field = serializers.ChoiceField(
        choices=BIOTECH_FIELDS, required=False, allow_blank=True
    )
    development_stage = serializers.ChoiceField(
        choices=DevelopmentStage.choices, required=False, allow_blank=True
    )
    ipark_needs = serializers.CharField(required=False, allow_blank=True)
    clinical_plan = serializers.CharField(required=False, allow_blank=True)
    technology = serializers.IntegerField(required=False, allow_null=True)
    collaboration_plan = serializers.CharField(required=False, allow_blank=True)
    challenge = serializers.IntegerField(required=False, allow_null=True)
    proposed_solution = serializers.CharField(required=False, allow_blank=True)
    poc_plan = serializers.CharField(required=False, allow_blank=True)
    question_answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        help_text=(
            "Answers to the call's own questions: {question id: value} (text; a choice "
            'key; a list of keys; "yes"/"no"; a number; "YYYY-MM-DD"; null clears). '
            "PDF answers are uploaded on the pages."
        ),
    )


class DocumentUploadSerializer(serializers.Serializer):
    """A PDF (multipart/form-data), checked by its content like on the pages; a document
    of the same kind (except "other") is replaced."""

    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField()


class SubmitSerializer(serializers.Serializer):
    """Submit with both required consents (``personal_data`` and ``overseas_transfer``),
    and ``partner_provision`` if the company agrees to its proposal being provided to the
    partner whose challenge it answers or whose technology it names (optional); the texts
    agreed to are those on the pages (the current versions)."""

    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=ConsentKind.choices), allow_empty=True
    )
