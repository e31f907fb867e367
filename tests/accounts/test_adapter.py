import pytest

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"


def test_password_reset_mail_is_in_the_users_language(
    client, applicant, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "applicant@example.com"})

    (message,) = mailoutbox
    assert message.subject == "[MOU Portal] 비밀번호 초기화 이메일"


def test_mail_to_an_unknown_address_is_in_the_page_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "ja"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "nobody@example.com"})

    (message,) = mailoutbox
    assert message.subject == "[MOU Portal] 不明なアカウント"


def test_password_reset_page_uses_the_portal_layout(client):
    html = client.get(RESET).content.decode()

    assert 'id="main-nav"' in html
    assert 'class="btn btn-primary"' in html
