"""The announcement's e-mails through the real thing: a Celery worker process on Redis,
sharing the PostgreSQL test database, writing e-mail into a directory read here."""

import time

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus
from common.exceptions import TransitionError
from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from notifications.services import notify
from reviews.services import cycle_announce, decisions_approve, decisions_set
from tests.factories import MembershipFactory
from tests.reviews.selection_helpers import cycle_under_review
from tests.support.mail import read_mail_dir, subject

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

S = ApplicationStatus
WAIT_SECONDS = 30


def _wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("the worker did not deliver in time")


def _wait_until_sent(expected: int) -> None:
    rows = Notification.objects.filter(
        kind=NotificationKind.RESULTS_ANNOUNCED, state=DeliveryState.SENT
    )
    _wait_until(lambda: rows.count() >= expected)


def test_announcing_twice_e_mails_each_member_once(worker, maildir, manager, ipark_manager):
    cycle, apps = cycle_under_review(manager.user, count=2, quota=1)
    MembershipFactory(company=apps[0].company)
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=[apps[1]], decision=S.REJECTED, actor=manager.user)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)

    cycle_announce(cycle=cycle, actor=manager.user)
    _wait_until_sent(3)
    with pytest.raises(TransitionError):
        cycle_announce(cycle=cycle, actor=ipark_manager.user)
    # The worker handles one task at a time, in order: once a marker queued now is sent,
    # anything the second announcement could have queued would have been sent too.
    (marker,) = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=manager.user,
        recipients=[manager.user],
        context={"requested_at": timezone.now()},
        event_key="marker",
    )
    _wait_until(lambda: Notification.objects.get(pk=marker.pk).state == DeliveryState.SENT)

    messages = [m for m in read_mail_dir(maildir) if "results are announced" in subject(m)]
    assert len(messages) == 3
    assert sorted(subject(m) for m in messages) == sorted(
        [f"[MOU Portal] {apps[0].reference}: the results are announced — Selected"] * 2
        + [f"[MOU Portal] {apps[1].reference}: the results are announced — Not selected"]
    )
    assert Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED).count() == 3
