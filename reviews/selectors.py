"""Reads of the reviews domain: every permission-scoped or aggregated queryset is built here.

The ranking adapts the cycle's rows to the pure formula in ``reviews.scoring`` with a
fixed number of queries, whatever the number of applications and reviews.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application, Company
from programs.enums import CyclePhase, Field, Organisation
from programs.models import Criterion, Cycle

from .enums import (
    DECISION_PHASES,
    REVIEWABLE_STATUSES,
    SCORING_PHASES,
    AssignmentStatus,
    ReviewStatus,
)
from .models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    DecisionApproval,
    PledgeAcceptance,
    Review,
    Reviewer,
    ReviewStatusChange,
)
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


# =========================================================================================
# Reviewing: what reviewers may open, their work, and the managers' screening/assignment
# =========================================================================================


def reviewer_of(user) -> Reviewer | None:
    """The user's reviewer profile (active or not), or None."""
    if not user.is_authenticated:
        return None
    return Reviewer.objects.filter(user=user).first()


def reviewer_visibility(user) -> Q:
    """Applications open to ``user`` as a reviewer, as a filter on ``Application``: the
    queryset twin of ``reviews.rules.is_assigned_reviewer`` (tests hold them together)."""
    assigned = Assignment.objects.filter(
        application=OuterRef("pk"),
        status=AssignmentStatus.ACTIVE,
        reviewer__user=user,
        reviewer__is_active=True,
    )
    pledged = PledgeAcceptance.objects.filter(cycle=OuterRef("cycle"), reviewer__user=user)
    conflicted = ConflictDeclaration.objects.filter(
        company=OuterRef("company"), reviewer__user=user
    )
    return (
        Q(status__in=REVIEWABLE_STATUSES) & Exists(assigned) & Exists(pledged) & ~Exists(conflicted)
    )


@dataclass
class ReviewerCycle:
    """A cycle in a reviewer's dashboard: the pledge, their active assignments, progress."""

    cycle: Cycle
    pledge: PledgeAcceptance | None
    assignments: list[Assignment]
    conflicted_company_ids: frozenset[int]

    @property
    def total(self) -> int:
        return len(self.assignments)

    @property
    def done(self) -> int:
        return sum(1 for assignment in self.assignments if review_state(assignment) == "submitted")

    @property
    def is_blind(self) -> bool:
        return self.cycle.blind_review

    @property
    def is_scoring(self) -> bool:
        return self.cycle.phase in SCORING_PHASES


def review_state(assignment: Assignment) -> str:
    """``not_started``, ``draft`` or ``submitted``: where the reviewer's work stands."""
    if hasattr(assignment, "review_status"):  # annotated by a list's query
        return assignment.review_status or "not_started"
    try:
        return assignment.review.status
    except Review.DoesNotExist:
        return "not_started"


def reviewer_cycles(reviewer: Reviewer) -> list[ReviewerCycle]:
    """The reviewer's active assignments grouped by cycle (review due first), with the
    pledge of each cycle. A fixed number of queries, however many assignments."""
    assignments = list(
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .select_related("application__company", "application__cycle__program", "review")
        .order_by("application__cycle__review_due_at", "application__reference")
    )
    pledges = {pledge.cycle_id: pledge for pledge in reviewer.pledges.all()}
    conflicts = frozenset(reviewer.conflicts.values_list("company_id", flat=True))
    by_cycle: dict[int, ReviewerCycle] = {}
    for assignment in assignments:
        cycle = assignment.application.cycle
        entry = by_cycle.get(cycle.pk)
        if entry is None:
            entry = by_cycle[cycle.pk] = ReviewerCycle(
                cycle=cycle,
                pledge=pledges.get(cycle.pk),
                assignments=[],
                conflicted_company_ids=conflicts,
            )
        entry.assignments.append(assignment)
    return list(by_cycle.values())


def cycles_of_reviewer(reviewer: Reviewer):
    """Cycles in which the reviewer has an active assignment (those with a pledge to accept)."""
    return Cycle.objects.filter(
        applications__assignments__reviewer=reviewer,
        applications__assignments__status=AssignmentStatus.ACTIVE,
    ).distinct()


def get_assignment_for_reviewer(user, pk: int) -> Assignment:
    """The user's own active assignment, or 404. Whether it *opens* (pledge, conflict,
    application status) is ``reviews.open_assignment``, checked by the caller."""
    reviewer = reviewer_of(user)
    if reviewer is None or not reviewer.is_active:
        raise Http404
    try:
        return Assignment.objects.select_related(
            "reviewer__user", "application__company", "application__cycle__program"
        ).get(pk=pk, reviewer=reviewer, status=AssignmentStatus.ACTIVE)
    except Assignment.DoesNotExist:
        raise Http404 from None


def assignments_for_api(user):
    """The user's active assignments as a reviewer, reviews due first; those of companies
    they declared a conflict with are left out (they never open)."""
    reviewer = reviewer_of(user)
    if reviewer is None or not reviewer.is_active:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .exclude(application__company__reviewer_conflicts__reviewer=reviewer)
        .select_related(
            "reviewer",
            "review",
            "application__company",
            "application__cycle__program",
            "application__technology",
            "application__challenge",
        )
        .order_by("application__cycle__review_due_at", "application__reference", "pk")
    )


def review_of(assignment: Assignment) -> Review | None:
    """The assignment's review with its scores, or None before the first save."""
    return (
        Review.objects.filter(assignment=assignment)
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")))
        .first()
    )


def rubric_of(cycle: Cycle) -> list[Criterion]:
    return list(cycle.criteria.order_by("order", "pk"))


@dataclass(frozen=True)
class OtherReview:
    """Another reviewer's submitted review of the same application, as a reviewer may see
    it: ``label`` is the reviewer's name, or in a blind cycle only their organisation."""

    label: str
    organisation: str
    review: Review
    scores: dict[int, int]


def other_reviews(assignment: Assignment) -> list[OtherReview]:
    """Submitted reviews of the application by its other active reviewers (the caller
    checks ``reviews.view_other_reviews``). Names are shown among reviewers, except in a
    blind cycle, where reviewers are anonymous to each other too."""
    reviews = list(
        Review.objects.filter(
            assignment__application_id=assignment.application_id,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .select_related("assignment__reviewer__user")
        .prefetch_related("scores")
        .order_by("assignment__reviewer__organisation", "submitted_at", "pk")
    )
    blind = assignment.application.cycle.blind_review
    numbers: dict[str, int] = defaultdict(int)
    result = []
    for review in reviews:
        reviewer = review.assignment.reviewer
        numbers[reviewer.organisation] += 1
        if blind:
            label = _("%(organisation)s reviewer %(number)d") % {
                "organisation": reviewer.get_organisation_display(),
                "number": numbers[reviewer.organisation],
            }
        else:
            label = str(reviewer.user)
        result.append(
            OtherReview(
                label=label,
                organisation=reviewer.organisation,
                review=review,
                scores={score.criterion_id: score.score for score in review.scores.all()},
            )
        )
    return result


def documents_for(user, application: Application) -> list:
    """The application's documents, each with ``display_name``: the original file name, or
    a neutral one when the user may not see the company's identity (blind review)."""
    from applications.selectors import document_name_for, documents_of

    documents = list(documents_of(application))
    for document in documents:
        document.display_name = document_name_for(user, document)
    return documents


def conflicts_of(reviewer: Reviewer) -> list[ConflictDeclaration]:
    """The reviewer's declared conflicts, each with ``label`` (what the reviewer may know
    of the company: its name, or only the application's reference when declared by
    declining a blind application) and ``can_withdraw`` (no declined assignment rests on
    it)."""
    conflicts = list(
        reviewer.conflicts.select_related("company", "application__cycle").order_by(
            "-declared_at", "pk"
        )
    )
    declined = set(
        reviewer.assignments.filter(status=AssignmentStatus.DECLINED).values_list(
            "application__company_id", flat=True
        )
    )
    for conflict in conflicts:
        application = conflict.application
        if application is not None and application.cycle.blind_review:
            conflict.label = _("The company of application %(reference)s") % {
                "reference": application.reference
            }
        else:
            conflict.label = str(conflict.company)
        conflict.can_withdraw = conflict.company_id not in declined
    return conflicts


def find_company(query: str) -> Company | None:
    """The company registered under exactly this business number (hyphens and spaces
    ignored) or this full name (Korean or English, case and surrounding spaces ignored)."""
    from applications.validators import normalize_business_number

    text = " ".join(query.split())
    if not text:
        return None
    digits = normalize_business_number(text)
    if digits.isdigit():
        return Company.objects.filter(business_number=digits).first()
    return (
        Company.objects.filter(Q(name_en__iexact=text) | Q(name_ko__iexact=text))
        .order_by("pk")
        .first()
    )


# Managers: screening and assignment.


def screening_list(cycle: Cycle, *, status: str | None = ApplicationStatus.SUBMITTED):
    """The cycle's sent-in applications (not withdrawn) for screening, by reference;
    ``status`` narrows it (``None``: all)."""
    queryset = (
        Application.objects.filter(cycle=cycle)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
        .select_related("company", "technology", "challenge")
        .order_by("reference")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def screening_counts(cycle: Cycle) -> dict[str, int]:
    """Applications of the cycle per status (sent in only)."""
    rows = (
        Application.objects.filter(cycle=cycle)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


@dataclass
class BoardRow:
    """An application under review on the assignment page."""

    application: Application
    assignments: list[Assignment]
    problems: list[str]
    reviewers: list[Reviewer] = field(repr=False)
    conflicted: set[int] = field(repr=False)

    @property
    def current(self) -> list[Assignment]:
        """Proposed and active assignments (not declined)."""
        return [a for a in self.assignments if a.status != AssignmentStatus.DECLINED]

    @cached_property
    def candidates(self) -> list[Reviewer]:
        """Active reviewers who could be added: not assigned (in any status, a decline
        included) and without a conflict with the company. Worked out only for the rows
        shown."""
        taken = {a.reviewer_id for a in self.assignments}
        return [
            reviewer
            for reviewer in self.reviewers
            if reviewer.is_active
            and reviewer.pk not in taken
            and reviewer.pk not in self.conflicted
        ]


@dataclass
class ReviewerLoad:
    reviewer: Reviewer
    active: int
    proposed: int
    submitted: int

    @property
    def total(self) -> int:
        return self.active + self.proposed


@dataclass
class AssignmentBoard:
    cycle: Cycle
    rows: list[BoardRow]
    loads: list[ReviewerLoad]

    @property
    def proposed_count(self) -> int:
        return sum(load.proposed for load in self.loads)

    @cached_property
    def incomplete(self) -> list[BoardRow]:
        return [row for row in self.rows if row.problems]

    @property
    def load_spread(self) -> int:
        totals = [load.total for load in self.loads if load.reviewer.is_active]
        return max(totals) - min(totals) if totals else 0

    @property
    def expertise_matches(self) -> tuple[int, int]:
        """(assignments whose reviewer's expertise covers the application's field, all)."""
        current = [(row.application, a) for row in self.rows for a in row.current]
        matched = sum(
            1
            for application, a in current
            if application_field(application) in a.reviewer.expertise
        )
        return matched, len(current)


def application_field(application: Application) -> str:
    """The field an application is judged in, for expertise matching: the biotech field of
    a startup-support application, the technology's or challenge's field, else the
    company's. ``APPLICATION_FIELD`` is the same rule as a database expression."""
    if application.biotech_field:
        return application.biotech_field
    if application.technology_id and application.technology is not None:
        return application.technology.field
    if application.challenge_id and application.challenge is not None:
        return application.challenge.field
    return application.company.field


def assignment_board(cycle: Cycle) -> AssignmentBoard:
    """Every application under review with its assignments, the reviewers who could still
    be added to it, and what keeps it from being covered; and each reviewer's load in the
    cycle. Six queries, whatever the numbers."""
    applications = list(
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.UNDER_REVIEW)
        .select_related("company", "technology", "challenge")
        .order_by("reference")
    )
    reviewers = list(
        Reviewer.objects.select_related("user").order_by("organisation", "user__email")
    )
    by_id = {reviewer.pk: reviewer for reviewer in reviewers}
    # Thousands of rows: the reviewers are loaded once above and attached, and only the
    # review's status is read.
    assignments = list(
        Assignment.objects.filter(application__cycle=cycle)
        .annotate(review_status=F("review__status"))
        .order_by("reviewer__organisation", "reviewer__user__email")
    )
    for assignment in assignments:
        assignment.reviewer = by_id[assignment.reviewer_id]
    company_ids = {application.company_id for application in applications}
    conflicts: dict[int, set[int]] = defaultdict(set)
    for reviewer_id, company_id in ConflictDeclaration.objects.filter(
        company_id__in=company_ids
    ).values_list("reviewer_id", "company_id"):
        conflicts[company_id].add(reviewer_id)

    by_application: dict[int, list[Assignment]] = defaultdict(list)
    loads = {
        reviewer.pk: ReviewerLoad(reviewer=reviewer, active=0, proposed=0, submitted=0)
        for reviewer in reviewers
    }
    for assignment in assignments:
        by_application[assignment.application_id].append(assignment)
        load = loads[assignment.reviewer_id]
        if assignment.status == AssignmentStatus.ACTIVE:
            load.active += 1
            if review_state(assignment) == ReviewStatus.SUBMITTED:
                load.submitted += 1
        elif assignment.status == AssignmentStatus.PROPOSED:
            load.proposed += 1

    rows = []
    needed = cycle.reviews_per_application
    for application in applications:
        mine = by_application.get(application.pk, [])
        current = [a for a in mine if a.status != AssignmentStatus.DECLINED]
        problems = coverage_problems([a.reviewer.organisation for a in current], needed)
        for a in current:
            if a.reviewer_id in conflicts[application.company_id]:
                problems.append(
                    _("%(reviewer)s has declared a conflict with the company.")
                    % {"reviewer": a.reviewer.user}
                )
        rows.append(
            BoardRow(
                application=application,
                assignments=mine,
                problems=problems,
                reviewers=reviewers,
                conflicted=conflicts[application.company_id],
            )
        )
    shown = [
        load for load in loads.values() if load.reviewer.is_active or load.total or load.submitted
    ]
    return AssignmentBoard(cycle=cycle, rows=rows, loads=shown)


def coverage_problems(organisations: list[str], needed: int) -> list[str]:
    """What an application's proposed and active assignments lack, given the organisation
    of each one's reviewer: the number of reviews per application, and a reviewer of each
    organisation."""
    current = organisations
    problems = []
    if len(current) < needed:
        problems.append(
            ngettext(
                "%(count)d of %(needed)d reviewer assigned.",
                "%(count)d of %(needed)d reviewers assigned.",
                needed,
            )
            % {"count": len(current), "needed": needed}
        )
    for organisation in (Organisation.MSS, Organisation.IPARK):
        if organisation not in organisations:
            problems.append(
                _("No %(organisation)s reviewer.") % {"organisation": organisation.label}
            )
    return problems


def application_reviews(application: Application) -> list[Assignment]:
    """The application's assignments (every status) with their reviews, scores and review
    history, for its managers."""
    return list(
        Assignment.objects.filter(application=application)
        .select_related("reviewer__user", "assigned_by", "review")
        .prefetch_related(
            Prefetch("review__scores", queryset=CriterionScore.objects.order_by("pk")),
            Prefetch(
                "review__history",
                queryset=ReviewStatusChange.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("reviewer__organisation", "reviewer__user__email")
    )


def get_application_for_manager(user, pk: int) -> Application:
    """A sent-in application of a program the user manages, or 404."""
    try:
        application = Application.objects.select_related(
            "company", "cycle__program", "technology", "challenge"
        ).get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("reviews.view_application_reviews", application):
        raise Http404
    return application


def review_progress(cycle: Cycle) -> dict[str, int]:
    """Assignments and reviews of the cycle, for the managers' hub."""
    return Assignment.objects.filter(application__cycle=cycle).aggregate(
        proposed=Count("pk", filter=Q(status=AssignmentStatus.PROPOSED)),
        active=Count("pk", filter=Q(status=AssignmentStatus.ACTIVE)),
        declined=Count("pk", filter=Q(status=AssignmentStatus.DECLINED)),
        submitted=Count(
            "pk",
            filter=Q(status=AssignmentStatus.ACTIVE, review__status=ReviewStatus.SUBMITTED),
        ),
    )


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


# ``application_field`` (above) as a database expression: the same rule.
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
