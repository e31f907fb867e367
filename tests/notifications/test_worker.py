"""Delivery through the real thing: a Celery worker process on the Redis broker, sharing
the PostgreSQL test database, writing its e-mail with Django's file backend into a
directory this test reads."""

import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from notifications.services import notify
from notifications.tasks import deliver_notification, requeue_pending_notifications
from tests.factories import UserFactory
from tests.support.celery_worker import broker_unreachable, running_worker
from tests.support.mail import read_mail_dir, subject, text_part
from tests.support.services import require_postgresql, require_redis

from .conftest import notify_test_message

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 30


def wait_for_state(notification, state: str) -> Notification:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.state == state:
            return notification
        time.sleep(0.1)
    raise AssertionError(f"notification {notification.pk} is {notification.state}, not {state}")


def run_on_worker(task, *args, queue: str | None = None):
    """Run a task on the worker and wait for its return value."""
    options = {"queue": queue} if queue else {}
    return task.apply_async(args, ignore_result=False, **options).get(timeout=WAIT_SECONDS)


def marker_delivered(user) -> None:
    """Queue one more notification and wait until it is sent: the single-process worker
    has then handled everything queued before it."""
    marker = notify_test_message(user, event_key=f"marker-{time.monotonic_ns()}")
    wait_for_state(marker, DeliveryState.SENT)


def test_an_event_produces_one_email_and_one_inbox_row(worker, maildir):
    user = UserFactory(email="founder@example.com", preferred_language="ja")

    with transaction.atomic():
        notification = notify_test_message(user)

    wait_for_state(notification, DeliveryState.SENT)
    (message,) = read_mail_dir(maildir)
    assert message["To"] == "founder@example.com"
    assert subject(message) == "[MOU Portal] MOUポータルからのテストメッセージ"  # in Japanese
    assert message["Content-Language"] == "ja"
    assert message["X-MOU-Portal-Kind"] == "test_message"
    assert text_part(message) == notification.body
    assert Notification.objects.filter(recipient=user).count() == 1
    assert notification.sent_at is not None


def test_running_the_delivery_task_again_sends_nothing(worker, maildir):
    user = UserFactory()
    notification = notify_test_message(user)
    wait_for_state(notification, DeliveryState.SENT)

    outcomes = [run_on_worker(deliver_notification, notification.pk) for _ in range(2)]

    assert outcomes == ["already sent", "already sent"]
    assert len(read_mail_dir(maildir)) == 1


def test_the_same_event_twice_sends_one_email(worker, maildir):
    user = UserFactory()

    for _ in range(2):
        with transaction.atomic():
            notify(
                kind=NotificationKind.TEST_MESSAGE,
                target=user,
                recipients=[user],
                context={"requested_at": timezone.now()},
                event_key="status:submitted",
            )
    marker_delivered(user)

    assert Notification.objects.filter(event_key="status:submitted").count() == 1
    assert len(read_mail_dir(maildir)) == 2  # the event and the marker
    assert Notification.objects.get(event_key="status:submitted").state == DeliveryState.SENT


def test_a_rolled_back_action_sends_nothing(worker, maildir):
    user = UserFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        notify_test_message(user, event_key="rolled-back")
        raise RuntimeError("the action failed after notifying")
    marker_delivered(user)

    assert not Notification.objects.filter(event_key="rolled-back").exists()
    (only,) = read_mail_dir(maildir)
    assert only["Message-ID"].startswith("<notification-")
    assert Notification.objects.get().event_key.startswith("marker-")


def test_two_workers_delivering_the_same_notification_at_once_send_one_email(maildir):
    require_postgresql()
    redis_url = require_redis()
    env = {"EMAIL_URL": f"filemail:///{maildir}"}
    user = UserFactory()
    with (
        running_worker(redis_url=redis_url, extra_env=env) as first,
        running_worker(redis_url=redis_url, extra_env=env) as second,
    ):
        with broker_unreachable():
            # Written while no worker can hear of it, so both get it at the same moment.
            notification = notify_test_message(user)
        results = [
            deliver_notification.apply_async((notification.pk,), queue=queue, ignore_result=False)
            for queue in (first, second)
        ]
        outcomes = sorted(result.get(timeout=WAIT_SECONDS) for result in results)

    # The loser finds the row claimed by the winner ("not due", its next attempt is the
    # winner's lease) or already sent, depending on when it looks.
    assert outcomes[1] == "sent"
    assert outcomes[0] in {"already sent", "not due"}
    assert len(read_mail_dir(maildir)) == 1


def test_broker_down_the_action_succeeds_and_the_sweep_delivers_once(client, maildir):
    require_postgresql()
    redis_url = require_redis()
    user = UserFactory(email="new@example.com", verified=False)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True)
    key = EmailConfirmationHMAC(address).key

    # The user confirms their address (which notifies: welcome) while Redis is down.
    with broker_unreachable():
        response = client.post(reverse("account_confirm_email", args=[key]))

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified
    welcome = Notification.objects.get(recipient=user, kind=NotificationKind.WELCOME)
    assert welcome.state == DeliveryState.PENDING
    assert welcome.attempts == 0

    # A minute later the broker is back; the worker that starts sweeps (worker_ready),
    # and beat's sweep finds nothing more to queue: one e-mail.
    Notification.objects.filter(pk=welcome.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=2)
    )
    with running_worker(redis_url=redis_url, extra_env={"EMAIL_URL": f"filemail:///{maildir}"}):
        wait_for_state(welcome, DeliveryState.SENT)
        assert run_on_worker(requeue_pending_notifications) == 0

    (message,) = read_mail_dir(maildir)
    assert message["To"] == "new@example.com"
    assert subject(message) == "[MOU Portal] Welcome to the MSS–iPark MOU Portal"


def test_a_worker_that_starts_sends_what_waited_while_no_worker_and_no_beat_ran(maildir):
    """Beat is down and the broker was unreachable when the event happened: the row waits.
    A worker that starts queues it itself (``worker_ready``) and sends it."""
    require_postgresql()
    redis_url = require_redis()
    user = UserFactory()
    with broker_unreachable():
        notification = notify_test_message(user, event_key="waited")
    assert Notification.objects.get(pk=notification.pk).state == DeliveryState.PENDING

    with running_worker(redis_url=redis_url, extra_env={"EMAIL_URL": f"filemail:///{maildir}"}):
        sent = wait_for_state(notification, DeliveryState.SENT)

    assert sent.attempts == 1
    assert len(read_mail_dir(maildir)) == 1
