import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
PASSWORD = "a-long-and-unusual-passphrase-2027"


def _signup(client, **overrides):
    data = {
        "email": "founder@example.com",
        "display_name": "Kim Min-ji",
        "preferred_language": "ko",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def test_signup_page_asks_for_name_and_language_in_the_portal_layout(client):
    html = client.get(SIGNUP).content.decode()

    assert 'id="main-nav"' in html  # the portal's navbar: allauth pages use base.html
    assert 'name="display_name"' in html
    assert 'name="preferred_language"' in html
    assert 'class="textinput form-control"' in html  # crispy Bootstrap fields
    fields = re.findall(r'name="(email|display_name|preferred_language|password1|password2)"', html)
    assert fields == ["email", "display_name", "preferred_language", "password1", "password2"]


def test_signup_language_defaults_to_the_page_language(client):
    client.cookies["django_language"] = "ja"

    response = client.get(SIGNUP)

    assert response.context["form"]["preferred_language"].initial == "ja"


def test_signup_saves_name_and_language_and_verifies_in_that_language(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client)

    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="founder@example.com")
    assert (user.display_name, user.preferred_language) == ("Kim Min-ji", "ko")
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mailoutbox
    assert message.to == ["founder@example.com"]
    assert message.subject == "[MOU Portal] 이메일 주소를 확인하세요."


def test_signup_errors_are_shown_next_to_the_field_and_keep_the_input(client):
    response = _signup(client, display_name="", password2="something-else-entirely")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"display_name", "password2"}
    assert 'value="founder@example.com"' in html
    assert "is-invalid" in html
    assert not User.objects.exists()


def test_confirming_the_address_logs_in_and_sends_the_welcome(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body)

    confirm_page = client.get(link.group(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link.group(1))

    assert confirm_page.status_code == 200
    assert response.status_code == 302
    user = User.objects.get(email="founder@example.com")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified
    welcome = Notification.objects.get(recipient=user)
    assert welcome.kind == NotificationKind.WELCOME
    assert welcome.state == DeliveryState.SENT
    assert welcome.language == "ko"
    assert mailoutbox[-1].subject == "[MOU Portal] MSS–iPark MOU 포털에 오신 것을 환영합니다"
    # Logging in switched the interface to the user's language.
    assert response.cookies["django_language"].value == "ko"


def test_confirming_an_extra_address_sends_no_second_welcome(
    applicant, django_capture_on_commit_callbacks
):
    from allauth.account.signals import email_confirmed

    extra = EmailAddress.objects.create(user=applicant, email="second@example.com", verified=True)
    login = EmailAddress.objects.get(user=applicant, email=applicant.email)

    with django_capture_on_commit_callbacks(execute=True):
        email_confirmed.send(sender=EmailAddress, request=None, email_address=extra)
        email_confirmed.send(sender=EmailAddress, request=None, email_address=login)
        email_confirmed.send(sender=EmailAddress, request=None, email_address=login)

    assert Notification.objects.filter(recipient=applicant).count() == 1
