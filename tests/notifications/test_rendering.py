import pytest
from django.utils import timezone

from notifications.enums import NotificationKind
from notifications.rendering import render_notification, tidy_text
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "language_name", "subject", "sentence"),
    [
        (
            "en",
            "English",
            "Welcome to the MSS–iPark MOU Portal",
            "The portal writes to you in English.",
        ),
        ("ko", "한국어", "MSS–iPark MOU 포털에 오신 것을 환영합니다", "한국어"),
        ("ja", "日本語", "MSS–iPark MOUポータルへようこそ", "ポータルからは日本語でご連絡します。"),
    ],
)
def test_welcome_renders_in_the_recipients_language(language, language_name, subject, sentence):
    user = UserFactory(display_name="Kim", preferred_language=language)

    (notification,) = notify(kind=NotificationKind.WELCOME, target=user, recipients=[user])

    assert notification.language == language
    assert notification.subject == subject
    assert f'<html lang="{language}">' in notification.body_html
    # The language's own name, as the recipient reads it, in a sentence of their language.
    assert sentence in " ".join(notification.body.split())
    assert language_name in notification.body_html
    if language != "en":
        assert "The portal writes to you" not in notification.body


def test_recipients_of_one_event_each_get_their_own_language():
    korean = UserFactory(preferred_language="ko")
    japanese = UserFactory(preferred_language="ja")

    rows = notify(kind=NotificationKind.WELCOME, target=korean, recipients=[korean, japanese])

    assert [row.language for row in rows] == ["ko", "ja"]
    assert "한국어" in rows[0].body
    assert "日本語" in rows[1].body


def test_rendering_leaves_the_request_language_alone(client):
    from django.utils import translation

    user = UserFactory(preferred_language="ja")
    with translation.override("ko"):
        notify(kind=NotificationKind.WELCOME, target=user, recipients=[user])

        assert translation.get_language() == "ko"


def test_plain_text_is_not_html_escaped_but_html_is():
    user = UserFactory(display_name="R&D <Lab>")

    rendered = render_notification(
        kind=NotificationKind.TEST_MESSAGE,
        language="en",
        context={
            "recipient": user,
            "target": user,
            "actor": None,
            "site_url": "http://testserver",
            "url": "",
            "essential": True,
            "requested_at": timezone.now(),
        },
    )

    assert "Hello R&D <Lab>," in rendered.body
    assert "Hello R&amp;D &lt;Lab&gt;," in rendered.body_html


def test_subject_is_one_line():
    user = UserFactory()

    (notification,) = notify(kind=NotificationKind.WELCOME, target=user, recipients=[user])

    assert notification.subject == "Welcome to the MSS–iPark MOU Portal"
    assert "\n" not in notification.subject


def test_essential_and_optional_emails_say_so_in_the_footer(settings):
    settings.SITE_URL = "https://portal.example.org"
    user = UserFactory()

    (welcome,) = notify(kind=NotificationKind.WELCOME, target=user, recipients=[user])
    (test,) = notify(
        kind=NotificationKind.TEST_MESSAGE,
        target=user,
        recipients=[user],
        context={"requested_at": timezone.now()},
    )

    assert "Choose which e-mails you receive:\nhttps://portal.example.org/accounts/settings/" in (
        welcome.body
    )
    assert "always sent by e-mail" in test.body


def test_tidy_text_keeps_single_blank_lines_between_paragraphs():
    assert tidy_text("\n\nHello,  \n\n\n\nBody\n\n\n") == "Hello,\n\nBody\n"
