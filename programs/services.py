"""Writes of the programs domain."""

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import TransitionError

from .enums import CYCLE_TRANSITIONS, CyclePhase
from .models import Cycle, CyclePhaseChange


def cycle_transition(*, cycle: Cycle, to: str, actor, note: str = "") -> Cycle:
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
