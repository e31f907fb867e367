import pytest

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
