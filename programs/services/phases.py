"""The phase controls managers use, each stating its consequences on a confirmation page:
open (after a pre-flight checklist), close early, reopen, start the review."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from .. import signals
from ..enums import ActivityKind, CyclePhase, Track
from ..models import Cycle
from . import TransitionError, activity_record, cycle_transition
from .setup import (
    _deadline_changed,
    _jsonable,
    _require_call_manager,
    setting_locks,
    translated,
)


@dataclass(frozen=True)
class Check:
    """A line of the pre-flight checklist of opening a call."""

    label: str
    ok: bool
    detail: str = ""
    blocking: bool = True


# =========================================================================================
# Phase controls
# =========================================================================================


def cycle_preflight(cycle: Cycle, now: datetime | None = None) -> list[Check]:
    """The checklist shown before opening ``cycle`` (blocking lines must all pass):
    rubric complete, documents set, dates ordered and in the future, the track's offered
    items, and what other apps add (the reviewer pool, ``signals.preflight_checks``)."""
    now = now or timezone.now()
    criteria = list(cycle.criteria.all())
    names_complete = all(
        (getattr(criterion, name) or "").strip()
        for criterion in criteria
        for name in translated("name")
    )
    checks = [
        Check(
            _("Rubric complete"),
            bool(criteria) and names_complete and all(c.weight > 0 for c in criteria),
            _(
                "At least one criterion, each named in English, Korean and Japanese, "
                "with a positive weight."
            ),
        ),
        Check(
            _("Documents set"),
            bool(cycle.required_document_kinds),
            _("At least one required document."),
        ),
        Check(
            _("Dates in order and in the future"),
            cycle.opens_at < cycle.closes_at < cycle.review_due_at < cycle.announce_at
            and now < cycle.closes_at,
            _(
                "Opens, closes, reviews due and announcement in this order; "
                "the call closes after now."
            ),
        ),
        Check(
            _("Name in English, Korean and Japanese"),
            all((getattr(cycle, name) or "").strip() for name in translated("name")),
            blocking=False,
        ),
    ]
    if cycle.program.track == Track.JOINT_RND:
        checks.append(
            Check(_("Technologies offered"), cycle.technologies.exists(), _("At least one."))
        )
    if cycle.program.track == Track.OPEN_INNOVATION:
        checks.append(Check(_("Challenges offered"), cycle.challenges.exists(), _("At least one.")))
    for _receiver, response in signals.preflight_checks.send(sender=Cycle, cycle=cycle):
        checks.extend(response or [])  # type: ignore[arg-type]
    return checks


def cycle_open(*, cycle: Cycle, actor: User, now: datetime | None = None) -> Cycle:
    """Open a draft call once every blocking line of ``cycle_preflight`` passes. Side
    effects as ``cycle_transition``."""
    _require_call_manager(cycle.program_id, actor)
    failing = [check for check in cycle_preflight(cycle, now) if check.blocking and not check.ok]
    if failing:
        raise TransitionError(
            [_("Not ready to open: %(check)s.") % {"check": check.label} for check in failing],
            code="not_ready",
        )
    return cycle_transition(cycle=cycle, to=CyclePhase.OPEN, actor=actor)


def cycle_close(*, cycle: Cycle, actor: User, now: datetime | None = None) -> tuple[Cycle, int]:
    """Close an open call now. Closed before its published closing date, the closing date
    becomes now (recorded) and the companies with drafts are told (``deadline_changed``
    with ``early``). Returns the cycle and how many people were notified."""
    _require_call_manager(cycle.program_id, actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = cycle_transition(cycle=cycle, to=CyclePhase.CLOSED, actor=actor)
        notified = 0
        if locked.opens_at < now < locked.closes_at:
            old = locked.closes_at
            locked.closes_at = now
            locked.save(update_fields=["closes_at", "updated_at"])
            activity_record(
                cycle=locked,
                kind=ActivityKind.SETTING_CHANGED,
                actor=actor,
                subject="closes_at",
                data={"field": "closes_at", "old": _jsonable(old), "new": _jsonable(now)},
            )
            notified = _deadline_changed(locked, old, now, actor, early=True)
    cycle.refresh_from_db()
    return cycle, notified


def cycle_reopen(
    *, cycle: Cycle, actor: User, closes_at: datetime, now: datetime | None = None
) -> Cycle:
    """Reopen a closed call until ``closes_at`` (in the future, before reviews are due),
    only before screening started (other apps say so through ``setting_locks``'s
    ``"reopen"``). Side effects: the phase, the closing date, activity lines."""
    _require_call_manager(cycle.program_id, actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.phase != CyclePhase.CLOSED:
            raise TransitionError(
                _("Only a closed call can be reopened."), code="transition_not_allowed"
            )
        locks = setting_locks(locked)
        if "reopen" in locks:
            raise TransitionError(locks["reopen"], code="screening_started")
        if not now < closes_at < locked.review_due_at:
            raise ValidationError(
                {
                    "closes_at": _(
                        "The new closing date must be in the future and before reviews are due."
                    )
                }
            )
        old = locked.closes_at
        locked.closes_at = closes_at
        locked.save(update_fields=["closes_at", "updated_at"])
        cycle_transition(cycle=locked, to=CyclePhase.OPEN, actor=actor)
        activity_record(
            cycle=locked,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="closes_at",
            data={"field": "closes_at", "old": _jsonable(old), "new": _jsonable(closes_at)},
        )
        _deadline_changed(locked, old, closes_at, actor, early=False)
    cycle.refresh_from_db()
    return cycle


def cycle_start_review(*, cycle: Cycle, actor: User) -> Cycle:
    """Closed → review: screening and assignment begin. Side effects as
    ``cycle_transition``."""
    _require_call_manager(cycle.program_id, actor)
    return cycle_transition(cycle=cycle, to=CyclePhase.REVIEW, actor=actor)


# The phase controls of the set-up page: action → (the phase it starts from, its label).
PHASE_ACTIONS: dict[str, tuple[str, Any]] = {
    "open": (CyclePhase.DRAFT, gettext_lazy("Open the call")),
    "extend": (CyclePhase.OPEN, gettext_lazy("Extend the deadline")),
    "close": (CyclePhase.OPEN, gettext_lazy("Close the call now")),
    "reopen": (CyclePhase.CLOSED, gettext_lazy("Reopen the call")),
    "start-review": (CyclePhase.CLOSED, gettext_lazy("Start the review")),
}


def phase_actions(cycle: Cycle) -> list[tuple[str, Any]]:
    """The phase controls available in ``cycle``'s phase: (action, label)."""
    return [
        (action, label)
        for action, (source, label) in PHASE_ACTIONS.items()
        if source == cycle.phase
    ]
