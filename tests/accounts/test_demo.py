from io import StringIO

import pytest
from django.core.management import call_command

from notifications.enums import NotificationKind
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_accounts_have_their_welcome_once(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    welcomes = Notification.objects.filter(kind=NotificationKind.WELCOME)
    assert sorted(welcomes.values_list("recipient__email", flat=True)) == [
        "admin@demo.mou-portal.example",
        "applicant@demo.mou-portal.example",
    ]
    # The demo companies' receipts go out too (once each, see the applications seed test).
    assert sorted(
        m.to[0]
        for m in mailoutbox
        if m.extra_headers["X-MOU-Portal-Kind"] == NotificationKind.WELCOME
    ) == [
        "admin@demo.mou-portal.example",
        "applicant@demo.mou-portal.example",
    ]
