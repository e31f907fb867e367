"""Writes of the programs domain: phase transitions and the activity log here; setting up a
call in ``setup``; the phase controls managers use in ``phases``."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import TransitionError

from ..enums import CYCLE_TRANSITIONS, ActivityKind, CyclePhase
from ..models import Cycle, CycleActivity, CyclePhaseChange


def cycle_transition(*, cycle: Cycle, to: str, actor: User, note: str = "") -> Cycle:
    """Move ``cycle`` to phase ``to``.

    Checks the transition table and the preconditions (a cycle opens only with a
    non-empty rubric of positive weights), locks the row, saves the phase and writes a
    ``CyclePhaseChange`` row, all in one transaction.
    """
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        source = locked.phase
        if to not in CYCLE_TRANSITIONS.get(source, ()):
            raise TransitionError(
                _("A cycle cannot go from “%(source)s” to “%(target)s”.")
                % {"source": CyclePhase(source).label, "target": CyclePhase(to).label},
                code="transition_not_allowed",
            )
        if to == CyclePhase.OPEN:
            _check_ready_to_open(locked)
        locked.phase = to
        locked.save(update_fields=["phase", "updated_at"])
        CyclePhaseChange.objects.create(
            cycle=locked, from_phase=source, to_phase=to, actor=actor, note=note
        )
        activity_record(
            cycle=locked,
            kind=ActivityKind.PHASE_CHANGED,
            actor=actor,
            data={"from": source, "to": to},
            note=note,
        )
    cycle.phase = locked.phase
    return locked


def _check_ready_to_open(cycle: Cycle) -> None:
    criteria = list(cycle.criteria.all())
    if not criteria:
        raise TransitionError(
            _("Add at least one rubric criterion before opening the call."), code="no_rubric"
        )
    if any(criterion.weight <= 0 for criterion in criteria):
        raise TransitionError(
            _("Every rubric criterion needs a positive weight."), code="bad_weight"
        )


def activity_record(
    *,
    cycle: Cycle,
    kind: str,
    actor: User | None,
    subject: str = "",
    data: dict[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> CycleActivity:
    """Add a line to ``cycle``'s activity log.

    Call it inside the transaction of the change it records (after taking the locks the
    change needs, so that its time orders with the change), so the log and the change
    commit or roll back together. ``data`` must be JSON-serialisable values that a page can
    render in any language (field names, old/new values, references), not sentences.
    """
    if kind not in ActivityKind.values:
        raise ValueError(f"unknown activity kind {kind!r}")
    return CycleActivity.objects.create(
        cycle=cycle,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        subject=subject,
        data=data or {},
        note=note,
        created_at=at or timezone.now(),
    )


from .catalogue import catalogue_editable_by, catalogue_texts_update  # noqa: E402
from .phases import (  # noqa: E402 — they build on the above
    PHASE_ACTIONS,
    Check,
    cycle_close,
    cycle_open,
    cycle_preflight,
    cycle_reopen,
    cycle_start_review,
    phase_actions,
)
from .questions import (  # noqa: E402
    QuestionSaved,
    call_has_submissions,
    question_delete,
    question_is_answered,
    question_retire,
    question_save,
    questions_copy,
    questions_move,
    questions_reorder,
)
from .setup import (  # noqa: E402
    CHANGEABLE_AFTER_OPENING,
    CriterionInput,
    SettingsUpdate,
    cycle_create,
    cycle_update,
    rubric_save,
    setting_label,
    setting_locks,
)

__all__ = [
    "CHANGEABLE_AFTER_OPENING",
    "PHASE_ACTIONS",
    "Check",
    "CriterionInput",
    "QuestionSaved",
    "SettingsUpdate",
    "TransitionError",
    "activity_record",
    "call_has_submissions",
    "catalogue_editable_by",
    "catalogue_texts_update",
    "cycle_close",
    "cycle_create",
    "cycle_open",
    "cycle_preflight",
    "cycle_reopen",
    "cycle_start_review",
    "cycle_transition",
    "cycle_update",
    "phase_actions",
    "question_delete",
    "question_is_answered",
    "question_retire",
    "question_save",
    "questions_copy",
    "questions_move",
    "questions_reorder",
    "rubric_save",
    "setting_label",
    "setting_locks",
]
