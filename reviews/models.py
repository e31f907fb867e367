"""Reviewers, their pledges and conflicts, assignments, reviews with criterion scores,
and the joint approval of a cycle's decisions.

Status fields are written only by the transition services in ``reviews.services``.
The score formula lives in ``reviews.scoring``; nothing here computes a score.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Company
from programs.enums import Field, Organisation
from programs.models import Criterion, Cycle, ProgramManager
from programs.validators import validate_fields

from .enums import (
    EXPORT_IN_PROGRESS,
    AnnouncementRunStatus,
    AssignmentStatus,
    ExportKind,
    ExportStatus,
    OverrideKind,
    Recommendation,
    ReviewStatus,
)


class Reviewer(models.Model):
    """A person of MSS or iPark who scores applications assigned to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer",
        verbose_name=_("user"),
    )
    organisation = models.CharField(_("organisation"), max_length=16, choices=Organisation.choices)
    expertise = models.JSONField(
        _("expertise fields"),
        default=list,
        blank=True,
        validators=[validate_fields],
        help_text=_("Fields the reviewer is qualified to judge; used to match assignments."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        ordering = ["organisation", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_organisation_display()})"

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels[field] for field in self.expertise if field in labels]

    def has_accepted_pledge(self, cycle_id: int) -> bool:
        """Accepted the evaluator pledge of the cycle: the one check of "is the pledge
        missing?" (rules, pages, API). Asked of the database every time."""
        return self.pledges.filter(cycle_id=cycle_id).exists()


class PledgeAcceptance(models.Model):
    """The evaluator pledge of a cycle (confidentiality, no contact with applicants, duty to
    declare interests), accepted by a reviewer before any application of the cycle opens."""

    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("reviewer")
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="pledges", verbose_name=_("cycle")
    )
    text_version = models.CharField(_("pledge text version"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("pledge acceptance")
        verbose_name_plural = _("pledge acceptances")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "cycle"], name="pledge_once_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.cycle}"


class ConflictDeclaration(models.Model):
    """A reviewer's declared conflict of interest with a company: they are never assigned
    to, and can never open, that company's applications."""

    reviewer = models.ForeignKey(
        Reviewer, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("reviewer")
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="reviewer_conflicts",
        verbose_name=_("company"),
    )
    reason = models.TextField(_("reason"))
    # Set when the conflict was declared by declining an assignment: in a blind cycle the
    # reviewer was never shown the company, so their profile names the application instead.
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declared on application"),
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "company"], name="conflict_once_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ {self.company}"


class Assignment(models.Model):
    """A reviewer asked to review an application."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        Reviewer,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PROPOSED,
        editable=False,
    )
    is_manual = models.BooleanField(
        _("added by hand"), default=False, help_text=_("Added by a manager, not proposed.")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_once_per_reviewer"
            )
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="assignment_reviewer_status")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Review(models.Model):
    """The review of one active assignment: a score per criterion, a comment for the
    applicant, an internal comment and a recommendation. Editable while a draft; locked
    once submitted until a manager reopens it."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        editable=False,
    )
    comment_to_applicant = models.TextField(
        _("comment to the applicant"),
        blank=True,
        help_text=_("Shared with the company after the results are announced, without your name."),
    )
    internal_comment = models.TextField(
        _("internal comment"),
        blank=True,
        help_text=_("Seen only by reviewers and managers, never by the applicant."),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=32, choices=Recommendation.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment"]

    def __str__(self) -> str:
        return str(self.assignment)


class CriterionScore(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    # The upper bound is the criterion's own max_score, checked by the review services.
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ReviewStatusChange(models.Model):
    """History of a review: submitted, reopened (by whom, why)."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="history", verbose_name=_("review")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=ReviewStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("review status change")
        verbose_name_plural = _("review status changes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review}: {self.from_status} → {self.to_status}"


class DecisionApproval(models.Model):
    """A manager's approval of a cycle's decision list. Results are announced only when a
    manager of MSS and a manager of iPark have an approval standing; any change to a
    decision withdraws every standing approval of the cycle (kept, with ``withdrawn_at``)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("cycle")
    )
    manager = models.ForeignKey(
        ProgramManager,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("manager"),
    )
    organisation = models.CharField(_("organisation"), max_length=16, choices=Organisation.choices)
    approved_at = models.DateTimeField(_("approved at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("decision approval")
        verbose_name_plural = _("decision approvals")
        ordering = ["-approved_at"]
        constraints = [
            # One standing approval per organisation and cycle.
            models.UniqueConstraint(
                fields=["cycle", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="approval_one_standing_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_organisation_display()}"


class PoolMember(models.Model):
    """A reviewer invited to a cycle's reviewer pool by one of its managers.

    Automatic assignment proposes only the pool's reviewers; a cycle without a pool uses
    every active reviewer (``reviews.selectors.assignable_reviewers``).
    """

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="reviewer_pool", verbose_name=_("cycle")
    )
    reviewer = models.ForeignKey(
        Reviewer,
        on_delete=models.CASCADE,
        related_name="pool_memberships",
        verbose_name=_("reviewer"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)

    class Meta:
        verbose_name = _("reviewer pool member")
        verbose_name_plural = _("reviewer pool")
        ordering = ["reviewer__organisation", "reviewer__user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "reviewer"], name="pool_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.reviewer}"


class SelectionOverride(models.Model):
    """A manager's reason for going past a guard of the selection: an application decided
    while its required reviews are missing, or selected out of rank order. Every override
    is shown to the other organisation's approvers; recording one withdraws their standing
    approval, so that nobody approves without having seen it."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("cycle")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="selection_overrides",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=OverrideKind.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    organisation = models.CharField(
        _("organisation"), max_length=16, choices=Organisation.choices, blank=True
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("selection override")
        verbose_name_plural = _("selection overrides")
        ordering = ["cycle", "created_at", "pk"]
        indexes = [models.Index(fields=["cycle", "kind"], name="override_cycle_kind")]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_kind_display()}"


class AnnouncementRun(models.Model):
    """The background recording and e-mailing of a cycle's results after it is announced:
    the task goes through the decided applications in order of id, a chunk per
    transaction, and ``last_application_id`` says where it stands — a worker that dies
    resumes after the last committed chunk, with no duplicate and no gap."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="announcement_run", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AnnouncementRunStatus.choices,
        default=AnnouncementRunStatus.RUNNING,
        editable=False,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    total = models.PositiveIntegerField(_("applications to announce"), default=0)
    done = models.PositiveIntegerField(_("applications announced"), default=0)
    notifications = models.PositiveIntegerField(_("notifications recorded"), default=0)
    last_application_id = models.PositiveBigIntegerField(default=0, editable=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement run")
        verbose_name_plural = _("announcement runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def finished(self) -> bool:
        return self.status == AnnouncementRunStatus.DONE


def export_upload_to(instance: "ExportFile", filename: str) -> str:
    """An unguessable name: the file is served only by the permission-checked view."""
    return f"exports/{uuid.uuid4().hex}.xlsx"


class ExportFile(models.Model):
    """A spreadsheet of a cycle built in the background (``reviews.build_export``) for its
    managers: progress saved as it goes, stored in the documents' storage, downloadable by
    the cycle's managers until ``expires_at``, then swept (``reviews.sweep_expired_exports``)."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="export_files", verbose_name=_("cycle")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ExportKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExportStatus.choices,
        default=ExportStatus.PENDING,
        editable=False,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The headers and labels are written in the language of the manager who asked.
    language = models.CharField(_("language"), max_length=8, default="en")
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="export_status_expiry")]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def in_progress(self) -> bool:
        return self.status in EXPORT_IN_PROGRESS

    @property
    def is_pending(self) -> bool:
        return self.status == ExportStatus.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ExportStatus.FAILED

    def is_expired(self, now=None) -> bool:
        if self.status == ExportStatus.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def filename(self) -> str:
        return f"{self.cycle.program.slug}-{self.cycle.code}-{self.kind}.xlsx"
