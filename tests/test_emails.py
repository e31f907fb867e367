"""Every text e-mail, in English, Korean and Japanese: each link alone on its line (a mail
client that links up to the next space must not swallow a particle or a word), and
allauth's account e-mails greet with the portal's name, not the server's host."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.enums import NotificationKind
from notifications.rendering import render_notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko", "ja"]
PORTAL_NAME = {
    "en": "MSS–iPark MOU Portal",
    "ko": "MSS–iPark MOU 포털",
    "ja": "MSS–iPark MOUポータル",
}


def links_not_alone(body: str) -> list[str]:
    return [
        line
        for line in body.splitlines()
        if "://" in line and not re.fullmatch(r"https?://\S+", line.strip())
    ]


@pytest.mark.parametrize("language", LANGUAGES)
# Account e-mails are rendered by allauth before they reach the outbox (their links are
# checked below, through the real sign-up and reset pages).
@pytest.mark.parametrize(
    "kind", [kind for kind in NotificationKind if kind != NotificationKind.ACCOUNT_EMAIL]
)
def test_every_notification_puts_each_link_on_a_line_of_its_own(kind, language):
    user = UserFactory(display_name="Kim", preferred_language=language)
    rendered = render_notification(
        kind=kind,
        language=language,
        context={
            "recipient": user,
            "target": user,
            "actor": None,
            "site_url": settings.SITE_URL,
            "url": settings.SITE_URL + "/applications/1/",
            "essential": False,
            "requested_at": timezone.now(),
        },
    )

    assert settings.SITE_URL + "/applications/1/" in rendered.body.splitlines()
    assert links_not_alone(rendered.body) == []


def _account_mails(client, mailoutbox, language, capture):
    """The account e-mails go through the outbox: delivered once the requests commit."""
    with capture(execute=True):
        _request_account_mails(client, language)
    return list(mailoutbox)


def _request_account_mails(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    UserFactory(email="known@example.com", preferred_language=language)
    client.post(
        "/accounts/signup/",
        {
            "email": f"new-{language}@example.com",
            "display_name": "Park Ji-woo",
            "preferred_language": language,
            "password1": "a-Long-passphrase-2027",
            "password2": "a-Long-passphrase-2027",
        },
    )
    client.post("/accounts/password/reset/", {"email": "known@example.com"})
    client.post("/accounts/password/reset/", {"email": "nobody@example.com"})


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_mails_name_the_portal_and_put_links_on_their_own_line(
    client, mailoutbox, language, django_capture_on_commit_callbacks
):
    mails = _account_mails(client, mailoutbox, language, django_capture_on_commit_callbacks)

    assert len(mails) == 3, [m.subject for m in mails]  # verification, reset, unknown
    verification = mails[0]
    assert re.search(r"^https?://\S+/accounts/confirm-email/\S+/$", verification.body, re.MULTILINE)
    for message in mails:
        assert PORTAL_NAME[language] in message.body.splitlines()[0], message.body
        assert "testserver" not in message.body.replace("http://testserver", "")
        assert links_not_alone(message.body) == [], message.body
