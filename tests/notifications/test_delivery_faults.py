"""Delivery against a real SMTP server that refuses, hangs, or hangs on QUIT: the row is
claimed with a conditional update, the e-mail is sent with no transaction open and no row
locked, the outcome is recorded after; one e-mail per notification."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.enums import DeliveryState
from notifications.models import Notification
from notifications.services import (
    QUIT_TIMEOUT,
    claim_lease,
    notification_deliver,
    notifications_requeue_pending,
)
from tests.support.mail import SMTPSink
from tests.support.services import require_postgresql

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db(transaction=True)


def pending_notification(user):
    """A pending, due notification that no attempt has touched yet (in a transactional
    test ``notify``'s after-commit delivery runs at once, before the test's server is up)."""
    notification = notify_test_message(user)
    Notification.objects.filter(pk=notification.pk).update(
        state=DeliveryState.PENDING, attempts=0, last_error="", next_attempt_at=timezone.now()
    )
    notification.refresh_from_db()
    return notification


def test_a_server_hanging_on_quit_costs_only_the_quit_timeout_and_the_mail_counts_as_sent(
    applicant, smtp_settings
):
    smtp_settings.EMAIL_TIMEOUT = 20
    notification = pending_notification(applicant)

    with SMTPSink(hang_on_quit=True) as sink:
        smtp_settings.EMAIL_PORT = sink.port
        started = time.monotonic()
        delivery = notification_deliver(notification_id=notification.pk)
        elapsed = time.monotonic() - started

    assert delivery.outcome == "sent"
    assert len(sink.messages) == 1
    assert elapsed < QUIT_TIMEOUT + 2
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT
    assert notification.attempts == 1


def test_a_hanging_server_is_a_failed_attempt_after_email_timeout(applicant, smtp_settings):
    smtp_settings.EMAIL_TIMEOUT = 1
    notification = pending_notification(applicant)

    with SMTPSink(hang_on_greeting=True) as sink:
        smtp_settings.EMAIL_PORT = sink.port
        started = time.monotonic()
        delivery = notification_deliver(notification_id=notification.pk)
        elapsed = time.monotonic() - started

    assert delivery.outcome == "retry"
    assert elapsed < 3
    notification.refresh_from_db()
    assert notification.state == DeliveryState.PENDING
    assert notification.attempts == 1
    assert "timed out" in notification.last_error.lower()


def test_a_refusing_server_fails_the_notification_for_good(applicant, smtp_settings):
    notification = pending_notification(applicant)

    with SMTPSink(rcpt_reply="550 No such user here") as sink:
        smtp_settings.EMAIL_PORT = sink.port
        delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "failed"
    assert Notification.objects.get(pk=notification.pk).state == DeliveryState.FAILED


def test_during_the_send_the_row_is_not_locked_and_a_second_task_sends_nothing(
    applicant, smtp_settings
):
    require_postgresql()
    notification = pending_notification(applicant)
    outcomes = []

    with SMTPSink(hold_data=True) as sink:
        smtp_settings.EMAIL_PORT = sink.port

        def deliver():
            try:
                outcomes.append(notification_deliver(notification_id=notification.pk).outcome)
            finally:
                connection.close()

        first = threading.Thread(target=deliver)
        first.start()
        assert sink.data_received.wait(10)

        # The server is holding the message: the row can be locked by anyone else at once
        # (no transaction of the sender holds it), and a duplicate task sends nothing.
        with transaction.atomic():
            locked = Notification.objects.select_for_update(nowait=True).get(pk=notification.pk)
        assert locked.state == DeliveryState.PENDING
        assert locked.next_attempt_at > timezone.now() + timedelta(minutes=1)
        assert notification_deliver(notification_id=notification.pk).outcome == "not due"
        # Nor does the sweep queue it while the lease runs.
        assert notifications_requeue_pending() == 0

        sink.release.set()
        first.join(10)

    assert outcomes == ["sent"]
    assert len(sink.messages) == 1
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT
    assert notification.attempts == 1


def test_a_worker_killed_during_the_send_leaves_the_row_for_the_sweep_after_the_lease(
    applicant, smtp_settings
):
    """The documented at-least-once window: the claim was made, the outcome never
    recorded; once the lease has passed, the sweep queues the notification again."""
    notification = pending_notification(applicant)
    now = timezone.now()
    # What a claim leaves behind when its worker dies before recording the outcome.
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=now + claim_lease(), attempts=1
    )

    assert notification_deliver(notification_id=notification.pk, now=now).outcome == "not due"
    assert notifications_requeue_pending(now=now + timedelta(minutes=2)) == 0

    # The lease has run out (a claim made that long ago).
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=now - timedelta(minutes=2)
    )
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port
        assert notifications_requeue_pending() == 1

    assert len(sink.messages) == 1  # eager mode: the re-queued delivery ran at once
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT
    assert notification.attempts == 2


def test_claim_lease_outlasts_the_slowest_attempt(settings):
    settings.EMAIL_TIMEOUT = 30
    assert claim_lease() > timedelta(seconds=5 * 30 + QUIT_TIMEOUT)
