from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from notifications.services import (
    KEY_BATCH,
    MAX_ATTEMPTS,
    Event,
    backoff_seconds,
    notification_deliver,
    notification_mark_read,
    notification_retry,
    notifications_mark_all_read,
    notifications_requeue_pending,
    notify,
    notify_many,
)
from programs.enums import Track
from tests.factories import UserFactory, open_cycle, program_for
from tests.support.mail import SMTPSink, subject

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db


# --- notify -----------------------------------------------------------------------------


def test_notify_writes_one_row_per_recipient_with_its_rendering(applicant, other_applicant):
    cycle = open_cycle(program=program_for(Track.JOINT_RND), name="2027 Round 1")

    created = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=cycle,
        recipients=[applicant, other_applicant],
        context={"requested_at": timezone.now()},
        event_key="check",
        actor=other_applicant,
    )

    assert [n.recipient for n in created] == [applicant, other_applicant]
    rows = Notification.objects.order_by("recipient__email")
    assert [(n.recipient.email, n.language) for n in rows] == [
        ("applicant@example.com", "ko"),
        ("other@example.com", "en"),
    ]
    first = rows[0]
    assert first.kind == "test_message"
    assert first.target == cycle
    assert first.actor == other_applicant
    assert first.event_key == "check"
    assert first.state == DeliveryState.PENDING
    assert first.read_at is None and first.sent_at is None
    # The applicant reads Korean: subject and greeting are in Korean.
    assert first.subject == "MOU 포털 테스트 메시지"
    assert first.body.startswith("Applicant 님, 안녕하십니까.\n")
    assert '<html lang="ko">' in first.body_html
    second = rows[1]
    assert second.subject == "Test message from the MOU Portal"
    assert second.body.startswith("Hello Other applicant,\n")
    assert first.idempotency_key == f"test_message:programs.cycle:{cycle.pk}:check:{applicant.pk}"
    # Cycles have a public page: that is where the notification leads.
    assert first.link == cycle.get_absolute_url()


def test_notify_collapses_duplicate_recipients_and_skips_inactive_ones(applicant):
    inactive = UserFactory(is_active=False)

    created = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=applicant,
        recipients=[applicant, inactive, applicant],
        context={"requested_at": timezone.now()},
    )

    assert [n.recipient for n in created] == [applicant]
    assert Notification.objects.count() == 1


def test_notify_accepts_a_single_user_or_a_queryset(applicant):
    from accounts.models import User

    one = notify(kind="test_message", target=applicant, recipients=applicant, event_key="a")
    many = notify(
        kind="test_message",
        target=applicant,
        recipients=User.objects.filter(pk=applicant.pk),
        event_key="b",
    )

    assert len(one) == len(many) == 1


def test_notify_same_event_twice_creates_nothing_new(applicant):
    first = notify_test_message(applicant, event_key="same")

    again = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=applicant,
        recipients=[applicant],
        context={"requested_at": timezone.now()},
        event_key="same",
    )

    assert again == []
    assert list(Notification.objects.all()) == [first]


def test_notify_distinct_event_keys_are_distinct_events(applicant):
    notify_test_message(applicant, event_key="status:submitted")
    notify_test_message(applicant, event_key="status:ineligible")

    assert Notification.objects.count() == 2


def test_notify_refuses_an_unknown_kind(applicant):
    with pytest.raises(ValueError):
        notify(kind="no_such_kind", target=applicant, recipients=[applicant])

    assert not Notification.objects.exists()


def test_notify_refuses_an_unsaved_target(applicant):
    with pytest.raises(ValueError):
        notify(kind="welcome", target=UserFactory.build(), recipients=[applicant])


def test_notify_refuses_an_overlong_event_key(applicant):
    with pytest.raises(ValueError):
        notify(kind="welcome", target=applicant, recipients=[applicant], event_key="x" * 101)


def test_notify_url_in_context_is_stored_and_made_absolute_for_templates(settings, applicant):
    settings.SITE_URL = "https://portal.example.org"

    notification = notify_test_message(applicant)

    assert notification.link == "/inbox/"
    assert "https://portal.example.org/inbox/" in notification.body
    assert 'href="https://portal.example.org/inbox/"' in notification.body_html


def test_notify_queues_delivery_only_after_commit(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notification = notify_test_message(applicant)
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT


def test_notify_in_a_rolled_back_transaction_leaves_nothing(
    applicant, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_test_message(applicant)
        raise RuntimeError("the action failed")

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def _test_events(users, *, event_key="batch"):
    return [
        Event(
            target=user,
            recipients=[user],
            context={"requested_at": timezone.now(), "url": "/inbox/"},
            event_key=event_key,
        )
        for user in users
    ]


def test_notify_many_writes_the_rows_notify_would_in_the_order_of_the_events(
    applicant, other_applicant
):
    created = notify_many(
        kind=NotificationKind.TEST_MESSAGE,
        events=_test_events([other_applicant, applicant]),
        actor=applicant,
    )

    assert [n.recipient for n in created] == [other_applicant, applicant]
    korean = Notification.objects.get(recipient=applicant)
    assert korean.language == "ko" and korean.subject == "MOU 포털 테스트 메시지"
    assert korean.target == applicant and korean.actor == applicant
    assert korean.event_key == "batch" and korean.link == "/inbox/"
    assert Notification.objects.get(recipient=other_applicant).language == "en"


def test_notify_many_is_idempotent_across_calls_and_within_one(applicant, other_applicant):
    notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events([applicant]))

    again = notify_many(
        kind=NotificationKind.TEST_MESSAGE,
        events=_test_events([applicant, other_applicant, other_applicant]),
    )

    assert [n.recipient for n in again] == [other_applicant]  # the new one, once
    assert Notification.objects.filter(recipient=applicant).count() == 1
    assert Notification.objects.filter(recipient=other_applicant).count() == 1


def test_notify_many_validates_every_event_before_writing(applicant):
    events = [*_test_events([applicant]), *_test_events([applicant], event_key="x" * 101)]

    with pytest.raises(ValueError):
        notify_many(kind=NotificationKind.TEST_MESSAGE, events=events)

    assert not Notification.objects.exists()


def test_notify_many_queues_one_delivery_callback_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    users = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events(users))
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(u.email for u in users)


def test_notify_many_query_count_does_not_grow_with_the_events(
    django_capture_on_commit_callbacks,
):
    """An announcement to a whole cycle must not cost a few queries per applicant."""
    few, many = UserFactory.create_batch(3), UserFactory.create_batch(40)
    with django_capture_on_commit_callbacks(execute=False):
        with CaptureQueriesContext(connection) as small:
            notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events(few))
        with CaptureQueriesContext(connection) as large:
            notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events(many))

    assert len(large) == len(small)
    assert Notification.objects.count() == 43


def test_notify_many_splits_its_queries_in_batches(monkeypatch):
    """More recipients than one batch of keys: every row written, none twice."""
    monkeypatch.setattr("notifications.services.KEY_BATCH", 4)
    users = UserFactory.create_batch(10)

    first = notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events(users))
    second = notify_many(kind=NotificationKind.TEST_MESSAGE, events=_test_events(users))

    assert [n.recipient for n in first] == users
    assert second == []
    assert Notification.objects.count() == 10
    assert KEY_BATCH >= 100  # the real batch keeps well under every backend's limit


# --- delivery ---------------------------------------------------------------------------


def test_deliver_sends_one_email_and_marks_it_sent(applicant, mailoutbox):
    notification = notify_test_message(applicant)

    delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "sent"
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    (message,) = mailoutbox
    assert message.to == ["applicant@example.com"]
    assert message.subject == "[MOU Portal] MOU 포털 테스트 메시지"  # the applicant reads Korean
    assert message.body == notification.body
    assert message.alternatives[0].content == notification.body_html
    assert message.extra_headers["Content-Language"] == "ko"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_deliver_twice_sends_once(applicant, mailoutbox):
    notification = notify_test_message(applicant)

    notification_deliver(notification_id=notification.pk)
    second = notification_deliver(notification_id=notification.pk)

    assert second.outcome == "already sent"
    assert len(mailoutbox) == 1


def test_deliver_a_missing_notification_does_nothing(mailoutbox):
    assert notification_deliver(notification_id=987654).outcome == "missing"
    assert mailoutbox == []


def test_deliver_before_a_scheduled_retry_is_due_does_nothing(applicant, mailoutbox):
    notification = notify_test_message(applicant)
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=2)
    )

    delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "not due"
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.state == DeliveryState.PENDING


def test_deliver_non_essential_to_an_opted_out_user_keeps_it_in_the_inbox_only(mailoutbox):
    user = UserFactory(email_opt_out=True)
    (notification,) = notify(kind=NotificationKind.WELCOME, target=user, recipients=[user])

    delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "skipped"
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.state == DeliveryState.SKIPPED
    assert notification.sent_at is None


def test_deliver_essential_to_an_opted_out_user_is_still_emailed(mailoutbox):
    user = UserFactory(email_opt_out=True)
    notification = notify_test_message(user)

    delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "sent"
    assert len(mailoutbox) == 1


def test_deliver_to_a_user_deactivated_since_the_event_is_skipped(applicant, mailoutbox):
    notification = notify_test_message(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])

    assert notification_deliver(notification_id=notification.pk).outcome == "skipped"
    assert mailoutbox == []


def test_deliver_through_smtp_reaches_the_server(applicant, smtp_settings):
    notification = notify_test_message(applicant)

    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port
        delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "sent"
    (message,) = sink.messages
    assert message["To"] == "applicant@example.com"
    assert subject(message) == "[MOU Portal] MOU 포털 테스트 메시지"  # the applicant reads Korean


def test_deliver_with_the_smtp_server_down_schedules_a_retry(applicant, smtp_settings):
    notification = notify_test_message(applicant)
    with SMTPSink() as sink:
        port = sink.port
    smtp_settings.EMAIL_PORT = port  # the sink is gone: connection refused
    now = timezone.now()

    delivery = notification_deliver(notification_id=notification.pk, now=now)

    assert delivery.outcome == "retry"
    assert delivery.retry_in == 60
    notification.refresh_from_db()
    assert notification.state == DeliveryState.PENDING
    assert notification.attempts == 1
    assert notification.next_attempt_at == now + timedelta(seconds=60)
    assert notification.last_error.startswith("ConnectionRefusedError")


def test_deliver_greylisted_recipient_is_retried(applicant, smtp_settings):
    notification = notify_test_message(applicant)

    with SMTPSink(rcpt_reply="450 Greylisted, try again later") as sink:
        smtp_settings.EMAIL_PORT = sink.port
        delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "retry"
    assert sink.messages == []


def test_deliver_refused_recipient_fails_for_good(applicant, smtp_settings):
    notification = notify_test_message(applicant)

    with SMTPSink(rcpt_reply="550 No such user here") as sink:
        smtp_settings.EMAIL_PORT = sink.port
        delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "failed"
    notification.refresh_from_db()
    assert notification.state == DeliveryState.FAILED
    assert notification.attempts == 1
    assert "No such user here" in notification.last_error


def test_deliver_gives_up_after_the_last_attempt(applicant, smtp_settings):
    notification = notify_test_message(applicant)
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
    with SMTPSink(rcpt_reply="451 Local error") as sink:
        smtp_settings.EMAIL_PORT = sink.port

        delivery = notification_deliver(notification_id=notification.pk)

    assert delivery.outcome == "failed"
    notification.refresh_from_db()
    assert notification.state == DeliveryState.FAILED
    assert notification.attempts == MAX_ATTEMPTS


def test_backoff_doubles_from_a_minute_up_to_half_an_hour():
    assert [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS)] == [
        60,
        120,
        240,
        480,
        960,
        1800,
        1800,
    ]


# --- the sweep and the operator's retry ---------------------------------------------------


def test_requeue_pending_delivers_overdue_rows_only(
    applicant, other_applicant, mailoutbox, django_capture_on_commit_callbacks
):
    overdue = notify_test_message(applicant, event_key="old")
    fresh = notify_test_message(other_applicant, event_key="new")
    now = timezone.now()
    Notification.objects.filter(pk=overdue.pk).update(next_attempt_at=now - timedelta(minutes=2))

    queued = notifications_requeue_pending(now=now)

    assert queued == 1
    assert [m.to for m in mailoutbox] == [["applicant@example.com"]]
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.state == DeliveryState.SENT
    assert fresh.state == DeliveryState.PENDING


def test_requeue_pending_leaves_sent_failed_and_waiting_rows_alone(applicant, mailoutbox):
    now = timezone.now()
    for state in (DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.SKIPPED):
        row = notify_test_message(applicant, event_key=state)
        Notification.objects.filter(pk=row.pk).update(
            state=state, next_attempt_at=now - timedelta(hours=1)
        )
    waiting = notify_test_message(applicant, event_key="waiting")
    Notification.objects.filter(pk=waiting.pk).update(next_attempt_at=now + timedelta(minutes=5))

    assert notifications_requeue_pending(now=now) == 0
    assert mailoutbox == []


def test_requeue_pending_restarts_the_clock_of_what_it_queues(applicant):
    from tests.support.celery_worker import broker_unreachable

    row = notify_test_message(applicant)
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=now - timedelta(minutes=5))

    with broker_unreachable():
        queued = notifications_requeue_pending(now=now)

    assert queued == 0
    row.refresh_from_db()
    assert row.state == DeliveryState.PENDING
    # Picked up again a minute later, not on every run of the sweep meanwhile.
    assert row.next_attempt_at == now
    assert notifications_requeue_pending(now=now + timedelta(seconds=30)) == 0


def test_retry_puts_a_failed_email_back_in_the_queue(
    applicant, operator, mailoutbox, django_capture_on_commit_callbacks
):
    row = notify_test_message(applicant)
    Notification.objects.filter(pk=row.pk).update(
        state=DeliveryState.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTPAuthenticationError"
    )

    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=row, actor=operator)

    row.refresh_from_db()
    assert row.state == DeliveryState.SENT
    assert row.attempts == 1
    assert row.last_error == ""
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("who", ["applicant", "manager", "staff"])
def test_retry_is_for_site_operators_only(applicant, manager, who):
    row = notify_test_message(applicant)
    Notification.objects.filter(pk=row.pk).update(state=DeliveryState.FAILED)
    actor = {"applicant": applicant, "manager": manager.user, "staff": UserFactory(is_staff=True)}

    with pytest.raises(PermissionDenied):
        notification_retry(notification=row, actor=actor[who])
    row.refresh_from_db()
    assert row.state == DeliveryState.FAILED


def test_retry_refuses_a_sent_email(applicant, operator):
    row = notify_test_message(applicant)
    notification_deliver(notification_id=row.pk)

    with pytest.raises(ValueError):
        notification_retry(notification=row, actor=operator)


# --- the inbox ------------------------------------------------------------------------


def test_mark_read_sets_read_at_once(applicant):
    row = notify_test_message(applicant)

    first = notification_mark_read(notification=row, actor=applicant).read_at
    second = notification_mark_read(notification=row, actor=applicant).read_at

    assert first is not None
    assert second == first


def test_mark_read_refuses_someone_elses(applicant, other_applicant):
    row = notify_test_message(applicant)

    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=row, actor=other_applicant)

    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_touches_only_the_actors_unread(applicant, other_applicant):
    mine = [notify_test_message(applicant, event_key=str(n)) for n in range(3)]
    notification_mark_read(notification=mine[0], actor=applicant)
    theirs = notify_test_message(other_applicant)

    marked = notifications_mark_all_read(actor=applicant)

    assert marked == 2
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
