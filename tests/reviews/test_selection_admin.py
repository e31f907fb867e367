"""The admin decides through the selection service and cannot announce by a bare phase
change."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from applications.enums import ApplicationStatus
from programs.admin import CycleAdmin
from programs.enums import CyclePhase
from tests.factories import UserFactory
from tests.reviews.selection_helpers import cycle_under_review, statuses

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _act(admin_client, action, applications):
    return admin_client.post(
        reverse("admin:applications_application_changelist"),
        {"action": action, "_selected_action": [a.pk for a in applications]},
        follow=True,
    )


def test_admin_decision_respects_the_quota(admin_client, manager):
    _cycle, apps = cycle_under_review(manager.user, count=2, quota=1)

    response = _act(admin_client, "decide_selected", apps[:1])
    response = _act(admin_client, "decide_selected", apps[1:])

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert statuses(apps) == [S.SELECTED, S.UNDER_REVIEW]
    assert any("The quota is 1 and 1 are already selected" in text for text in texts)


def test_admin_decision_outside_review_is_refused(admin_client, manager):
    cycle, apps = cycle_under_review(manager.user, count=1)
    type(cycle).objects.filter(pk=cycle.pk).update(phase=CyclePhase.CLOSED)

    _act(admin_client, "decide_rejected", apps)

    assert statuses(apps) == [S.UNDER_REVIEW]


def test_admin_offers_no_bare_move_to_announced():
    names = {action.__name__ for action in CycleAdmin.actions}

    assert "move_to_announced" not in names
    assert {"move_to_review", "move_to_decided", "move_to_archived"} <= names
