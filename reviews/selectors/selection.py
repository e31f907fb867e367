"""Reads of the selection side: decision lists, approvals, announcement readiness,
feedback to applicants and the cycle's dashboard."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application
from applications.selectors import applicant_status
from programs.enums import ANNOUNCED_PHASES, Field, Organisation
from programs.models import Cycle

from ..enums import (
    DECISION_PHASES,
    AssignmentStatus,
    ExportStatus,
    ReviewStatus,
)
from ..models import (
    AnnouncementRun,
    DecisionApproval,
    ExportFile,
    Review,
    Reviewer,
    SelectionOverride,
)
from .ranking import APPLICATION_FIELD, RANKED_STATUSES


def selected_count(cycle: Cycle) -> int:
    return Application.objects.filter(cycle=cycle, status=ApplicationStatus.SELECTED).count()


def status_counts(cycle: Cycle) -> dict[str, int]:
    """Sent-in applications of the cycle per status (every status a key), in one query."""
    counts = dict(
        Application.objects.filter(cycle=cycle)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in ApplicationStatus.values}


def standing_approvals(cycle: Cycle) -> dict[str, DecisionApproval]:
    """The cycle's standing approval per organisation (organisations without one absent)."""
    return {
        approval.organisation: approval
        for approval in DecisionApproval.objects.filter(
            cycle=cycle, withdrawn_at__isnull=True
        ).select_related("manager__user")
    }


def approval_history(cycle: Cycle) -> list[DecisionApproval]:
    """Every approval of the cycle, standing and withdrawn, newest first."""
    return list(
        DecisionApproval.objects.filter(cycle=cycle)
        .select_related("manager__user")
        .order_by("-approved_at", "-pk")
    )


@dataclass(frozen=True)
class AnnouncementReadiness:
    """What stands between a cycle and the announcement of its results: the one place the
    conditions are written, read by the pages and enforced by ``cycle_announce``."""

    phase: str
    undecided: tuple[str, ...]
    """References of applications still under review."""
    approvals: dict[str, DecisionApproval]
    """Standing approval per organisation."""

    @property
    def announced(self) -> bool:
        return self.phase in ANNOUNCED_PHASES

    @property
    def missing_organisations(self) -> tuple[str, ...]:
        return tuple(o for o in Organisation.values if o not in self.approvals)

    @property
    def problems(self) -> list[str]:
        """Why the results cannot be announced now, in words (empty when they can)."""
        if self.announced:
            return [gettext("The results of this cycle have already been announced.")]
        problems = []
        if self.phase not in DECISION_PHASES:
            problems.append(
                gettext("Results are announced once the cycle is under review or decided.")
            )
        if self.undecided:
            problems.append(
                ngettext(
                    "%(count)d application is still under review: %(references)s.",
                    "%(count)d applications are still under review: %(references)s.",
                    len(self.undecided),
                )
                % {"count": len(self.undecided), "references": _references(self.undecided)}
            )
        for organisation in self.missing_organisations:
            problems.append(
                gettext("A manager of %(organisation)s has not approved the decisions.")
                % {"organisation": Organisation(organisation).label}
            )
        return problems

    @property
    def can_announce(self) -> bool:
        return not self.problems


def _references(references: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(references[:limit])
    if len(references) > limit:
        shown += " " + gettext("and %(count)d more") % {"count": len(references) - limit}
    return shown


def undecided_references(cycle: Cycle) -> tuple[str, ...]:
    return tuple(
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.UNDER_REVIEW)  # type: ignore[arg-type]
        .order_by("reference")
        .values_list("reference", flat=True)
    )


def announcement_readiness(cycle: Cycle) -> AnnouncementReadiness:
    """Two queries: the applications still under review and the standing approvals."""
    return AnnouncementReadiness(
        phase=cycle.phase,
        undecided=undecided_references(cycle),
        approvals=standing_approvals(cycle),
    )


@dataclass(frozen=True)
class ApplicantComment:
    """A reviewer's comment to the applicant and the language it is written in ("" when
    unknown): the applicant's page and e-mail label it and mark it with ``lang``."""

    text: str
    language: str

    def __str__(self) -> str:
        return self.text


def comments_to_applicants(application_ids: Iterable[int]) -> dict[int, list[ApplicantComment]]:
    """The reviewers' comments meant for the applicant, per application, in one query.

    Only submitted reviews of active assignments, only the comment to the applicant
    (never the internal comment), never who wrote it; empty comments left out; in a
    stable order that says nothing about the reviewer (the review's creation order).
    """
    comments: dict[int, list[ApplicantComment]] = defaultdict(list)
    rows = (
        Review.objects.filter(
            assignment__application_id__in=list(application_ids),
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(comment_to_applicant="")
        .order_by("assignment__application_id", "pk")
        .values_list("assignment__application_id", "comment_to_applicant", "comment_language")
    )
    for application_id, comment, language in rows:
        if comment.strip():
            comments[application_id].append(ApplicantComment(comment.strip(), language))
    return dict(comments)


def feedback_for(user, application: Application) -> list[ApplicantComment]:
    """The reviewers' comments a member of the company reads on its application page:
    only once the cycle's results are announced and the application has an outcome."""
    if not (
        applicant_status(application) in DECIDED
        and user.is_authenticated
        and application.company.memberships.filter(user=user).exists()
    ):
        return []
    return comments_to_applicants([application.pk]).get(application.pk, [])


def ranked_ids(cycle: Cycle) -> list[int]:
    """Ids of the applications that take part in the ranking (decisions apply to them)."""
    return list(
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class ReviewerProgress:
    name: str
    organisation: str
    assigned: int
    submitted: int

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class Deadline:
    label: str
    moment: datetime
    days: int
    """Whole days from today to the deadline's day, in Korea/Japan time (negative: past)."""

    @property
    def days_ago(self) -> int:
        return -self.days


@dataclass(frozen=True)
class CycleDashboard:
    status_counts: dict[str, int]
    drafts: int
    by_field: list[tuple[str, int, int]]
    """(field label, applications, percent of the largest field) for the chart."""
    reviewers: list[ReviewerProgress]
    organisations: list[ReviewerProgress]
    deadlines: list[Deadline]

    @property
    def sent_in(self) -> int:
        return sum(self.status_counts.values())

    @property
    def reviews_assigned(self) -> int:
        return sum(o.assigned for o in self.organisations)

    @property
    def reviews_submitted(self) -> int:
        return sum(o.submitted for o in self.organisations)


def cycle_dashboard(cycle: Cycle, *, today: date | None = None) -> CycleDashboard:
    """The cycle's numbers for its managers, in five queries whatever its size.

    Applications are counted per status once sent in (drafts apart) and per field (the
    ``APPLICATION_FIELD`` rule); review progress counts the active assignments of
    applications in the ranking and their submitted reviews, per reviewer and per
    organisation.

    Over 60 lines on purpose: the five queries and the figures built from each, side by
    side; split up, the query count would be spread over helpers.
    """
    today = today or timezone.localdate()
    counts = status_counts(cycle)
    drafts = Application.objects.filter(cycle=cycle, status=ApplicationStatus.DRAFT).count()
    labels = dict(Field.choices)
    fields = list(
        Application.objects.filter(cycle=cycle)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .annotate(judged_field=APPLICATION_FIELD)
        .values("judged_field")
        .annotate(n=Count("pk"))
        .order_by("-n", "judged_field")
        .values_list("judged_field", "n")
    )
    largest = max((n for _field, n in fields), default=0)
    by_field = [
        (labels.get(value, value), n, round(100 * n / largest) if largest else 0)
        for value, n in fields
    ]
    submitted = Q(
        assignments__review__status=ReviewStatus.SUBMITTED,
    )
    in_cycle = Q(
        assignments__application__cycle=cycle,
        assignments__status=AssignmentStatus.ACTIVE,
        assignments__application__status__in=RANKED_STATUSES,
    )
    reviewers = [
        ReviewerProgress(
            name=str(reviewer.user),
            organisation=reviewer.organisation,
            assigned=reviewer.assigned,
            submitted=reviewer.done,
        )
        for reviewer in Reviewer.objects.filter(in_cycle)
        .annotate(
            assigned=Count("assignments", filter=in_cycle, distinct=True),
            done=Count("assignments", filter=in_cycle & submitted, distinct=True),
        )
        .select_related("user")
        .order_by("user__display_name", "pk")
    ]
    reviewers.sort(key=lambda r: Organisation.values.index(r.organisation))
    organisations = [
        ReviewerProgress(
            name=label,  # type: ignore[arg-type]
            organisation=value,
            assigned=sum(r.assigned for r in reviewers if r.organisation == value),
            submitted=sum(r.submitted for r in reviewers if r.organisation == value),
        )
        for value, label in Organisation.choices
    ]
    deadlines = [
        Deadline(
            label=label,
            moment=moment,
            days=(timezone.localtime(moment).date() - today).days,
        )
        for label, moment in (
            (gettext("Applications close"), cycle.closes_at),
            (gettext("Reviews due"), cycle.review_due_at),
            (gettext("Results announced"), cycle.announce_at),
        )
    ]
    return CycleDashboard(
        status_counts=counts,
        drafts=drafts,
        by_field=by_field,  # type: ignore[arg-type]
        reviewers=reviewers,
        organisations=organisations,
        deadlines=deadlines,
    )


def overrides_of(cycle: Cycle) -> list[SelectionOverride]:
    """Every override reason recorded on the cycle's selection, oldest first: what each
    organisation's approvers read before approving."""
    return list(
        SelectionOverride.objects.filter(cycle=cycle)
        .select_related("application", "actor")
        .order_by("created_at", "pk")
    )


def announcement_run_of(cycle: Cycle) -> AnnouncementRun | None:
    return AnnouncementRun.objects.filter(cycle=cycle).first()


def downloadable_exports(cycle: Cycle, *, limit: int = 10) -> list[ExportFile]:
    """The cycle's latest background exports that can still be downloaded (one query)."""
    return list(
        ExportFile.objects.filter(
            cycle=cycle, status=ExportStatus.READY, expires_at__gt=timezone.now()
        ).order_by("-finished_at", "-pk")[:limit]
    )
