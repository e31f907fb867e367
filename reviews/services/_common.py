"""Helpers shared by the reviewing and the selection services: who may act, the checked
transitions of assignments and reviews, and the approvals' activity lines and withdrawal."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from applications.rules import manages_program
from common.exceptions import TransitionError
from programs.enums import ActivityKind, CyclePhase, Organisation
from programs.models import Cycle
from programs.services import activity_record

from ..enums import (
    ASSIGNMENT_TRANSITIONS,
    REVIEW_TRANSITIONS,
    SCORING_PHASES,
    AssignmentStatus,
    ReviewStatus,
)
from ..models import (
    Assignment,
    DecisionApproval,
    Review,
    Reviewer,
    ReviewStatusChange,
)


class StaleReview(TransitionError):
    """The draft was saved elsewhere (another tab or window) after the page was loaded."""


def _require_reviewer(reviewer: Reviewer, actor: User) -> None:
    if actor is None or not actor.is_authenticated or reviewer.user_id != actor.pk:
        raise PermissionDenied(_("Only the reviewer can do this."))
    if not reviewer.is_active:
        raise PermissionDenied(_("Your reviewer profile is inactive."))


def _require_manager(cycle: Cycle, actor: User) -> None:
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
    locked: Review, *, to: str, actor: User, note: str, now: datetime, fields: Iterable[str] = ()
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


def approval_activity(
    approval: DecisionApproval,
    *,
    cycle: Cycle,
    kind: str,
    actor: User | None,
    at: datetime,
    note: str = "",
) -> None:
    """The activity line of an approval given (``approval``) or withdrawn
    (``approval_withdrawn``): the organisation as subject and in the data."""
    activity_record(
        cycle=cycle,
        kind=kind,
        actor=actor,
        subject=approval.get_organisation_display(),
        data={"organisation": approval.organisation},
        note=note,
        at=at,
    )


def approvals_withdraw(
    approvals: Iterable[DecisionApproval],
    *,
    cycle: Cycle,
    reason: str,
    actor: User | None,
    now: datetime,
) -> list[DecisionApproval]:
    """Withdraw ``approvals`` (locked by the caller, inside its transaction) in the order of
    the organisations, with ``reason`` (cut to the column) on each row and as the note of
    its ``approval_withdrawn`` activity line. ``actor`` is None when the withdrawal is a
    consequence (a decision changed) rather than someone's choice. Returns them."""
    max_length = DecisionApproval.withdrawn_reason.field.max_length or 0
    withdrawn = sorted(approvals, key=lambda a: Organisation.values.index(a.organisation))
    for approval in withdrawn:
        approval.withdrawn_at = now
        approval.withdrawn_reason = Truncator(reason).chars(max_length)
        approval.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        approval_activity(
            approval,
            cycle=cycle,
            kind=ActivityKind.APPROVAL_WITHDRAWN,
            actor=actor,
            at=now,
            note=approval.withdrawn_reason,
        )
    return withdrawn
