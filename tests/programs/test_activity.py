import pytest
from django.db import transaction

from programs.enums import ActivityKind, CyclePhase
from programs.models import CycleActivity
from programs.services import activity_record, cycle_transition
from tests.factories import CriterionFactory, CycleFactory

pytestmark = pytest.mark.django_db


def test_cycle_transition_writes_an_activity_line(manager):
    cycle = CycleFactory()
    CriterionFactory(cycle=cycle)

    cycle_transition(cycle=cycle, to=CyclePhase.OPEN, actor=manager.user, note="on time")

    line = CycleActivity.objects.get(cycle=cycle)
    assert (line.kind, line.actor, line.data, line.note) == (
        ActivityKind.PHASE_CHANGED,
        manager.user,
        {"from": CyclePhase.DRAFT, "to": CyclePhase.OPEN},
        "on time",
    )


def test_activity_record_rolls_back_with_the_change(manager):
    cycle = CycleFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        activity_record(
            cycle=cycle,
            kind=ActivityKind.SETTING_CHANGED,
            actor=manager.user,
            data={"field": "selection_quota", "old": 5, "new": 6},
        )
        raise RuntimeError("the change failed")

    assert not CycleActivity.objects.filter(cycle=cycle).exists()


def test_activity_record_refuses_an_unknown_kind(manager):
    with pytest.raises(ValueError, match="unknown activity kind"):
        activity_record(cycle=CycleFactory(), kind="typo", actor=manager.user)


def test_activity_lines_are_newest_first(manager):
    cycle = CycleFactory()
    first = activity_record(cycle=cycle, kind=ActivityKind.APPROVAL, actor=manager.user)
    second = activity_record(cycle=cycle, kind=ActivityKind.ANNOUNCEMENT, actor=None)

    assert list(cycle.activity.all()) == [second, first]
    assert second.actor is None
