"""Reads of the managers' side of reviewing: screening, the assignment board, an
application's reviews, the cycles a manager manages."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import Organisation
from programs.models import Cycle

from ..enums import (
    AssignmentStatus,
    ReviewStatus,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    Reviewer,
    ReviewStatusChange,
)
from .reviewing import review_state

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
    cycle. Six queries, whatever the numbers.

    Over 60 lines on purpose: six queries and the rows built from them, side by side, so
    the query count stays visible.
    """
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
