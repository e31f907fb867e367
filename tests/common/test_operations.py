"""Operations (issue 13, item 6): the monitor's health endpoint, the sweep when a worker
starts, unlimited broker retries, and ``verify_documents``."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.enums import DeliveryState
from notifications.models import Notification
from notifications.tasks import sweep_on_worker_start
from tests.factories import UserFactory, complete_application, draft_application
from tests.notifications.conftest import notify_test_message
from tests.support.celery_worker import broker_unreachable

pytestmark = pytest.mark.django_db


def test_health_is_200_with_the_numbers_when_all_is_well(client):
    response = client.get("/healthz/full")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "problems": [],
        "database": "ok",
        "broker": "ok",
        "oldest_pending_notification_seconds": 0,
        "failed_notifications": 0,
    }


def test_health_is_503_past_the_pending_age_and_failed_count(client, settings):
    settings.HEALTH_MAX_PENDING_AGE = 600
    settings.HEALTH_MAX_FAILED = 0
    user = UserFactory()
    old = notify_test_message(user, event_key="old")
    Notification.objects.filter(pk=old.pk).update(
        state=DeliveryState.PENDING, created_at=timezone.now() - timedelta(minutes=20)
    )
    failed = notify_test_message(user, event_key="failed")
    Notification.objects.filter(pk=failed.pk).update(state=DeliveryState.FAILED)

    response = client.get("/healthz/full")

    assert response.status_code == 503
    body = response.json()
    assert body["oldest_pending_notification_seconds"] >= 1200
    assert body["failed_notifications"] == 1
    assert body["problems"] == ["notifications are waiting too long", "some notifications failed"]


def test_health_is_503_when_the_broker_does_not_answer(client):
    with broker_unreachable():
        response = client.get("/healthz/full")

    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert "the broker does not answer" in response.json()["problems"]


def test_a_starting_worker_queues_every_due_pending_notification(mailoutbox):
    user = UserFactory()
    notification = notify_test_message(user)  # on_commit never ran: still pending
    just_due = timezone.now() - timedelta(seconds=10)  # beat's sweep would wait a minute
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=just_due)

    sweep_on_worker_start(sender=None)

    notification.refresh_from_db()
    assert notification.state == DeliveryState.SENT
    assert len(mailoutbox) == 1


def test_the_sweep_is_connected_to_worker_ready():
    from celery.signals import worker_ready

    keys = [key for key, _receiver in worker_ready.receivers]
    assert any(key[0] == "notifications.sweep_on_start" for key in keys)


def test_broker_retries_have_no_limit():
    from mou_portal.celery import app

    assert django_settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None
    assert app.conf.broker_connection_max_retries is None


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    applications = [complete_application(draft_application()) for _ in range(2)]
    return [application.documents.order_by("pk").first() for application in applications]


def test_verify_documents_passes_when_every_file_matches(documents, capsys):
    call_command("verify_documents")

    assert f"{len(documents)} document(s) checked: 0 missing, 0 changed." in capsys.readouterr().out


def test_verify_documents_reports_missing_and_changed_files(documents, capsys):
    first, second = documents[:2]
    first.file.storage.delete(first.file.name)
    with second.file.storage.open(second.file.name, "wb") as file:
        file.write(b"%PDF-1.4 tampered")

    with pytest.raises(CommandError, match="1 missing, 1 changed"):
        call_command("verify_documents")

    out = capsys.readouterr().out
    assert f"MISSING  document {first.pk}" in out
    assert f"CHANGED  document {second.pk}" in out
