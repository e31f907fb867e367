import pytest

from notifications.enums import DeliveryState
from notifications.models import Notification

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(admin)
    return client


def test_outbox_is_listed_read_only(admin_client, applicant):
    row = notify_test_message(applicant)

    listing = admin_client.get("/admin/notifications/notification/")
    detail = admin_client.get(f"/admin/notifications/notification/{row.pk}/change/")

    assert listing.status_code == 200
    assert row.subject in listing.content.decode()
    assert row.subject == "MOU 포털 테스트 메시지"  # stored as the applicant reads it
    assert detail.status_code == 200
    assert b'name="subject"' not in detail.content
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403


def test_retry_action_queues_failed_emails_again(
    admin_client, applicant, other_applicant, mailoutbox, django_capture_on_commit_callbacks
):
    failed = notify_test_message(applicant)
    pending = notify_test_message(other_applicant)
    Notification.objects.filter(pk=failed.pk).update(state=DeliveryState.FAILED, attempts=8)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/notification/",
            {"action": "retry_delivery", "_selected_action": [failed.pk, pending.pk]},
            follow=True,
        )

    assert "1 failed e-mail is queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == DeliveryState.SENT
    assert [m.to for m in mailoutbox] == [["applicant@example.com"]]
