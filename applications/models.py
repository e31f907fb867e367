"""Companies, their teams and invitations; applications with their documents, consents and
status history (see "The life of an application" in the design).

``Application.status`` is written only by ``services.application_transition``; answers
only by ``services.application_update`` (which bumps ``version`` for optimistic
concurrency).

Over 500 lines on purpose: the app's eight models and their upload paths stay in the one
module Django and the migrations (``applications.models.document_upload_to``,
``answer_upload_to``) name; each model is short and splitting them would only scatter
the field definitions the migrations mirror.
"""

import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.enums import DocumentKind, Field
from programs.models import Challenge, Cycle, Question, Technology

from .consent import CONSENT_TEXTS, consent_text_date
from .enums import (
    BIOTECH_FIELDS,
    EDITABLE,
    ApplicationStatus,
    ConsentKind,
    DevelopmentStage,
    MembershipRole,
)
from .validators import format_business_number, validate_business_number

INVITATION_VALID_FOR = timedelta(days=14)


class Company(models.Model):
    """A Korean startup. Its members (``Membership``) apply on its behalf."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    business_number = models.CharField(
        _("business registration number"),
        max_length=10,
        unique=True,
        validators=[validate_business_number],
        help_text=_("10 digits, as on the certificate (e.g. 124-81-00998)."),
    )
    founded_on = models.DateField(_("founding date"))
    employees = models.PositiveIntegerField(_("employees"), validators=[MinValueValidator(1)])
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    website = models.URLField(_("website"), blank=True)
    representative = models.CharField(_("representative"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    description = models.TextField(_("short description"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name_en", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(business_number__regex=r"^[0-9]{10}$"),
                name="company_business_number_10_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_ko

    def get_absolute_url(self) -> str:
        return reverse("applications:company", kwargs={"pk": self.pk})

    @property
    def business_number_display(self) -> str:
        return format_business_number(self.business_number)


class Membership(models.Model):
    """A user's place in a company's team. The creator is the owner; invited people are
    members. Both may edit and submit the company's applications; only the owner manages
    the team."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["company", "-role", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique_user"),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(role=MembershipRole.OWNER),
                name="membership_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.company} ({self.get_role_display()})"

    @property
    def is_owner(self) -> bool:
        return self.role == MembershipRole.OWNER


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + INVITATION_VALID_FOR


class Invitation(models.Model):
    """An owner's invitation to join the company, sent by e-mail. Accepting it requires
    being logged in with a verified account of that very address."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("company")
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "pk"]
        constraints = [
            # One open invitation per address and company; a new one replaces it.
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("applications:invitation", kwargs={"token": self.token})

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and not self.is_expired()


class Application(models.Model):
    """A company's application to a cycle.

    Common answers are the project; each track has its own section, held in explicit
    columns used only by that track (``requirements.TRACK_FIELDS`` says which, and which of
    them are required to submit), so that forms, exports and the admin stay typed.
    """

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="applications", verbose_name=_("company")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        editable=False,
    )
    reference = models.CharField(
        _("reference"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    sequence = models.PositiveIntegerField(_("sequence in cycle"), null=True, editable=False)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Bumped on every change of the answers, to detect concurrent edits."),
    )

    # --- Project (every track) ---
    title = models.CharField(_("project title"), max_length=200, blank=True)
    summary = models.TextField(_("project summary"), max_length=3000, blank=True)
    team = models.TextField(_("team"), max_length=3000, blank=True)
    budget_krw = models.PositiveBigIntegerField(
        _("budget requested (KRW)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    timeline = models.TextField(_("timeline"), max_length=3000, blank=True)

    # --- Advanced-biotech startup support ---
    biotech_field = models.CharField(
        _("biotech field"), max_length=32, choices=BIOTECH_FIELDS, blank=True
    )
    development_stage = models.CharField(
        _("development stage"), max_length=16, choices=DevelopmentStage.choices, blank=True
    )
    ipark_needs = models.TextField(_("what you need at iPark"), max_length=3000, blank=True)
    clinical_plan = models.TextField(
        _("clinical or demonstration plan"), max_length=5000, blank=True
    )

    # --- Korea–Japan joint R&D ---
    technology = models.ForeignKey(
        Technology,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("technology"),
    )
    collaboration_plan = models.TextField(_("collaboration plan"), max_length=5000, blank=True)

    # --- Japan–Korea open innovation ---
    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("challenge"),
    )
    proposed_solution = models.TextField(_("proposed solution"), max_length=5000, blank=True)
    poc_plan = models.TextField(_("proof-of-concept plan"), max_length=5000, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "pk"]
        constraints = [
            # One live application per company and cycle; a withdrawn one frees the place
            # and a deleted draft is gone.
            models.UniqueConstraint(
                fields=["company", "cycle"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),
                name="application_one_live_per_company_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "sequence"], name="application_unique_sequence"
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT) | Q(reference__isnull=False),
                name="application_sent_in_has_reference",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="application_cycle_status")]

    def __str__(self) -> str:
        label = self.reference or _("draft")
        return f"{label} — {self.company} ({self.cycle.code})"

    def get_absolute_url(self) -> str:
        return reverse("applications:detail", kwargs={"pk": self.pk})

    @property
    def track(self) -> str:
        return self.cycle.program.track

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE


def document_upload_to(instance: "Document", filename: str) -> str:
    """An unguessable name: nothing of the original name or the application shows."""
    return f"documents/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """A PDF attached to an application. Served only by the permission-checked download
    view, never by a URL of the storage."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application", "kind", "uploaded_at", "pk"]
        constraints = [
            # One file per kind (uploading again replaces it); "other" may hold several.
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=~Q(kind=DocumentKind.OTHER),
                name="document_one_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "applications:document", kwargs={"pk": self.application_id, "document": self.pk}
        )

    @property
    def is_one_of_a_kind(self) -> bool:
        """Uploading another of its kind replaces it ("other" documents accumulate)."""
        return self.kind != DocumentKind.OTHER

    @property
    def neutral_name(self) -> str:
        """A file name that says nothing of the company (blind review)."""
        return f"{self.application.reference or 'draft'}-{self.kind}-{self.pk}.pdf"


class Consent(models.Model):
    """An applicant's consent, with the version of the text agreed to (see ``consent.py``)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ConsentKind.choices)
    text_version = models.CharField(_("text version"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["application", "given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "text_version"], name="consent_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.text_version})"

    @property
    def title(self) -> str:
        """The consent's title as the applicant read it (not its internal version code)."""
        text = CONSENT_TEXTS.get(self.kind)
        return text.title if text else self.get_kind_display()

    @property
    def text_dated(self) -> date | None:
        return consent_text_date(self.text_version)


class StatusChange(models.Model):
    """History of an application's status: who, when, from, to, and why."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("application"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status or '∅'} → {self.to_status}"


def answer_upload_to(instance: "Answer", filename: str) -> str:
    """Stored like documents: an unguessable name, nothing of the original."""
    return f"documents/{uuid.uuid4().hex}.pdf"


class Answer(models.Model):
    """An application's answer to one of its call's questions (``programs.Question``).

    One row per application and question, so one call's answers are filtered and
    exported with a join (``answer_export``), never by loading applications. ``value`` is
    the JSON of ``programs.questions`` (per kind); a PDF answer keeps its file here,
    checked like documents. Written only by ``services.answers_save`` and
    ``services.answer_file_upload``.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="question_answers",
        verbose_name=_("application"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=answer_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to a call question")
        verbose_name_plural = _("answers to call questions")
        ordering = ["application", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.question}"

    def get_absolute_url(self) -> str:
        return reverse(
            "applications:answer_file", kwargs={"pk": self.application_id, "answer": self.pk}
        )

    @property
    def neutral_name(self) -> str:
        """A file name that says nothing of the company (blind review)."""
        return f"{self.application.reference or 'draft'}-question-{self.question_id}.pdf"
