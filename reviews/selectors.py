"""Reads of the reviews domain: every permission-scoped or aggregated queryset is built here.

The ranking adapts the cycle's rows to the pure formula in ``reviews.scoring`` with a
fixed number of queries, whatever the number of applications and reviews.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Field, Organisation
from programs.models import Cycle

from .enums import DECISION_PHASES, AssignmentStatus, ReviewStatus
from .models import CriterionScore, DecisionApproval, Review, Reviewer
from .scoring import (
    ApplicationScore,
    CriterionSpec,
    RankedApplication,
    SubmittedReview,
    rank_cycle,
)

# Applications that take part in the ranking: under review, or with a (staged) decision.
RANKED_STATUSES = frozenset({ApplicationStatus.UNDER_REVIEW}) | DECIDED


@dataclass(frozen=True)
class RankingRow:
    """An application with its scores (``reviews.scoring.ApplicationScore``) and the mean
    raw score per criterion of its submitted reviews (for exports and detail views)."""

    application: Application
    score: ApplicationScore
    criterion_means: dict[int, Decimal] = field(default_factory=dict)


def cycle_ranking(cycle: Cycle, *, statuses=RANKED_STATUSES) -> list[RankingRow]:
    """The cycle's applications in ``statuses``, scored and ranked (rank 1 first).

    Four queries in all: the rubric, the applications, the active-assignment counts and
    every submitted criterion score of the cycle. Every submitted review of the cycle feeds
    the reviewers' normalisation, also reviews of applications not ranked (withdrawn).
    An application needs ``max(cycle.reviews_per_application, its active assignments)``
    reviews to be complete.
    """
    criteria = list(cycle.criteria.order_by("order", "pk"))
    if not criteria:
        return []
    applications = {
        application.pk: application
        for application in Application.objects.filter(cycle=cycle, status__in=statuses)
        .select_related("company", "technology", "challenge")
        .order_by("pk")
    }
    for application in applications.values():
        # Every row shares the one cycle: no need to build thousands of copies of it.
        application.cycle = cycle
    assigned = dict(
        Application.objects.filter(pk__in=applications)
        .annotate(
            active=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACTIVE))
        )
        .values_list("pk", "active")
    )
    rows = CriterionScore.objects.filter(
        review__status=ReviewStatus.SUBMITTED,
        review__assignment__application__cycle=cycle,
        review__assignment__status=AssignmentStatus.ACTIVE,
    ).values_list(
        "review_id",
        "review__assignment__reviewer_id",
        "review__assignment__reviewer__organisation",
        "review__assignment__application_id",
        "criterion_id",
        "score",
    )
    by_review: dict[int, dict] = {}
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for review_id, reviewer_id, organisation, application_id, criterion_id, score in rows:
        review = by_review.setdefault(
            review_id,
            {
                "reviewer_id": reviewer_id,
                "organisation": organisation,
                "application_id": application_id,
                "scores": {},
            },
        )
        review["scores"][criterion_id] = score
        if application_id in applications:
            sums[(application_id, criterion_id)].append(score)

    scores = rank_cycle(
        criteria=[CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria],
        applications=[
            RankedApplication(
                id=application.pk,
                reference=application.reference or "",
                submitted_at=application.submitted_at,
                required_reviews=max(cycle.reviews_per_application, assigned.get(pk, 0)),
            )
            for pk, application in applications.items()
        ],
        reviews=[SubmittedReview(**review) for review in by_review.values()],
    )
    cent = Decimal("0.01")
    return [
        RankingRow(
            application=applications[score.application_id],
            score=score,
            criterion_means={
                criterion.pk: (Decimal(sum(values)) / len(values)).quantize(cent)
                for criterion in criteria
                if (values := sums.get((score.application_id, criterion.pk)))
            },
        )
        for score in scores
    ]


def cycles_managed_by(user):
    """Cycles of the programs the user manages (every cycle for superusers), newest first."""
    if not user.is_authenticated:
        return Cycle.objects.none()
    queryset = Cycle.objects.select_related("program").order_by("-opens_at", "pk")
    if user.is_superuser:
        return queryset
    return queryset.filter(
        program__managers__user=user, program__managers__is_active=True
    ).distinct()


def get_cycle_for_manager(user, pk: int) -> Cycle:
    """A cycle the user manages, or 404 (an ID guessed in a URL reveals nothing)."""
    from django.http import Http404

    try:
        return cycles_managed_by(user).get(pk=pk)
    except Cycle.DoesNotExist:
        raise Http404 from None


# =========================================================================================
# Selection: ranking views, decisions, approvals, announcement, dashboard, feedback
# =========================================================================================


# The ranked statuses in the order pages list them.
RANKED_STATUS_ORDER = [
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
]


def application_field(application: Application) -> str:
    """The field an application is judged in: the biotech field it chose (startup
    support), else the field of its technology or challenge, else its company's field.
    ``APPLICATION_FIELD`` is the same rule as a database expression."""
    if application.biotech_field:
        return application.biotech_field
    for item in (application.technology, application.challenge):
        if item is not None:
            return item.field
    return application.company.field


APPLICATION_FIELD = Coalesce(
    NullIf(F("biotech_field"), Value("")),
    F("technology__field"),
    F("challenge__field"),
    F("company__field"),
)


def track_item_key(application: Application) -> str:
    """``technology:<pk>`` or ``challenge:<pk>`` (the ranking's track item filter), or ""."""
    if application.technology_id:
        return f"technology:{application.technology_id}"
    if application.challenge_id:
        return f"challenge:{application.challenge_id}"
    return ""


def track_item_label(application: Application) -> str:
    """The technology or challenge the application answers, or ""."""
    item = application.technology or application.challenge
    return str(item) if item is not None else ""


def track_items_of(cycle: Cycle) -> list[tuple[str, str]]:
    """(key, label) of the technologies and challenges the cycle offers (two queries)."""
    return [(f"technology:{t.pk}", str(t)) for t in cycle.technologies.order_by("title")] + [
        (f"challenge:{c.pk}", str(c)) for c in cycle.challenges.order_by("company", "title")
    ]


def _none_last(value, descending: bool):
    """Sort key putting ``None`` last in either direction."""
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


# Sortable ranking columns: name → the value of a row. The rank is the formula's order
# (``reviews.scoring``, step 5); the other columns are each score on its own.
RANKING_SORTS: dict[str, Callable[[RankingRow], object]] = {
    "rank": lambda row: row.score.rank,
    "mean": lambda row: row.score.mean,
    "mss": lambda row: row.score.mss_mean,
    "ipark": lambda row: row.score.ipark_mean,
    "combined": lambda row: row.score.combined,
    "normalised": lambda row: row.score.normalised,
    "spread": lambda row: row.score.spread,
    "reviews": lambda row: row.score.completed_reviews,
}
# Scores read best-first (descending) by default; the rank ascending.
RANKING_SORT_DEFAULT_DESCENDING = frozenset(RANKING_SORTS) - {"rank"}


def ranking_view(
    cycle: Cycle,
    *,
    field: str = "",
    status: str = "",
    item: str = "",
    sort: str = "rank",
    descending: bool | None = None,
) -> list[RankingRow]:
    """The cycle's ranking (``cycle_ranking``: a fixed number of queries), filtered by
    field, status and track item, and sorted by ``sort`` (a ``RANKING_SORTS`` key).

    Filtering keeps each row's rank in the whole cycle. Unknown sorts fall back to the
    rank; rows without the sorted score come last; ties keep the ranking's order.
    """
    rows = cycle_ranking(cycle)
    if field:
        rows = [row for row in rows if application_field(row.application) == field]
    if status:
        rows = [row for row in rows if row.application.status == status]
    if item:
        rows = [row for row in rows if track_item_key(row.application) == item]
    if sort not in RANKING_SORTS:
        sort = "rank"
    if descending is None:
        descending = sort in RANKING_SORT_DEFAULT_DESCENDING
    value = RANKING_SORTS[sort]
    return sorted(rows, key=lambda row: (_none_last(value(row), descending), row.score.rank))


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
        return self.phase in (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED)

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
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.UNDER_REVIEW)
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


def comments_to_applicants(application_ids: Iterable[int]) -> dict[int, list[str]]:
    """The reviewers' comments meant for the applicant, per application, in one query.

    Only submitted reviews of active assignments, only the comment to the applicant
    (never the internal comment), never who wrote it; empty comments left out; in a
    stable order that says nothing about the reviewer (the review's creation order).
    """
    comments: dict[int, list[str]] = defaultdict(list)
    rows = (
        Review.objects.filter(
            assignment__application_id__in=list(application_ids),
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(comment_to_applicant="")
        .order_by("assignment__application_id", "pk")
        .values_list("assignment__application_id", "comment_to_applicant")
    )
    for application_id, comment in rows:
        if comment.strip():
            comments[application_id].append(comment.strip())
    return dict(comments)


def feedback_for(user, application: Application) -> list[str]:
    """The reviewers' comments a member of the company reads on its application page:
    only once the cycle's results are announced and the application has an outcome."""
    if not (
        application.results_announced
        and application.status in DECIDED
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


def decision_lists(cycle: Cycle) -> dict[str, list[Application]]:
    """The applications of each outcome (and those still under review), in reference
    order, in one query."""
    lists: dict[str, list[Application]] = {status: [] for status in RANKED_STATUS_ORDER}
    for application in (
        Application.objects.filter(cycle=cycle, status__in=RANKED_STATUSES)
        .select_related("company")
        .order_by("reference")
    ):
        lists[application.status].append(application)
    return lists


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
            name=label,
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
        by_field=by_field,
        reviewers=reviewers,
        organisations=organisations,
        deadlines=deadlines,
    )
