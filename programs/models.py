"""Programs, their cycles (calls), the rubric, the technology catalogue and the challenge
board. Text that visitors read in their language is translated per field by
django-modeltranslation (see ``translation.py``)."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    ANNOUNCED_PHASES,
    TRL_CHOICES,
    ActivityKind,
    CyclePhase,
    DocumentKind,
    Field,
    HolderType,
    IPStatus,
    Organisation,
    Track,
)
from .questions import QuestionKind, choice_label
from .validators import validate_document_kinds


class Program(models.Model):
    """One of the three MOU tracks. Created by a data migration; edited in the admin."""

    track = models.CharField(_("track"), max_length=32, choices=Track.choices, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("who can apply"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program", kwargs={"program": self.slug})


class Cycle(models.Model):
    """A call of a program, e.g. "2027 Round 1", with its own timeline, quota and rubric.

    ``phase`` is written only by ``programs.services.cycle_transition``.
    """

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("program")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"))
    code = models.CharField(
        _("code"),
        max_length=16,
        help_text=_("Short code used in application references, e.g. 2027R1."),
    )
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    review_due_at = models.DateTimeField(_("reviews due at"))
    announce_at = models.DateTimeField(_("results announced at"))
    selection_quota = models.PositiveSmallIntegerField(
        _("selection quota"), validators=[MinValueValidator(1)]
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"),
        default=2,
        # At least one MSS and one iPark reviewer per application.
        validators=[MinValueValidator(2)],
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Hide the company's identity from reviewers."),
    )
    required_document_kinds = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        validators=[validate_document_kinds],
    )
    optional_document_kinds = models.JSONField(
        _("optional documents"),
        default=list,
        blank=True,
        validators=[validate_document_kinds],
        help_text=_("Documents an applicant may add; the call does not require them."),
    )
    phase = models.CharField(
        _("phase"),
        max_length=16,
        choices=CyclePhase.choices,
        default=CyclePhase.DRAFT,
        editable=False,
    )
    technologies = models.ManyToManyField(
        "Technology",
        blank=True,
        related_name="cycles",
        verbose_name=_("technologies offered"),
    )
    challenges = models.ManyToManyField(
        "Challenge",
        blank=True,
        related_name="cycles",
        verbose_name=_("challenges offered"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="cycle_unique_slug"),
            models.UniqueConstraint(fields=["program", "code"], name="cycle_unique_code"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at"))
                & Q(closes_at__lt=F("review_due_at"))
                & Q(review_due_at__lt=F("announce_at")),
                name="cycle_timeline_in_order",
            ),
            models.CheckConstraint(
                condition=Q(reviews_per_application__gte=2), name="cycle_two_reviews_or_more"
            ),
            models.CheckConstraint(
                condition=Q(selection_quota__gte=1), name="cycle_quota_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("programs:cycle", kwargs={"program": self.program.slug, "cycle": self.slug})

    def clean(self) -> None:
        super().clean()
        errors = {}
        timeline = [
            ("closes_at", self.opens_at, self.closes_at, _("The call must close after it opens.")),
            (
                "review_due_at",
                self.closes_at,
                self.review_due_at,
                _("Reviews must be due after the call closes."),
            ),
            (
                "announce_at",
                self.review_due_at,
                self.announce_at,
                _("Results must be announced after reviews are due."),
            ),
        ]
        for field, earlier, later, message in timeline:
            if earlier and later and not earlier < later:
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    def is_accepting_applications(
        self, now: datetime | None = None, *, grace: timedelta = timedelta(0)
    ) -> bool:
        """Open phase *and* inside [opens_at, closes_at + grace) by the server clock.

        Both are needed: a manager may close a call early (phase), and an open call stops
        taking applications the second its deadline passes even before anyone closes it.
        ``grace`` is for the submission itself only (see ``application_submit``); pages
        show the deadline without it.
        """
        now = now or timezone.now()
        return self.phase == CyclePhase.OPEN and self.opens_at <= now < self.closes_at + grace

    @property
    def results_announced(self) -> bool:
        """The results are out (``ANNOUNCED_PHASES``): the companies see their outcomes."""
        return self.phase in ANNOUNCED_PHASES

    @property
    def is_public(self) -> bool:
        return self.phase != CyclePhase.DRAFT

    @property
    def visitor_status(self) -> str:
        """``accepting``, ``upcoming`` or ``closed``: what a visitor needs to know."""
        now = timezone.now()
        if self.is_accepting_applications(now):
            return "accepting"
        if self.phase in (CyclePhase.DRAFT, CyclePhase.OPEN) and now < self.opens_at:
            return "upcoming"
        return "closed"

    @property
    def required_document_labels(self) -> list[str]:
        labels = dict(DocumentKind.choices)
        return [labels[kind] for kind in self.required_document_kinds if kind in labels]

    @property
    def optional_document_labels(self) -> list[str]:
        labels = dict(DocumentKind.choices)
        return [labels[kind] for kind in self.optional_document_kinds if kind in labels]

    def rubric(self) -> list[tuple["Criterion", Decimal]]:
        """Criteria with each one's share of the total weight, in percent (one decimal)."""
        criteria = list(self.criteria.all())
        total = sum((criterion.weight for criterion in criteria), Decimal(0))
        return [
            (
                criterion,
                (criterion.weight * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0),
            )
            for criterion in criteria
        ]

    @property
    def timeline(self) -> list[tuple[str, datetime, bool]]:
        """(label, moment, already passed) for each milestone."""
        now = timezone.now()
        milestones = [
            (_("Applications open"), self.opens_at),
            (_("Applications close"), self.closes_at),
            (_("Reviews due"), self.review_due_at),
            (_("Results announced"), self.announce_at),
        ]
        return [(label, moment, moment <= now) for label, moment in milestones]


class CyclePhaseChange(models.Model):
    """History of a cycle's phase: who moved it, when, from and to."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=16, choices=CyclePhase.choices)
    to_phase = models.CharField(max_length=16, choices=CyclePhase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cycle phase change")
        verbose_name_plural = _("cycle phase changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_phase} → {self.to_phase}"


class CycleActivity(models.Model):
    """One line of a call's activity log, which both organisations' managers read.

    Written only through ``programs.services.activity_record``, in the same transaction as
    the change it records. ``data`` holds what the line needs to be rendered in any
    language later (field names, old and new values, application references), never a
    sentence in the actor's language; ``note`` is the actor's own words (a reason).
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="activity", verbose_name=_("cycle")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    subject = models.CharField(_("application or setting"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activity")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cycle", "-created_at"], name="cycle_activity_recent")]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_kind_display()} {self.subject}".strip()


class Criterion(models.Model):
    """A row of a cycle's rubric. The score formula lives in ``reviews.scoring``."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("cycle")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["cycle", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Technology(models.Model):
    """An original technology held in Japan and identified by iPark (joint R&D track)."""

    title = models.CharField(_("title"), max_length=200)
    holder = models.CharField(_("holder"), max_length=200)
    holder_type = models.CharField(_("holder type"), max_length=32, choices=HolderType.choices)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"),
        choices=TRL_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    ip_status = models.CharField(_("IP status"), max_length=32, choices=IPStatus.choices)
    summary = models.TextField(_("summary"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(trl__gte=1, trl__lte=9), name="technology_trl_1_9"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:technology", kwargs={"pk": self.pk})


class Challenge(models.Model):
    """An unsolved problem posed by a Japanese pharmaceutical company (open innovation)."""

    company = models.CharField(_("pharmaceutical company"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    problem_statement = models.TextField(_("problem statement"))
    expected_outcome = models.TextField(_("expected outcome"))
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    poc_terms = models.TextField(
        _("PoC terms"), help_text=_("Funding, duration, data and IP terms of the proof of concept.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return f"{self.company}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programs:challenge", kwargs={"pk": self.pk})


class ProgramManager(models.Model):
    """A staff member of MSS or iPark who runs the cycles of the programs listed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="program_manager",
        verbose_name=_("user"),
    )
    organisation = models.CharField(_("organisation"), max_length=16, choices=Organisation.choices)
    programs = models.ManyToManyField(
        Program, related_name="managers", verbose_name=_("programs managed")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("program manager")
        verbose_name_plural = _("program managers")
        ordering = ["organisation", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_organisation_display()})"


class Question(models.Model):
    """A question a call asks its applicants besides the fixed ones of its track.

    Written only through ``programs.services.questions`` (which enforces what may change
    once applications answered); the rules of each kind are in ``programs.questions``.
    ``label`` and ``help_text`` are translated per field (``translation.py``); the labels
    of ``choices`` are kept in the JSON, ``[{"key", "label": {"en", "ko", "ja"}}]``.
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cycle")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    section = models.CharField(_("section heading"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    visible_to_reviewers = models.BooleanField(
        _("reviewers see the answer"),
        default=True,
        help_text=_("Untick for questions only the program office reads."),
    )
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("shown only when"),
    )
    condition_value = models.CharField(_("has the answer"), max_length=100, blank=True)
    choices = models.JSONField(_("options"), default=list, blank=True)
    max_length = models.PositiveIntegerField(_("character limit"), null=True, blank=True)
    min_number = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_number = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Hidden from new answers; the answers already given are kept."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call question")
        verbose_name_plural = _("call questions")
        ordering = ["cycle", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True) | ~Q(condition_value=""),
                name="question_condition_has_value",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def field_name(self) -> str:
        """The name of its field in the applicant's form (and of its anchor)."""
        return f"q_{self.pk}"

    def choice_items(self, language: str | None = None) -> list[tuple[str, str]]:
        return [(str(choice["key"]), choice_label(choice, language)) for choice in self.choices]
