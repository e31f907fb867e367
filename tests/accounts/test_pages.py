import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "logged_in", "heading"),
    [
        ("/accounts/login/", False, "Sign In"),
        ("/accounts/signup/", False, "Sign Up"),
        ("/accounts/password/reset/", False, "Password Reset"),
        ("/accounts/password/change/", True, "Change Password"),
        ("/accounts/email/", True, "Email Addresses"),
        ("/accounts/logout/", True, "Sign Out"),
        ("/accounts/settings/", True, "Settings"),
    ],
)
def test_account_pages_use_the_portal_layout_and_bootstrap_forms(
    client, applicant, path, logged_in, heading
):
    if logged_in:
        client.force_login(applicant)
    client.cookies["django_language"] = "en"

    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="main-nav"' in html
    assert re.search(r'<h1 class="h3 mb-3">\s*(.*?)\s*</h1>', html, re.S).group(1) == heading
    assert "btn btn-primary" in html


def test_logged_in_menu_links_to_settings_and_inbox(client, applicant):
    client.force_login(applicant)

    html = client.get("/").content.decode()

    assert 'href="/accounts/settings/"' in html
    assert 'href="/inbox/"' in html
