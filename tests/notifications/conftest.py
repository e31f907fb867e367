from datetime import datetime

import pytest
from django.utils import timezone

from notifications.enums import NotificationKind
from notifications.services import notify


def notify_test_message(user, *, event_key: str = "e1", when: datetime | None = None, **kwargs):
    """The operator's test message, an essential kind every deployment has."""
    (notification,) = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=user,
        recipients=[user],
        context={"requested_at": when or timezone.now(), "url": "/inbox/"},
        event_key=event_key,
        **kwargs,
    )
    return notification


@pytest.fixture
def smtp_settings(settings):
    """Point Django's SMTP backend at a local port; the test sets ``EMAIL_PORT``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return settings
