"""Writes of the reviews domain: keyword-only services taking the acting user, each in one
transaction, with their side effects in the docstring.

Sections: the reviewing side (pledges, conflicts, screening, assignment, reviews), then
the selection side (decisions, approvals, announcement).
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.enums import (
    AFTER_ANNOUNCEMENT,
    APPLICATION_TRANSITIONS,
    DECIDED,
    DECISIONS,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
)
from applications.models import Application, Company, Membership
from applications.rules import manages_program
from applications.services import application_decide, application_screen, application_transition
from notifications.enums import NotificationKind
from notifications.services import Event, notify, notify_many
from programs.enums import CyclePhase, Organisation
from programs.models import Cycle, ProgramManager
from programs.services import TransitionError, cycle_transition

from . import selectors
from .assignment import (
    ApplicationToAssign,
    AssignmentProposal,
    KeptAssignment,
    ReviewerToAssign,
    propose_assignments,
)
from .enums import (
    ASSIGNMENT_TRANSITIONS,
    DECISION_PHASES,
    REVIEW_TRANSITIONS,
    REVIEWABLE_STATUSES,
    SCORING_PHASES,
    AssignmentStatus,
    Recommendation,
    ReviewStatus,
)
from .models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    DecisionApproval,
    PledgeAcceptance,
    PoolMember,
    Review,
    Reviewer,
    ReviewStatusChange,
)
from .pledge import PLEDGE_VERSION
from .rules import approves_for_an_organisation

# =========================================================================================
# Reviewing: pledges, conflicts, screening, assignment, reviews
# =========================================================================================


class ReviewLocked(TransitionError):
    """The review has been submitted: it is locked until a manager reopens it."""


class AssignmentsIncomplete(ValidationError):
    """Confirming would leave applications without the reviewers they need; nothing was
    confirmed. ``problems`` is a list of (application reference, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(
            "; ".join(f"{reference}: {message}" for reference, message in problems),
            code="assignments_incomplete",
        )


def _require_reviewer(reviewer: Reviewer, actor) -> None:
    if actor is None or not actor.is_authenticated or reviewer.user_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer can do this."))
    if not reviewer.is_active:
        raise PermissionDenied(_("Your reviewer profile is inactive."))


def _require_manager(cycle: Cycle, actor) -> None:
    if actor is None or not manages_program(actor, cycle.program_id):
        raise PermissionDenied(_("Only a manager of this program can do this."))


def _require_scoring(cycle: Cycle) -> None:
    if cycle.phase not in SCORING_PHASES:
        raise TransitionError(
            _("This cycle is %(phase)s: its reviews and assignments can no longer change.")
            % {"phase": CyclePhase(cycle.phase).label.lower()},
            code="cycle_not_scoring",
        )


def _check_assignment_edge(source: str, to: str) -> None:
    if to not in ASSIGNMENT_TRANSITIONS[source]:
        raise TransitionError(
            _("An assignment cannot go from “%(source)s” to “%(target)s”.")
            % {"source": AssignmentStatus(source).label, "target": AssignmentStatus(to).label},
            code="transition_not_allowed",
        )


def _assignment_transition(
    locked: Assignment, *, to: str, now: datetime, fields: Iterable[str] = ()
) -> None:
    _check_assignment_edge(locked.status, to)
    locked.status = to
    locked.save(update_fields=["status", *fields])


def _review_transition(
    locked: Review, *, to: str, actor, note: str, now: datetime, fields: Iterable[str] = ()
) -> None:
    source = locked.status
    if to not in REVIEW_TRANSITIONS[source]:
        raise TransitionError(
            _("A review cannot go from “%(source)s” to “%(target)s”.")
            % {"source": ReviewStatus(source).label, "target": ReviewStatus(to).label},
            code="transition_not_allowed",
        )
    locked.status = to
    locked.save(update_fields=["status", "updated_at", *fields])
    ReviewStatusChange.objects.create(
        review=locked, from_status=source, to_status=to, actor=actor, note=note, created_at=now
    )


# --- Pledge -------------------------------------------------------------------------------


def pledge_accept(
    *, reviewer: Reviewer, cycle: Cycle, actor, now: datetime | None = None
) -> PledgeAcceptance:
    """The reviewer accepts the evaluator pledge of ``cycle`` (see ``reviews.pledge``).

    Side effects: a ``PledgeAcceptance`` row with the time and the text version. Accepting
    again changes nothing (the first acceptance stands).
    """
    _require_reviewer(reviewer, actor)
    if cycle.phase == CyclePhase.DRAFT:
        raise PermissionDenied(_("This call is not open yet."))
    with transaction.atomic():
        pledge, _created = PledgeAcceptance.objects.get_or_create(
            reviewer=reviewer,
            cycle=cycle,
            defaults={"text_version": PLEDGE_VERSION, "accepted_at": now or timezone.now()},
        )
    return pledge


# --- Conflicts ----------------------------------------------------------------------------


def conflict_declare(
    *,
    reviewer: Reviewer,
    company: Company,
    reason: str,
    actor,
    application: Application | None = None,
    now: datetime | None = None,
) -> ConflictDeclaration:
    """The reviewer declares a conflict of interest with ``company``, with a reason.

    A declared conflict beats an assignment: the reviewer's proposed assignments to the
    company's applications are deleted, and their active ones, in cycles still being
    reviewed, are declined (their reviews no longer count). From then on none of the
    company's applications, documents or reviews opens for the reviewer.

    Side effects: a ``ConflictDeclaration`` row (``application`` when declared by
    declining it), the assignments deleted or declined (``declined_at``,
    ``decline_reason``). Declaring the same company twice is refused.
    """
    _require_reviewer(reviewer, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what the conflict is.")})
    now = now or timezone.now()
    with transaction.atomic():
        Reviewer.objects.select_for_update().get(pk=reviewer.pk)
        if ConflictDeclaration.objects.filter(reviewer=reviewer, company=company).exists():
            raise ValidationError(
                {"company": _("You have already declared a conflict with this company.")},
                code="already_declared",
            )
        conflict = ConflictDeclaration.objects.create(
            reviewer=reviewer,
            company=company,
            reason=reason,
            application=application,
            declared_at=now,
        )
        _decline_for_conflict(reviewer, company, reason=reason, now=now)
    return conflict


def _decline_for_conflict(reviewer: Reviewer, company: Company, *, reason: str, now) -> None:
    mine = Assignment.objects.select_for_update().filter(
        reviewer=reviewer,
        application__company=company,
        application__cycle__phase__in=SCORING_PHASES,
    )
    mine.filter(status=AssignmentStatus.PROPOSED).delete()
    for assignment in mine.filter(status=AssignmentStatus.ACTIVE):
        assignment.declined_at = now
        assignment.decline_reason = reason
        _assignment_transition(
            assignment,
            to=AssignmentStatus.DECLINED,
            now=now,
            fields=["declined_at", "decline_reason"],
        )


def conflict_withdraw(*, conflict: ConflictDeclaration, actor) -> None:
    """The reviewer withdraws a conflict declared by mistake.

    Refused while an assignment declined for it exists (a decision rests on it; a manager
    would have to act on that assignment first). Side effect: the row is deleted, and the
    company's applications may be assigned to the reviewer again.
    """
    _require_reviewer(conflict.reviewer, actor)
    with transaction.atomic():
        locked = ConflictDeclaration.objects.select_for_update().get(pk=conflict.pk)
        if Assignment.objects.filter(
            reviewer_id=locked.reviewer_id,
            application__company_id=locked.company_id,
            status=AssignmentStatus.DECLINED,
        ).exists():
            raise ValidationError(
                _(
                    "You declined an assignment because of this conflict, so it stays on "
                    "record. Ask the program manager if it was a mistake."
                ),
                code="conflict_in_use",
            )
        locked.delete()


def assignment_decline(
    *, assignment: Assignment, actor, reason: str, now: datetime | None = None
) -> Assignment:
    """The reviewer declines an assignment for a conflict of interest with the company.

    Side effects: a ``ConflictDeclaration`` for the company naming the application (or the
    existing one kept), this and every other assignment of the reviewer to the company's
    applications declined (see ``conflict_declare``). The managers see it on the
    assignment page and can assign someone else. Refused once the review is submitted.
    """
    if not actor.has_perm("reviews.decline_assignment", assignment):
        raise PermissionDenied(_("This assignment can no longer be declined."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly what the conflict is.")})
    now = now or timezone.now()
    with transaction.atomic():
        existing = ConflictDeclaration.objects.filter(
            reviewer_id=assignment.reviewer_id, company_id=assignment.application.company_id
        ).exists()
        if existing:
            _decline_for_conflict(
                assignment.reviewer, assignment.application.company, reason=reason, now=now
            )
        else:
            conflict_declare(
                reviewer=assignment.reviewer,
                company=assignment.application.company,
                reason=reason,
                actor=actor,
                application=assignment.application,
                now=now,
            )
    assignment.refresh_from_db()
    return assignment


# --- Screening and the cycle's phases ------------------------------------------------------

# The phase moves a manager makes from the cycle's page (announcing is the selection side).
HUB_PHASE_MOVES = {CyclePhase.OPEN: CyclePhase.CLOSED, CyclePhase.CLOSED: CyclePhase.REVIEW}


def cycle_advance(*, cycle: Cycle, to: str, actor) -> Cycle:
    """A manager closes the call (open → closed) or starts the review (closed → review).

    Side effects as ``programs.services.cycle_transition`` (the phase, a history row).
    """
    _require_manager(cycle, actor)
    if to not in CyclePhase.values or HUB_PHASE_MOVES.get(cycle.phase) != to:
        raise TransitionError(
            _("A cycle cannot go from “%(source)s” to “%(target)s” here.")
            % {
                "source": CyclePhase(cycle.phase).label,
                "target": CyclePhase(to).label if to in CyclePhase.values else to,
            },
            code="transition_not_allowed",
        )
    return cycle_transition(cycle=cycle, to=to, actor=actor)


def applications_screen_in(
    *, cycle: Cycle, application_ids: Iterable[int], actor, now: datetime | None = None
) -> list[Application]:
    """Mark many submitted applications of ``cycle`` eligible at once (→ under review).

    Those no longer submitted (screened meanwhile by someone else) are left as they are.
    Side effects as ``applications.services.application_screen`` for each, in one
    transaction. Returns the applications screened in.
    """
    _require_manager(cycle, actor)
    screened = []
    with transaction.atomic():
        for application in Application.objects.filter(
            cycle=cycle, pk__in=list(application_ids), status=ApplicationStatus.SUBMITTED
        ).order_by("reference"):
            screened.append(
                application_screen(application=application, actor=actor, eligible=True, now=now)
            )
    return screened


# --- Assignment ---------------------------------------------------------------------------


def _application_field(application: Application) -> str:
    from .selectors import application_field

    return application_field(application)


def assignment_propose(*, cycle: Cycle, actor, seed: int = 0) -> AssignmentProposal:
    """Propose reviewers for every application under review (``reviews.assignment``).

    The previous automatic proposal is replaced; assignments added by hand and confirmed
    ones are kept (and count in the loads). Nothing is half-done: if some application
    cannot be covered, ``AssignmentInfeasible`` is raised with every problem and the
    assignments stay exactly as they were.

    Side effects: ``Assignment`` rows in status ``proposed`` (invisible to reviewers until
    ``assignments_confirm``).
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
                    reference=application.reference,
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


def assignment_add(*, application: Application, reviewer: Reviewer, actor) -> Assignment:
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


def assignment_remove(*, assignment: Assignment, actor) -> None:
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


def assignments_confirm(*, cycle: Cycle, actor, now: datetime | None = None) -> int:
    """Confirm the cycle's proposed assignments: they become active and their reviewers
    see them (after accepting the pledge). Returns how many were confirmed.

    Refused as a whole (``AssignmentsIncomplete``, nothing confirmed) when an application
    with proposed reviewers would still lack ``reviews_per_application`` reviewers or a
    reviewer of MSS or of iPark, or has a reviewer who meanwhile declared a conflict.
    Side effects: status ``active`` and ``confirmed_at``; after commit, each reviewer is
    notified once of their new assignments, with the review due date.
    """
    _require_manager(cycle, actor)
    _require_scoring(cycle)
    from .selectors import coverage_problems

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
            touched.items(), key=lambda item: item[1][0]
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
            raise AssignmentsIncomplete(problems)
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
        references[reviewer_id].append(reference)
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


# --- Reviews ------------------------------------------------------------------------------


def _lock_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__cycle", "reviewer")
        .get(pk=assignment.pk)
    )


def _check_can_write(assignment: Assignment, actor, perm: str) -> None:
    if actor.has_perm(perm, assignment):
        return
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ReviewLocked(_("This review has been submitted and is locked."), code="review_locked")
    if assignment.application.cycle.phase not in SCORING_PHASES:
        _require_scoring(assignment.application.cycle)
    raise PermissionDenied(_("You cannot review this application."))


def _whole_number(raw: object) -> int:
    """An integer from a form's text or JSON's number; 7.5, "7.5", "seven", True refused."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueError(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(raw)
    return int(text)


def _validated_scores(
    cycle: Cycle, scores: Mapping[int, int | str | None]
) -> tuple[dict[int, int | None], dict[str, str]]:
    """The scores by criterion id, and the errors keyed ``score_<criterion id>``."""
    criteria = {criterion.pk: criterion for criterion in cycle.criteria.all()}
    values: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for key, raw in scores.items():
        try:
            criterion = criteria.get(int(key))
        except (TypeError, ValueError):
            criterion = None
        if criterion is None:
            raise ValidationError(_("Unknown criterion %(id)s.") % {"id": key}, code="criterion")
        field = f"score_{criterion.pk}"
        if raw is None or raw == "":
            values[criterion.pk] = None
            continue
        try:
            value = _whole_number(raw)
        except ValueError:
            errors[field] = _("Enter a whole number from 0 to %(max)d.") % {
                "max": criterion.max_score
            }
            continue
        if not 0 <= value <= criterion.max_score:
            errors[field] = _("The score for “%(name)s” must be from 0 to %(max)d.") % {
                "name": criterion.name,
                "max": criterion.max_score,
            }
            continue
        values[criterion.pk] = value
    return values, errors


def review_save(
    *,
    assignment: Assignment,
    actor,
    scores: Mapping[int, int | str | None],
    comment_to_applicant: str = "",
    internal_comment: str = "",
    recommendation: str = "",
) -> Review:
    """Save the reviewer's draft: what is given replaces what was there (a score of
    ``None`` clears that criterion). Partial drafts are fine; every score must lie within
    0..the criterion's maximum.

    Refused once submitted (``ReviewLocked``), outside the cycle's review time and for
    anyone but the assigned reviewer whose application opens. Bad input raises
    ``ValidationError`` keyed by field (``score_<criterion id>``, ``recommendation``) and
    saves nothing. Side effects: the ``Review`` row (created on first save) and its
    ``CriterionScore`` rows.
    """
    _check_can_write(assignment, actor, "reviews.change_review")
    cycle = assignment.application.cycle
    values, errors = _validated_scores(cycle, scores)
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation from the list.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        review, _created = Review.objects.get_or_create(assignment=locked)
        if review.status != ReviewStatus.DRAFT:
            raise ReviewLocked(
                _("This review has been submitted and is locked."), code="review_locked"
            )
        review.comment_to_applicant = comment_to_applicant.strip()
        review.internal_comment = internal_comment.strip()
        review.recommendation = recommendation
        review.save(
            update_fields=[
                "comment_to_applicant",
                "internal_comment",
                "recommendation",
                "updated_at",
            ]
        )
        cleared = [pk for pk, value in values.items() if value is None]
        review.scores.filter(criterion_id__in=cleared).delete()
        for criterion_id, value in values.items():
            if value is not None:
                CriterionScore.objects.update_or_create(
                    review=review, criterion_id=criterion_id, defaults={"score": value}
                )
    return review


def review_submit(*, assignment: Assignment, actor, now: datetime | None = None) -> Review:
    """Submit the saved draft: it is locked from then on.

    Checked: a score for every criterion of the rubric, a recommendation and a comment to
    the applicant (``ValidationError`` keyed by field, listing everything missing; the
    draft stays as it is). Side effects: status ``submitted``, ``submitted_at``, a
    ``ReviewStatusChange`` row.
    """
    _check_can_write(assignment, actor, "reviews.submit_review")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        review = Review.objects.filter(assignment=locked).first()
        if review is None:
            review = Review.objects.create(assignment=locked)
        if review.status != ReviewStatus.DRAFT:
            raise ReviewLocked(
                _("This review has been submitted and is locked."), code="review_locked"
            )
        scored = set(review.scores.values_list("criterion_id", flat=True))
        errors = {}
        for criterion in locked.application.cycle.criteria.order_by("order", "pk"):
            if criterion.pk not in scored:
                errors[f"score_{criterion.pk}"] = _("Score “%(name)s” before submitting.") % {
                    "name": criterion.name
                }
        if not review.recommendation:
            errors["recommendation"] = _("Choose a recommendation before submitting.")
        if not review.comment_to_applicant:
            errors["comment_to_applicant"] = _(
                "Write a comment to the applicant before submitting."
            )
        if errors:
            raise ValidationError(errors)
        review.submitted_at = now
        _review_transition(
            review,
            to=ReviewStatus.SUBMITTED,
            actor=actor,
            note="",
            now=now,
            fields=["submitted_at"],
        )
    return review


def review_reopen(*, review: Review, actor, reason: str, now: datetime | None = None) -> Review:
    """A manager reopens a submitted review so that its reviewer can change it.

    Refused without a reason and once the cycle is decided. Side effects: status
    ``draft`` (``submitted_at`` cleared; the scores and comments stay), a
    ``ReviewStatusChange`` row with the reason, and after commit a notification to the
    reviewer (one per reopening).
    """
    if not actor.has_perm("reviews.reopen_review", review):
        raise PermissionDenied(_("Only a manager of this program can reopen a submitted review."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the review is reopened.")})
    _require_scoring(review.assignment.application.cycle)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        locked.submitted_at = None
        _review_transition(
            locked,
            to=ReviewStatus.DRAFT,
            actor=actor,
            note=reason,
            now=now,
            fields=["submitted_at"],
        )
        _notify_reopened(locked, reason=reason, actor=actor)
    return locked


def _notify_reopened(review: Review, *, reason: str, actor) -> None:
    """The reviewer's notice of a reopened review, with the manager's reason; one per
    reopening (the event key counts them)."""
    assignment = review.assignment
    reopenings = review.history.filter(to_status=ReviewStatus.DRAFT).count()
    notify(
        kind=NotificationKind.REVIEW_REOPENED,
        target=review,
        recipients=[assignment.reviewer.user],
        actor=actor,
        event_key=f"reopen:{reopenings}",
        context={
            "reference": assignment.application.reference,
            "cycle": assignment.application.cycle,
            "reason": reason,
            "url": reverse("reviews:review", kwargs={"pk": assignment.pk}),
        },
    )


# =========================================================================================
# Selection: decisions, joint approval, announcement
# =========================================================================================


class QuotaExceeded(TransitionError):
    """Selecting these applications would put more than the cycle's quota on the list."""


@dataclass(frozen=True)
class DecisionOutcome:
    """What ``decisions_set`` did."""

    changed: list[Application]
    unchanged: list[Application]
    approvals_withdrawn: list[DecisionApproval]


def _lock_cycle(cycle: Cycle) -> Cycle:
    """Lock the cycle row: decisions, approvals and the announcement of one cycle happen
    one at a time (the quota and the approvals are read under this lock)."""
    return Cycle.objects.select_for_update(of=("self",)).select_related("program").get(pk=cycle.pk)


def decisions_set(
    *,
    cycle: Cycle,
    applications: Iterable[Application | int],
    decision: str,
    actor,
    note: str = "",
    now: datetime | None = None,
) -> DecisionOutcome:
    """Record ``decision`` for applications of ``cycle``: ``selected``, ``waitlisted``,
    ``rejected``, or ``under_review`` to take a decision back. The one way pages, the API
    and the admin decide.

    All or nothing: every application must belong to the cycle and be allowed to move
    (``applications.enums``), the cycle must be under review or decided, and selecting
    must keep the selected applications within ``cycle.selection_quota`` (else
    ``QuotaExceeded``, saying the quota and how many are selected). Once the cycle's
    results are announced, only the waitlist moves (promotion or final rejection).
    Applications already in ``decision`` are left as they are.

    Side effects, in one transaction under a lock of the cycle: for each changed
    application its status and a ``StatusChange`` row (``application_decide``); before the
    announcement, every standing approval of the cycle withdrawn with the reason (when
    anything changed); after it, the company's members notified of the new result at once.
    """
    ids = sorted({item.pk if isinstance(item, Application) else int(item) for item in applications})
    if not ids:
        raise ValidationError(_("Choose at least one application."), code="no_applications")
    if decision not in DECISIONS and decision != ApplicationStatus.UNDER_REVIEW:
        raise ValidationError(
            _("Choose selected, waitlisted, not selected or back to under review."),
            code="bad_decision",
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        _require_manager(locked, actor)
        announced = locked.phase in (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED)
        if locked.phase not in DECISION_PHASES and not announced:
            raise TransitionError(
                _("Decisions are made once the cycle is under review (it is “%(phase)s”).")
                % {"phase": CyclePhase(locked.phase).label},
                code="not_deciding",
            )
        rows = list(
            Application.objects.select_for_update(of=("self",))
            .filter(cycle=locked, pk__in=ids)
            .select_related("company")
            .order_by("reference", "pk")
        )
        if len(rows) != len(ids):
            raise ValidationError(
                _("Some of the chosen applications are not in this cycle."), code="not_in_cycle"
            )
        to_change = [row for row in rows if row.status != decision]
        _check_moves(to_change, decision, announced=announced)
        if decision == ApplicationStatus.SELECTED:
            _check_quota(locked, adding=len(to_change))
        for application in to_change:
            application.cycle = locked
            if decision == ApplicationStatus.UNDER_REVIEW:
                application_transition(
                    application=application, to=decision, actor=actor, note=note, now=now
                )
            else:
                application_decide(
                    application=application, actor=actor, decision=decision, note=note, now=now
                )
        withdrawn: list[DecisionApproval] = []
        if to_change and not announced:
            withdrawn = _approvals_withdraw(
                locked,
                reason=_("%(actor)s changed %(references)s to “%(status)s”.")
                % {
                    "actor": actor,
                    "references": ", ".join(a.reference for a in to_change),
                    "status": ApplicationStatus(decision).label,
                },
                now=now,
            )
        if to_change and announced:
            results_notify(applications=to_change, actor=actor, promotion=True)
    return DecisionOutcome(
        changed=to_change,
        unchanged=[row for row in rows if row not in to_change],
        approvals_withdrawn=withdrawn,
    )


def _check_moves(applications: list[Application], decision: str, *, announced: bool) -> None:
    """Refuse the whole request, naming every application that cannot move."""
    refused = [
        application
        for application in applications
        if decision not in APPLICATION_TRANSITIONS[application.status]
        or TRANSITION_ACTORS[(application.status, decision)] != Actor.MANAGER
        or (announced and (application.status, decision) not in AFTER_ANNOUNCEMENT)
    ]
    if not refused:
        return
    if announced:
        message = _(
            "The results have been announced: only waitlisted applications can still be "
            "selected or not selected (%(references)s cannot be changed)."
        )
    else:
        message = _("%(references)s cannot be set to “%(status)s” from their current status.")
    raise TransitionError(
        message
        % {
            "references": ", ".join(
                f"{a.reference} ({ApplicationStatus(a.status).label})" for a in refused
            ),
            "status": ApplicationStatus(decision).label,
        },
        code="transition_not_allowed",
    )


def _check_quota(cycle: Cycle, *, adding: int) -> None:
    selected = Application.objects.filter(cycle=cycle, status=ApplicationStatus.SELECTED).count()
    if selected + adding <= cycle.selection_quota:
        return
    raise QuotaExceeded(
        ngettext(
            "The quota is %(quota)d and %(selected)d are already selected: selecting "
            "%(adding)d more would exceed it.",
            "The quota is %(quota)d and %(selected)d are already selected: selecting "
            "%(adding)d more would exceed it.",
            adding,
        )
        % {"quota": cycle.selection_quota, "selected": selected, "adding": adding},
        code="quota_exceeded",
    )


def _approvals_withdraw(cycle: Cycle, *, reason: str, now: datetime) -> list[DecisionApproval]:
    standing = sorted(
        DecisionApproval.objects.select_for_update().filter(cycle=cycle, withdrawn_at__isnull=True),
        key=lambda approval: Organisation.values.index(approval.organisation),
    )
    max_length = DecisionApproval._meta.get_field("withdrawn_reason").max_length
    for approval in standing:
        approval.withdrawn_at = now
        approval.withdrawn_reason = Truncator(reason).chars(max_length)
        approval.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return standing


def _approving_manager(actor, cycle: Cycle) -> ProgramManager:
    """The actor's program-manager profile: the organisation they approve for is theirs,
    never chosen (``reviews.approve_decisions``)."""
    if actor is None or not approves_for_an_organisation(actor, cycle):
        raise PermissionDenied(
            _("Only a program manager of MSS or iPark for this program can approve decisions.")
        )
    return actor.program_manager


def decisions_approve(*, cycle: Cycle, actor, now: datetime | None = None) -> DecisionApproval:
    """Approve the cycle's decision list for the actor's organisation (MSS or iPark).

    Refused while any application is still under review or outside the deciding phases.
    Approving again while an approval of that organisation stands returns it unchanged.
    Side effect: a ``DecisionApproval`` row. Any later change to a decision withdraws it.
    """
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        manager = _approving_manager(actor, locked)
        if locked.phase not in DECISION_PHASES:
            raise TransitionError(
                _("Decisions are approved while the cycle is under review or decided."),
                code="not_deciding",
            )
        undecided = selectors.undecided_references(locked)
        if undecided:
            raise TransitionError(
                ngettext(
                    "Decide every application first: %(count)d is still under review.",
                    "Decide every application first: %(count)d are still under review.",
                    len(undecided),
                )
                % {"count": len(undecided)},
                code="undecided",
            )
        standing = DecisionApproval.objects.filter(
            cycle=locked, organisation=manager.organisation, withdrawn_at__isnull=True
        ).first()
        if standing is not None:
            return standing
        return DecisionApproval.objects.create(
            cycle=locked,
            manager=manager,
            organisation=manager.organisation,
            approved_at=now or timezone.now(),
        )


def decisions_approval_withdraw(
    *, cycle: Cycle, actor, now: datetime | None = None
) -> DecisionApproval | None:
    """Withdraw the standing approval of the actor's organisation (a manager of that
    organisation changes their mind). Returns it, or None when none stood. Refused once
    the results are announced. Side effect: ``withdrawn_at`` and the reason on the row."""
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        manager = _approving_manager(actor, locked)
        if locked.phase in (CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED):
            raise TransitionError(
                _("The results have been announced; the approvals are final."),
                code="already_announced",
            )
        approval = (
            DecisionApproval.objects.select_for_update()
            .filter(cycle=locked, organisation=manager.organisation, withdrawn_at__isnull=True)
            .first()
        )
        if approval is None:
            return None
        approval.withdrawn_at = now or timezone.now()
        approval.withdrawn_reason = Truncator(
            _("Withdrawn by %(manager)s.") % {"manager": actor}
        ).chars(DecisionApproval._meta.get_field("withdrawn_reason").max_length)
        approval.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        return approval


def cycle_announce(*, cycle: Cycle, actor, now: datetime | None = None) -> Cycle:
    """Announce the cycle's results: the decisions become visible to the applicants.

    Refused (``TransitionError``, with every reason: ``AnnouncementReadiness.problems``)
    unless every application under review has been decided and a manager of MSS and a
    manager of iPark both have an approval standing; refused when already announced, so
    announcing twice sends nothing twice. Side effects, in one transaction under a lock
    of the cycle: the phase ``review`` → ``decided`` (when still under review) →
    ``announced`` (``cycle_transition``, with history rows), and one result notification
    per decided application to each member of its company, in their language, with the
    reviewers' comments to the applicant (``results_notify``).
    """
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        _require_manager(locked, actor)
        readiness = selectors.announcement_readiness(locked)
        if not readiness.can_announce:
            code = "already_announced" if readiness.announced else "not_ready"
            raise TransitionError(
                [TransitionError(problem, code=code) for problem in readiness.problems]
            )
        if locked.phase == CyclePhase.REVIEW:
            cycle_transition(
                cycle=locked, to=CyclePhase.DECIDED, actor=actor, note="Every application decided."
            )
        cycle_transition(cycle=locked, to=CyclePhase.ANNOUNCED, actor=actor, note="")
        locked.refresh_from_db(fields=["phase", "updated_at"])
        decided = list(
            Application.objects.filter(cycle=locked, status__in=DECIDED)
            .select_related("company", "cycle__program")
            .order_by("reference")
        )
        results_notify(applications=decided, actor=actor)
    cycle.phase = locked.phase
    return locked


def results_notify(*, applications: list[Application], actor, promotion: bool = False) -> int:
    """Tell each application's company its result: one ``results_announced`` notification
    per member, in the member's language, with the reviewers' comments to the applicant
    (``selectors.comments_to_applicants``: no internal comment, no reviewer's name).

    Called inside the announcing (or promoting) transaction: the notifications are
    recorded with it and e-mailed after commit. Idempotent per application and outcome
    (event key ``result:<status>``), so repeating it sends nothing twice. Returns how many
    notifications were recorded.
    """
    if not applications:
        return 0
    comments = selectors.comments_to_applicants([a.pk for a in applications])
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(
        company_id__in={a.company_id for a in applications}, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.company_id, []).append(membership.user)
    events = []
    for application in applications:
        if application.status not in DECIDED:
            continue  # nothing to tell: no outcome
        status = ApplicationStatus(application.status)
        events.append(
            Event(
                target=application,
                recipients=members.get(application.company_id, []),
                event_key=f"result:{status.value}",
                context={
                    "status": status.value,
                    "status_label": status.label,
                    "selected": status == ApplicationStatus.SELECTED,
                    "waitlisted": status == ApplicationStatus.WAITLISTED,
                    "promotion": promotion,
                    "program": application.cycle.program,
                    "cycle": application.cycle,
                    "comments": comments.get(application.pk, []),
                },
            )
        )
    return len(notify_many(kind=NotificationKind.RESULTS_ANNOUNCED, events=events, actor=actor))
