"""E-mails to an address through the outbox (issue 13, items 2 and 3): sign-up
verification, password reset and team invitations are recorded as notifications and
delivered by the worker, so an SMTP server that refuses or hangs never makes the request
fail or wait, and the e-mail is retried until it goes out."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.models import User
from applications import services as application_services
from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from notifications.services import notification_deliver
from tests.factories import CompanyFactory
from tests.factories.accounts import PASSWORD
from tests.support.celery_worker import broker_unreachable
from tests.support.mail import SMTPSink, subject, text_part

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = "/accounts/signup/"
RESET = "/accounts/password/reset/"


def _signup(client, email="founder@example.com"):
    return client.post(
        SIGNUP,
        {
            "email": email,
            "display_name": "Kim Min-ji",
            "preferred_language": "en",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def _account_emails(address):
    return Notification.objects.filter(kind=NotificationKind.ACCOUNT_EMAIL, email=address)


def test_signup_with_the_smtp_server_down_succeeds_and_the_email_waits_in_the_outbox(
    client, smtp_settings
):
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port  # then gone: connection refused

    response = _signup(client)  # eager mode: the delivery is tried at once, and fails

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    (row,) = _account_emails("founder@example.com")
    assert row.recipient is None  # a verification link never sits in an inbox
    assert row.state == DeliveryState.PENDING
    assert row.attempts == 1
    assert row.last_error.startswith("ConnectionRefusedError")

    # The server is back: the retry delivers the very e-mail the sign-up recorded.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port
        assert notification_deliver(notification_id=row.pk).outcome == "sent"
    (message,) = sink.messages
    assert message["To"] == "founder@example.com"
    assert re.search(r"/accounts/confirm-email/\S+/", text_part(message))
    assert subject(message) == "[MOU Portal] Please Confirm Your Email Address"


def test_signup_and_reset_with_a_refusing_smtp_server_never_answer_500(client, smtp_settings):
    with SMTPSink(rcpt_reply="554 Transaction failed") as sink:
        smtp_settings.EMAIL_PORT = sink.port
        signed_up = _signup(client)
        client.logout()
        reset = client.post(RESET, {"email": "founder@example.com"})

    assert signed_up.status_code == 302
    assert reset.status_code == 302
    assert User.objects.filter(email="founder@example.com").exists()
    states = sorted(_account_emails("founder@example.com").values_list("state", flat=True))
    assert states == [DeliveryState.FAILED, DeliveryState.FAILED]


def test_password_reset_with_a_hanging_smtp_server_answers_at_once(
    client, applicant, smtp_settings
):
    """In production the delivery runs in the worker: the request only records the row
    and publishes its id (here to a broker that is down, which costs nothing either)."""
    smtp_settings.EMAIL_TIMEOUT = 20
    with SMTPSink(hang_on_greeting=True) as sink, broker_unreachable():
        smtp_settings.EMAIL_PORT = sink.port
        started = time.monotonic()
        response = client.post(RESET, {"email": applicant.email})
        elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert elapsed < 5
    (row,) = _account_emails(applicant.email)
    assert row.state == DeliveryState.PENDING
    assert row.attempts == 0
    assert "/accounts/password/reset/key/" in row.body
    assert not Notification.objects.filter(recipient=applicant).exists()  # not in the inbox


def test_invitation_goes_through_the_outbox_with_an_unescaped_subject_and_the_signup_url(
    applicant, smtp_settings
):
    company = CompanyFactory(owner=applicant, name_en="R&D Bio <Lab>")
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port
        invitation = application_services.invitation_create(
            company=company, actor=applicant, email="new@example.com", language="en"
        )

    (row,) = Notification.objects.filter(kind=NotificationKind.INVITATION)
    assert row.email == "new@example.com"
    assert row.recipient is None
    assert row.target == invitation
    assert row.state == DeliveryState.SENT
    (message,) = sink.messages
    assert subject(message) == (
        "[MOU Portal] You are invited to join R&D Bio <Lab> on the MOU Portal"
    )
    body = text_part(message)
    assert django_settings.SITE_URL + reverse("account_signup") in body
    assert f"{django_settings.SITE_URL}/invitations/{invitation.token}/" in body


def test_invitation_with_the_smtp_server_down_is_kept_and_retried(applicant, smtp_settings):
    company = CompanyFactory(owner=applicant)
    with SMTPSink() as sink:
        smtp_settings.EMAIL_PORT = sink.port  # then gone

    application_services.invitation_create(
        company=company, actor=applicant, email="new@example.com"
    )

    (row,) = Notification.objects.filter(kind=NotificationKind.INVITATION)
    assert row.state == DeliveryState.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > row.created_at
