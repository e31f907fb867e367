"""Companies with an unsubmitted draft are reminded 3 days and 1 day before the call
closes, every member, each reminder once (``applications.reminders``)."""

from datetime import timedelta

import pytest

from notifications.models import Notification
from notifications.reminders import reminders_send
from tests.factories import MembershipFactory, draft_application, submitted_application

pytestmark = pytest.mark.django_db


def test_each_member_gets_the_3_day_and_the_1_day_reminder_once():
    draft = draft_application()
    member = MembershipFactory(company=draft.company).user
    owner = draft.company.memberships.exclude(user=member).get().user
    submitted_application(cycle=draft.cycle)
    closes = draft.cycle.closes_at

    for hours_before in (80, 71, 70.5, 60, 30, 23, 22.5, 2):
        reminders_send(now=closes - timedelta(hours=hours_before))

    rows = Notification.objects.filter(kind="draft_reminder").order_by("event_key", "recipient")
    assert [(row.target_id, row.recipient, row.event_key.split(":")[2]) for row in rows] == [
        (draft.pk, owner, "1d"),
        (draft.pk, member, "1d"),
        (draft.pk, owner, "3d"),
        (draft.pk, member, "3d"),
    ]


def test_no_reminder_once_the_call_has_closed():
    draft = draft_application()

    reminders_send(now=draft.cycle.closes_at + timedelta(minutes=1))

    assert not Notification.objects.filter(kind="draft_reminder").exists()
