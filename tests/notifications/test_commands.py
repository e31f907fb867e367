from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from tests.factories import UserFactory
from tests.support.celery_worker import broker_unreachable

pytestmark = pytest.mark.django_db(transaction=True)


def test_send_test_notification_emails_the_user_and_reports_it(mailoutbox):
    UserFactory(email="ops@example.com", preferred_language="ja")
    out = StringIO()

    call_command("send_test_notification", "--to", "OPS@example.com", stdout=out)

    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.TEST_MESSAGE
    assert notification.state == DeliveryState.SENT
    assert notification.language == "ja"
    (message,) = mailoutbox
    assert message.to == ["ops@example.com"]
    printed = out.getvalue()
    assert f"Notification #{notification.pk} for ops@example.com (language ja)" in printed
    assert "E-mailed at " in printed


def test_send_test_notification_twice_sends_two_messages(mailoutbox):
    UserFactory(email="ops@example.com")

    call_command("send_test_notification", "--to", "ops@example.com", stdout=StringIO())
    call_command("send_test_notification", "--to", "ops@example.com", stdout=StringIO())

    assert Notification.objects.count() == 2
    assert len(mailoutbox) == 2


def test_send_test_notification_reaches_an_opted_out_user(mailoutbox):
    UserFactory(email="ops@example.com", email_opt_out=True)

    call_command("send_test_notification", "--to", "ops@example.com", stdout=StringIO())

    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("email", "active", "message"),
    [
        ("nobody@example.com", True, "No user has the e-mail address"),
        ("gone@example.com", False, "is deactivated"),
    ],
)
def test_send_test_notification_refuses_unknown_or_inactive_users(email, active, message):
    UserFactory(email="gone@example.com", is_active=active)

    with pytest.raises(CommandError, match=message):
        call_command("send_test_notification", "--to", email, stdout=StringIO())


def test_send_test_notification_says_when_no_worker_delivers():
    UserFactory(email="ops@example.com")

    with broker_unreachable(), pytest.raises(CommandError, match=r"Still pending after 0\.5 s"):
        call_command(
            "send_test_notification", "--to", "ops@example.com", "--wait", "0.5", stdout=StringIO()
        )

    assert Notification.objects.get().state == DeliveryState.PENDING
