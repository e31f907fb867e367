import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.services import user_set_language, user_update_settings

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/"


def test_settings_need_a_login(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_settings_page_shows_the_users_values_and_what_is_always_sent(client, applicant):
    client.force_login(applicant)

    response = client.get(SETTINGS)

    html = response.content.decode()
    form = response.context["form"]
    assert form["display_name"].value() == "Applicant"
    assert form["preferred_language"].value() == "ko"
    assert form["email_opt_out"].value() is False
    assert "Receipts and results are always sent by e-mail" in html
    assert "applicant@example.com" in html


def test_saving_settings_updates_the_user_and_switches_the_language(client, applicant):
    client.force_login(applicant)

    response = client.post(
        SETTINGS,
        {"display_name": "  Kim Min-ji ", "preferred_language": "ja", "email_opt_out": "on"},
        follow=True,
    )

    applicant.refresh_from_db()
    assert (applicant.display_name, applicant.preferred_language, applicant.email_opt_out) == (
        "Kim Min-ji",
        "ja",
        True,
    )
    assert response.redirect_chain == [(SETTINGS, 302)]
    assert client.cookies["django_language"].value == "ja"
    assert '<html lang="ja">' in response.content.decode()


def test_bad_language_is_refused_next_to_the_field_keeping_the_rest(client, applicant):
    client.force_login(applicant)

    response = client.post(
        SETTINGS, {"display_name": "New name", "preferred_language": "fr", "email_opt_out": "on"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["preferred_language"]
    assert 'value="New name"' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.display_name == "Applicant"


def test_settings_service_refuses_someone_else(applicant, other_applicant):
    with pytest.raises(PermissionDenied):
        user_update_settings(
            user=applicant,
            actor=other_applicant,
            display_name="x",
            preferred_language="en",
            email_opt_out=True,
        )


@pytest.mark.parametrize(("language", "changed"), [("ja", True), ("ko", False), ("fr", False)])
def test_set_language_service(applicant, language, changed):
    assert user_set_language(user=applicant, language=language) is changed

    assert User.objects.get(pk=applicant.pk).preferred_language == ("ja" if changed else "ko")


@pytest.mark.parametrize(
    ("logged_in", "language", "saved"),
    [(True, "ja", "ja"), (True, "xx", "ko"), (False, "ja", "ko")],
)
def test_header_switcher_saves_a_logged_in_users_language(
    client, applicant, logged_in, language, saved
):
    if logged_in:
        client.force_login(applicant)

    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.preferred_language == saved
    cookie = response.cookies.get("django_language")
    assert (cookie.value if cookie else None) == (language if language != "xx" else None)
