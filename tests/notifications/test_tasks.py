import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.enums import DeliveryState
from notifications.models import Notification
from notifications.tasks import (
    deliver_notification,
    queue_deliveries,
    requeue_pending_notifications,
    send_due_reminders,
)
from tests.support.celery_worker import broker_unreachable
from tests.support.mail import SMTPSink

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db


def test_deliver_task_sends_and_reports_the_outcome(applicant, mailoutbox):
    row = notify_test_message(applicant)

    result = deliver_notification.apply_async((row.pk,))

    assert result.get() == "sent"
    assert len(mailoutbox) == 1


def test_deliver_task_with_smtp_down_schedules_its_retry_and_sends_nothing(
    applicant, smtp_settings
):
    row = notify_test_message(applicant)
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port
    result = deliver_notification.apply_async((row.pk,))

    assert result.get() == "retry"
    row.refresh_from_db()
    assert row.state == DeliveryState.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)


def test_queue_deliveries_with_the_broker_down_logs_and_leaves_rows_pending(
    applicant, other_applicant, caplog, mailoutbox
):
    rows = [notify_test_message(applicant), notify_test_message(other_applicant)]

    with broker_unreachable(), caplog.at_level(logging.ERROR, logger="notifications.tasks"):
        queued = queue_deliveries([row.pk for row in rows])

    assert queued == 0
    assert mailoutbox == []
    assert set(Notification.objects.values_list("state", flat=True)) == {"pending"}
    (record,) = caplog.records
    assert "Could not queue 2 notification(s)" in record.getMessage()
    assert "the sweep will queue them again" in record.getMessage()


def test_queue_deliveries_in_embedded_mode_delivers_at_once(applicant, mailoutbox):
    row = notify_test_message(applicant)

    assert queue_deliveries([row.pk]) == 1

    assert len(mailoutbox) == 1


def test_beat_tasks_run_the_sweep_and_the_reminders(applicant, mailoutbox):
    row = notify_test_message(applicant)
    Notification.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=3)
    )

    assert requeue_pending_notifications.apply().get() == 1
    assert send_due_reminders.apply().get() == 0

    assert len(mailoutbox) == 1


def test_beat_schedule_runs_the_sweep_every_minute_and_reminders(settings):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule["notifications.requeue_pending"] == 60
    assert schedule["notifications.send_reminders"] == 15 * 60
