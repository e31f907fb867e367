import pytest
from django.test import Client

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "not-the-password"


def _login(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_login_switches_the_interface_to_the_users_language(client, applicant):
    response = _login(client, applicant.email, PASSWORD)

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ko"
    assert '<html lang="ko">' in client.get("/").content.decode()


def test_wrong_password_is_refused_with_a_clear_message(client, applicant):
    response = _login(client, applicant.email, WRONG)

    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_after_five_failures_even_the_right_password_is_refused(client, applicant):
    for _ in range(5):
        _login(client, applicant.email, WRONG)

    response = _login(client, applicant.email, PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_still_let_the_right_password_in(client, applicant):
    for _ in range(4):
        _login(client, applicant.email, WRONG)

    response = _login(client, applicant.email, PASSWORD)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_throttling_is_per_address(client, applicant, other_applicant):
    for _ in range(5):
        _login(client, applicant.email, WRONG)

    response = _login(client, other_applicant.email, PASSWORD)

    assert response.status_code == 302


# --- Behind the TLS proxy: whose address is throttled -------------------------------------


def _logins_through_proxy(applicant, count):
    """``count`` sign-ins, each from another client, all arriving through one proxy."""
    statuses = []
    for n in range(count):
        client = Client(REMOTE_ADDR="10.0.0.2")  # the proxy
        response = client.post(
            LOGIN,
            {"login": applicant.email, "password": PASSWORD},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        )
        statuses.append(response.status_code)
    return statuses


def test_with_a_trusted_proxy_each_forwarded_client_has_its_own_login_limit(applicant, settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    statuses = _logins_through_proxy(applicant, 31)

    assert statuses == [302] * 31


def test_without_a_trusted_proxy_the_forwarded_address_is_ignored(applicant, settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    statuses = _logins_through_proxy(applicant, 31)

    # Everyone shares the proxy's address: allauth's 30 sign-ins per minute per address.
    assert statuses == [302] * 30 + [429]
