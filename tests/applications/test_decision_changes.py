"""Decisions are staged: a manager may change them until the cycle's results are announced;
after that only the waitlist moves (``AFTER_ANNOUNCEMENT``)."""

import pytest

from applications import services
from applications.enums import (
    AFTER_ANNOUNCEMENT,
    APPLICATION_TRANSITIONS,
    DECIDED,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
)
from common.exceptions import TransitionError
from programs.enums import CyclePhase
from programs.models import Cycle
from tests.factories import submitted_application

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def test_after_announcement_only_the_waitlist_moves_and_only_by_a_manager():
    assert {(S.WAITLISTED, S.SELECTED), (S.WAITLISTED, S.REJECTED)} == AFTER_ANNOUNCEMENT
    for source, target in AFTER_ANNOUNCEMENT:
        assert target in APPLICATION_TRANSITIONS[source]
        assert TRANSITION_ACTORS[(source, target)] == Actor.MANAGER


def test_every_decision_can_be_changed_or_taken_back_before_announcement():
    for source in DECIDED:
        assert (DECIDED - {source}) | {S.UNDER_REVIEW} <= APPLICATION_TRANSITIONS[source]


def _decided(status, manager):
    application = submitted_application()
    services.application_screen(application=application, actor=manager.user, eligible=True)
    services.application_decide(application=application, actor=manager.user, decision=status)
    Cycle.objects.filter(pk=application.cycle_id).update(phase=CyclePhase.ANNOUNCED)
    application.cycle.refresh_from_db()
    return application


MANAGER_EDGES_FROM_DECISIONS = sorted(
    (source, target)
    for (source, target), actor in TRANSITION_ACTORS.items()
    if source in DECIDED and actor == Actor.MANAGER
)


@pytest.mark.parametrize(("source", "target"), MANAGER_EDGES_FROM_DECISIONS)
def test_announced_decision_changes_only_along_after_announcement(source, target, manager):
    application = _decided(source, manager)
    history = application.status_changes.count()

    if (source, target) in AFTER_ANNOUNCEMENT:
        services.application_transition(application=application, to=target, actor=manager.user)
        application.refresh_from_db()
        assert application.status == target
        assert application.status_changes.count() == history + 1
    else:
        with pytest.raises(TransitionError, match="this decision is final"):
            services.application_transition(application=application, to=target, actor=manager.user)
        application.refresh_from_db()
        assert application.status == source
        assert application.status_changes.count() == history
