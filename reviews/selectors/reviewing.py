"""Reads of the reviewers' side: what a reviewer may open, their cycles, assignments,
reviews and conflicts."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from applications.models import Application, Company
from applications.selectors import annotate_for_api
from programs.models import Criterion, Cycle

from ..enums import (
    REVIEWABLE_STATUSES,
    SCORING_PHASES,
    AssignmentStatus,
    ReviewStatus,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    PledgeAcceptance,
    Review,
    Reviewer,
)


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
        Q(status__in=REVIEWABLE_STATUSES) & Exists(assigned) & Exists(pledged) & ~Exists(conflicted)  # type: ignore[return-value]
    )


@dataclass
class ReviewerCycle:
    """A cycle in a reviewer's dashboard: the pledge, progress over all their active
    assignments of the cycle (``done`` of ``total``) and the assignments of the page shown."""

    cycle: Cycle
    pledge: PledgeAcceptance | None
    assignments: list[Assignment]
    conflicted_company_ids: frozenset[int]
    total: int = 0
    done: int = 0

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


def reviewer_assignments(reviewer: Reviewer) -> QuerySet[Assignment]:
    """The reviewer's active assignments, review due first (the dashboard pages them)."""
    return (
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .select_related("application__company", "application__cycle__program")
        .annotate(review_status=F("review__status"))
        .order_by("application__cycle__review_due_at", "application__reference", "pk")
    )


def reviewer_cycles(reviewer: Reviewer, assignments=None) -> list[ReviewerCycle]:
    """The cycles of the reviewer's active assignments (review due first) with the pledge
    and progress of each, and ``assignments`` (a page of ``reviewer_assignments``; all of
    them when ``None``) grouped by cycle. A fixed number of queries, however many."""
    if assignments is None:
        assignments = reviewer_assignments(reviewer)
    counts = (
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .values("application__cycle")
        .annotate(
            total=Count("pk"), done=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED))
        )
        .values_list("application__cycle", "total", "done")
    )
    progress = {cycle_id: (total, done) for cycle_id, total, done in counts}
    cycles = Cycle.objects.filter(pk__in=list(progress)).select_related("program")
    pledges = {pledge.cycle_id: pledge for pledge in reviewer.pledges.all()}
    conflicts = frozenset(reviewer.conflicts.values_list("company_id", flat=True))
    by_cycle = {
        cycle.pk: ReviewerCycle(
            cycle=cycle,
            pledge=pledges.get(cycle.pk),
            assignments=[],
            conflicted_company_ids=conflicts,
            total=progress[cycle.pk][0],
            done=progress[cycle.pk][1],
        )
        for cycle in sorted(cycles, key=lambda c: (c.review_due_at, c.pk))
    }
    for assignment in assignments:
        entry = by_cycle[assignment.application.cycle_id]
        assignment.application.cycle = entry.cycle
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
    # What each row shows is decided for the whole page at once (a page costs the same
    # queries whatever its size): ``pledged`` is ``has_accepted_pledge`` of the row's cycle,
    # ``review_status`` what ``review_state`` reads, and the applications come annotated
    # as the applications API has them, with their documents and rubric.
    applications = annotate_for_api(
        Application.objects.select_related(
            "company", "cycle__program", "technology", "challenge"
        ).prefetch_related(
            "documents",
            Prefetch("cycle__criteria", queryset=Criterion.objects.order_by("order", "pk")),
        ),
        user,
    )
    pledged = PledgeAcceptance.objects.filter(
        reviewer=reviewer, cycle_id=OuterRef("application__cycle_id")
    )
    return (
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .exclude(application__company__reviewer_conflicts__reviewer=reviewer)
        .select_related("reviewer", "review")
        .prefetch_related(Prefetch("application", queryset=applications))
        .annotate(pledged=Exists(pledged), review_status=F("review__status"))
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
        setattr(document, "display_name", document_name_for(user, document))  # noqa: B010
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
            label = _("The company of application %(reference)s") % {
                "reference": application.reference
            }
        else:
            label = str(conflict.company)
        # Annotations for the page, not fields.
        setattr(conflict, "label", label)  # noqa: B010
        setattr(conflict, "can_withdraw", conflict.company_id not in declined)  # noqa: B010
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
