import pytest

from common.exceptions import TransitionError
from programs.enums import CYCLE_TRANSITIONS, CyclePhase
from programs.models import Cycle, CyclePhaseChange
from programs.services import cycle_transition
from tests.factories import CriterionFactory, CycleFactory

pytestmark = pytest.mark.django_db


def _cycle_in(phase):
    cycle = CycleFactory()
    CriterionFactory(cycle=cycle)
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


ALL_PAIRS = [(source, target) for source in CyclePhase for target in CyclePhase]


@pytest.mark.parametrize(("source", "target"), ALL_PAIRS)
def test_cycle_transition_follows_the_table(source, target, manager):
    cycle = _cycle_in(source)

    if target in CYCLE_TRANSITIONS[source]:
        cycle_transition(cycle=cycle, to=target, actor=manager.user, note="why")
        cycle.refresh_from_db()
        assert cycle.phase == target
        change = CyclePhaseChange.objects.get(cycle=cycle)
        assert (change.from_phase, change.to_phase, change.actor, change.note) == (
            source,
            target,
            manager.user,
            "why",
        )
    else:
        with pytest.raises(TransitionError):
            cycle_transition(cycle=cycle, to=target, actor=manager.user)
        cycle.refresh_from_db()
        assert cycle.phase == source
        assert not CyclePhaseChange.objects.filter(cycle=cycle).exists()


def test_cycle_cannot_open_without_a_rubric(manager):
    cycle = CycleFactory()

    with pytest.raises(TransitionError) as error:
        cycle_transition(cycle=cycle, to=CyclePhase.OPEN, actor=manager.user)

    assert error.value.code == "no_rubric"
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.DRAFT
