"""Personal API tokens: created and revoked on the settings page, shown once, stored hashed,
scoped (read, or read and write), optionally limited to programs, throttled per token."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from accounts.models import ApiToken, ApiTokenScope
from accounts.services import api_token_create, api_token_revoke
from programs.enums import Track
from tests.factories import CompanyFactory, UserFactory, draft_application, program_for

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/"
CREATE = "/accounts/settings/tokens/"


def _token(user, scope=ApiTokenScope.READ, programs=()):
    return api_token_create(user=user, actor=user, name="Sync", scope=scope, programs=programs)[1]


def _api(token, keyword="Bearer"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token}")
    return client


def test_token_is_created_on_the_settings_page_shown_once_and_stored_hashed(client, applicant):
    client.force_login(applicant)

    created = client.post(CREATE, {"name": "Program office sync", "scope": "write"})
    later = client.get(SETTINGS)

    token = created.context["new_token"]["token"]
    row = ApiToken.objects.get()
    assert created.status_code == 200
    assert token in created.content.decode()
    assert token.startswith(f"mou_{row.prefix}_") and len(token) > 40
    assert row.secret_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.user, row.name, row.scope, row.last_used_at) == (
        applicant,
        "Program office sync",
        ApiTokenScope.WRITE,
        None,
    )
    page = later.content.decode()
    assert token not in page
    assert f"mou_{row.prefix}_…" in page
    assert "Never" in page


def test_token_form_refuses_a_missing_name(client, applicant):
    client.force_login(applicant)

    response = client.post(CREATE, {"name": "", "scope": "read"})

    assert response.status_code == 400
    assert response.context["token_form"].errors == {"name": ["This field is required."]}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("keyword", ["Bearer", "Token"])
def test_token_authenticates_and_records_its_last_use(applicant, keyword):
    application = draft_application(user=applicant)
    token = _token(applicant)

    response = _api(token, keyword).get("/api/v1/applications/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [application.pk]
    assert ApiToken.objects.get().last_used_at is not None


def test_last_use_is_shown_on_the_settings_page(client, applicant):
    token = _token(applicant)
    _api(token).get("/api/v1/applications/")
    client.force_login(applicant)

    page = client.get(SETTINGS).content.decode()

    assert "Never" not in page
    assert "KST/JST" in page.split('id="api-token-list"')[1]


def test_read_token_cannot_write_and_write_token_can(applicant):
    read, write = _token(applicant), _token(applicant, ApiTokenScope.WRITE)

    refused = _api(read).post("/api/v1/notifications/read-all/")
    done = _api(write).post("/api/v1/notifications/read-all/")

    assert refused.status_code == 403
    assert refused.json() == {
        "code": "token_read_only",
        "detail": "This API token may only read.",
        "fields": {},
    }
    assert done.status_code == 200 and done.json() == {"marked": 0}


def test_revoked_token_is_refused(client, applicant):
    token = _token(applicant)
    row = ApiToken.objects.get()
    client.force_login(applicant)

    revoked = client.post(f"/accounts/settings/tokens/{row.pk}/revoke/", follow=True)
    response = _api(token).get("/api/v1/applications/")

    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "is revoked" in revoked.content.decode()
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "token", ["mou_nothing", "mou_00000000_guessed", "", "a b", "mou_ünïcode_x"]
)
def test_unknown_or_malformed_token_is_refused(token):
    response = APIClient().get(
        "/api/v1/programs/", HTTP_AUTHORIZATION=f"Bearer {token}".encode().decode("latin-1")
    )

    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_a_wrong_secret_with_a_real_prefix_is_refused(applicant):
    token = _token(applicant)

    response = _api(token[:-4] + "AAAA").get("/api/v1/applications/")

    assert response.status_code == 401


def test_only_the_owner_revokes_a_token(client, applicant, other_applicant):
    _token(applicant)
    row = ApiToken.objects.get()
    client.force_login(other_applicant)

    response = client.post(f"/accounts/settings/tokens/{row.pk}/revoke/")

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=row, actor=other_applicant)


def test_program_limited_token_sees_nothing_of_other_programs(applicant):
    company = CompanyFactory(owner=applicant)
    startup = draft_application(user=applicant, company=company, track=Track.STARTUP_SUPPORT)
    joint = draft_application(user=applicant, company=company, track=Track.JOINT_RND)
    program = program_for(Track.STARTUP_SUPPORT)
    api = _api(_token(applicant, programs=[program]))

    listed = api.get("/api/v1/applications/").json()["results"]
    other = api.get(f"/api/v1/applications/{joint.pk}/")
    own = api.get(f"/api/v1/applications/{startup.pk}/")
    programs = api.get("/api/v1/programs/").json()["results"]
    cycles = api.get("/api/v1/cycles/").json()["results"]
    other_cycle = api.get(f"/api/v1/cycles/{joint.cycle_id}/")

    assert [row["id"] for row in listed] == [startup.pk]
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert own.status_code == 200
    assert [row["slug"] for row in programs] == [program.slug]
    assert [row["id"] for row in cycles] == [startup.cycle_id]
    assert other_cycle.status_code == 404


def test_tokens_are_throttled_one_by_one(applicant, settings):
    settings.API_TOKEN_THROTTLE_RATE = "2/minute"
    busy, other = _api(_token(applicant)), _api(_token(applicant))

    answers = [busy.get("/api/v1/programs/").status_code for _ in range(3)]
    throttled = busy.get("/api/v1/programs/")
    fresh = other.get("/api/v1/programs/")

    assert answers == [200, 200, 429]
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert fresh.status_code == 200


def test_session_writes_still_need_the_csrf_token(applicant):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(applicant)

    response = browser.post("/api/v1/notifications/read-all/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["detail"]


def test_tokens_of_inactive_users_are_refused(applicant):
    token = _token(applicant)
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])

    assert _api(token).get("/api/v1/applications/").status_code == 401


def test_anyone_else_cannot_create_a_token_for_a_user(applicant):
    intruder = UserFactory()

    with pytest.raises(PermissionDenied):
        api_token_create(user=applicant, actor=intruder, name="x", scope="read")
