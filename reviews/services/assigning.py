"""Writes of reviewer assignment: proposing, adding, removing and confirming the
assignments of a cycle (the pure matching is ``reviews.assignment``)."""

from collections import defaultdict
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.enums import (
    ApplicationStatus,
)
from applications.models import Application
from notifications.enums import NotificationKind
from notifications.services import notify
from programs.models import Cycle

from ..assignment import (
    ApplicationToAssign,
    AssignmentProposal,
    KeptAssignment,
    ReviewerToAssign,
    propose_assignments,
)
from ..enums import (
    REVIEWABLE_STATUSES,
    AssignmentStatus,
    ReviewStatus,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    PledgeAcceptance,
    PoolMember,
    Review,
    Reviewer,
)
from ._common import _check_assignment_edge, _require_manager, _require_scoring


class AssignmentsIncomplete(ValidationError):
    """Confirming would leave applications without the reviewers they need; nothing was
    confirmed. ``problems`` is a list of (application reference, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(
            "; ".join(f"{reference}: {message}" for reference, message in problems),
            code="assignments_incomplete",
        )


# --- Assignment ---------------------------------------------------------------------------


def _application_field(application: Application) -> str:
    from ..selectors import application_field

    return application_field(application)


def assignment_propose(*, cycle: Cycle, actor: User, seed: int = 0) -> AssignmentProposal:
    """Propose reviewers for every application under review (``reviews.assignment``).

    The previous automatic proposal is replaced; assignments added by hand and confirmed
    ones are kept (and count in the loads). Nothing is half-done: if some application
    cannot be covered, ``AssignmentInfeasible`` is raised with every problem and the
    assignments stay exactly as they were.

    Side effects: ``Assignment`` rows in status ``proposed`` (invisible to reviewers until
    ``assignments_confirm``).

    Over 60 lines on purpose: it adapts the cycle's rows to the pure
    ``propose_assignments`` and writes its result under one lock; the matching itself is
    in ``reviews.assignment``.
    """
    _require_manager(cycle, actor)
    _require_scoring(cycle)
    with transaction.atomic():
        # One proposal at a time per cycle.
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        in_cycle = Assignment.objects.filter(application__cycle=cycle)
        in_cycle.filter(status=AssignmentStatus.PROPOSED, is_manual=False).delete()
        applications = list(
            Application.objects.filter(cycle=cycle, status=ApplicationStatus.UNDER_REVIEW)
            .select_related("company", "technology", "challenge")
            .order_by("pk")
        )
        company_ids = {application.company_id for application in applications}
        # Only the cycle's reviewer pool is proposed (every reviewer when it has none);
        # reviewers outside it stay known, as inactive, for the assignments they keep.
        pool = set(PoolMember.objects.filter(cycle=cycle).values_list("reviewer_id", flat=True))
        reviewers = [
            ReviewerToAssign(
                id=reviewer.pk,
                organisation=reviewer.organisation,
                expertise=frozenset(reviewer.expertise),
                is_active=reviewer.is_active and (not pool or reviewer.pk in pool),
                name=str(reviewer.user),
            )
            for reviewer in Reviewer.objects.select_related("user")
        ]
        kept = [
            KeptAssignment(application_id=application_id, reviewer_id=reviewer_id)
            for application_id, reviewer_id in in_cycle.filter(
                status__in=[AssignmentStatus.ACTIVE, AssignmentStatus.PROPOSED],
                application__status__in=REVIEWABLE_STATUSES,
            ).values_list("application_id", "reviewer_id")
        ]
        proposal = propose_assignments(
            applications=[
                ApplicationToAssign(
                    id=application.pk,
                    reference=application.reference,  # type: ignore[arg-type]
                    company_id=application.company_id,
                    field=_application_field(application),
                )
                for application in applications
            ],
            reviewers=reviewers,
            reviews_per_application=cycle.reviews_per_application,
            conflicts=ConflictDeclaration.objects.filter(company_id__in=company_ids).values_list(
                "reviewer_id", "company_id"
            ),
            declined=in_cycle.filter(status=AssignmentStatus.DECLINED).values_list(
                "reviewer_id", "application_id"
            ),
            kept=kept,
            seed=seed,
        )
        now = timezone.now()
        Assignment.objects.bulk_create(
            Assignment(
                application_id=application_id,
                reviewer_id=reviewer_id,
                status=AssignmentStatus.PROPOSED,
                is_manual=False,
                assigned_by=actor,
                created_at=now,
            )
            for application_id, reviewer_ids in proposal.proposed.items()
            for reviewer_id in reviewer_ids
        )
    return proposal


def assignment_add(*, application: Application, reviewer: Reviewer, actor: User) -> Assignment:
    """A manager adds a reviewer to an application by hand, as a proposal to confirm.

    Refused for an inactive reviewer, one who declared a conflict with the company or
    declined the application, one already assigned, and an application not under review.
    Side effects: an ``Assignment`` row, ``proposed`` and ``is_manual``.
    """
    cycle = application.cycle
    _require_manager(cycle, actor)
    _require_scoring(cycle)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.UNDER_REVIEW:
            raise ValidationError(
                _("Only applications under review get reviewers."), code="not_under_review"
            )
        if not reviewer.is_active:
            raise ValidationError({"reviewer": _("This reviewer is inactive.")})
        if ConflictDeclaration.objects.filter(
            reviewer=reviewer, company_id=locked.company_id
        ).exists():
            raise ValidationError(
                {"reviewer": _("This reviewer has declared a conflict with the company.")}
            )
        existing = Assignment.objects.filter(application=locked, reviewer=reviewer).first()
        if existing is not None:
            message = (
                _("This reviewer declined this application.")
                if existing.status == AssignmentStatus.DECLINED
                else _("This reviewer is already assigned.")
            )
            raise ValidationError({"reviewer": message})
        return Assignment.objects.create(
            application=locked,
            reviewer=reviewer,
            status=AssignmentStatus.PROPOSED,
            is_manual=True,
            assigned_by=actor,
        )


def assignment_remove(*, assignment: Assignment, actor: User) -> None:
    """A manager removes a reviewer from an application (proposed or active).

    Refused once the review is submitted (reopen it first) and for a declined assignment
    (kept as the record of the conflict). Side effect: the row is deleted, with the
    reviewer's draft review if any.
    """
    cycle = assignment.application.cycle
    _require_manager(cycle, actor)
    _require_scoring(cycle)
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status == AssignmentStatus.DECLINED:
            raise ValidationError(
                _("A declined assignment stays on record; it cannot be removed."),
                code="declined",
            )
        if Review.objects.filter(assignment=locked, status=ReviewStatus.SUBMITTED).exists():
            raise ValidationError(
                _(
                    "This reviewer has submitted their review; it cannot be removed. Reopen "
                    "the review first if it must change."
                ),
                code="review_submitted",
            )
        locked.delete()


def assignments_confirm(*, cycle: Cycle, actor: User, now: datetime | None = None) -> int:
    """Confirm the cycle's proposed assignments: they become active and their reviewers
    see them (after accepting the pledge). Returns how many were confirmed.

    Refused as a whole (``AssignmentsIncomplete``, nothing confirmed) when an application
    with proposed reviewers would still lack ``reviews_per_application`` reviewers or a
    reviewer of MSS or of iPark, or has a reviewer who meanwhile declared a conflict.
    Side effects: status ``active`` and ``confirmed_at``; after commit, each reviewer is
    notified once of their new assignments, with the review due date.

    Over 60 lines on purpose: the all-or-nothing check and the confirmation are read
    under one lock; the notification is already its own helper.
    """
    _require_manager(cycle, actor)
    _require_scoring(cycle)
    from ..selectors import coverage_problems

    now = now or timezone.now()
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        # Plain rows, not model instances: a cycle may confirm thousands at once.
        proposed = list(
            Assignment.objects.select_for_update(of=("self",))
            .filter(application__cycle=cycle, status=AssignmentStatus.PROPOSED)
            .values_list("pk", "application_id", "reviewer_id")
        )
        if not proposed:
            raise ValidationError(_("There are no proposed assignments to confirm."), code="empty")
        touched = {
            pk: (reference, company_id, status)
            for pk, reference, company_id, status in Application.objects.filter(
                pk__in={application_id for _pk, application_id, _r in proposed}
            ).values_list("pk", "reference", "company_id", "status")
        }
        current: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for application_id, reviewer_id, organisation in (
            Assignment.objects.filter(application_id__in=touched)
            .exclude(status=AssignmentStatus.DECLINED)
            .values_list("application_id", "reviewer_id", "reviewer__organisation")
        ):
            current[application_id].append((reviewer_id, organisation))
        conflicts = set(
            ConflictDeclaration.objects.filter(
                company_id__in={company_id for _ref, company_id, _s in touched.values()}
            ).values_list("reviewer_id", "company_id")
        )
        problems = []
        for application_id, (reference, company_id, status) in sorted(
            touched.items(),
            key=lambda item: item[1][0],  # type: ignore[arg-type, return-value]
        ):
            mine = current[application_id]
            for message in coverage_problems(
                [organisation for _reviewer, organisation in mine], cycle.reviews_per_application
            ):
                problems.append((reference, message))
            for reviewer_id, _organisation in mine:
                if (reviewer_id, company_id) in conflicts:
                    problems.append(
                        (
                            reference,
                            _("%(reviewer)s has declared a conflict with the company.")
                            % {"reviewer": Reviewer.objects.get(pk=reviewer_id).user},
                        )
                    )
            if status != ApplicationStatus.UNDER_REVIEW:
                problems.append((reference, _("The application is no longer under review.")))
        if problems:
            raise AssignmentsIncomplete(problems)  # type: ignore[arg-type]
        # Every row is locked and proposed: one conditional update moves them all along
        # the table's proposed → active edge.
        _check_assignment_edge(AssignmentStatus.PROPOSED, AssignmentStatus.ACTIVE)
        ids = [pk for pk, _application, _reviewer in proposed]
        Assignment.objects.filter(pk__in=ids, status=AssignmentStatus.PROPOSED).update(
            status=AssignmentStatus.ACTIVE, confirmed_at=now
        )
        by_reviewer: dict[int, list[int]] = defaultdict(list)
        for pk, _application, reviewer_id in proposed:
            by_reviewer[reviewer_id].append(pk)
        _notify_assigned(cycle, by_reviewer)
    return len(proposed)


def _notify_assigned(cycle: Cycle, by_reviewer: dict[int, list[int]]) -> None:
    """One notification per reviewer for their newly confirmed assignments, with the
    review due date and the references (never company names: the cycle may be blind).
    The event key names the batch by its first assignment, so it is sent once."""
    references: dict[int, list[str]] = defaultdict(list)
    for reviewer_id, reference in (
        Assignment.objects.filter(pk__in=[pk for ids in by_reviewer.values() for pk in ids])
        .order_by("application__reference")
        .values_list("reviewer_id", "application__reference")
    ):
        references[reviewer_id].append(reference)  # type: ignore[arg-type]
    pledged = set(
        PledgeAcceptance.objects.filter(cycle=cycle, reviewer_id__in=by_reviewer).values_list(
            "reviewer_id", flat=True
        )
    )
    for reviewer in Reviewer.objects.filter(pk__in=by_reviewer).select_related("user"):
        notify(
            kind=NotificationKind.REVIEWER_ASSIGNED,
            target=cycle,
            recipients=[reviewer.user],
            event_key=f"assigned:{min(by_reviewer[reviewer.pk])}",
            context={
                "references": references[reviewer.pk],
                "pledge_needed": reviewer.pk not in pledged,
                "url": reverse("reviews:reviewer_dashboard"),
            },
        )
