"""The selection API: same services and permissions as the pages."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus
from programs.enums import CyclePhase, Organisation, Track
from reviews.services import decisions_approve, decisions_set
from tests.factories import ProgramManagerFactory, ReviewerFactory, UserFactory, program_for
from tests.reviews.selection_helpers import cycle_under_review, score_both, standing, statuses

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def setup(manager):
    cycle, apps = cycle_under_review(manager.user, count=3, quota=2, reviewed=False)
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)
    score_both(apps[0], mss=mss, ipark=ipark, mss_scores=(6, 6), ipark_scores=(6, 6))
    score_both(apps[1], mss=mss, ipark=ipark, mss_scores=(9, 9), ipark_scores=(8, 8))
    return cycle, apps


def _url(name, cycle):
    return reverse(f"api_cycle_{name}", args=[cycle.pk])


def test_ranking_api_returns_scored_rows_in_rank_order(client, manager, setup):
    cycle, apps = setup
    client.force_login(manager.user)

    body = client.get(_url("ranking", cycle)).json()

    assert body["count"] == 3
    first = body["results"][0]
    assert first["reference"] == apps[1].reference
    assert (first["rank"], first["combined"], first["mss_mean"], first["ipark_mean"]) == (
        1,
        "85.00",
        "90.00",
        "80.00",
    )
    assert first["completed_reviews"] == 2 and first["required_reviews"] == 2
    assert first["field"] == "cell_therapy"
    assert body["results"][2]["combined"] is None
    assert body["results"][2]["missing_organisations"] == ["mss", "ipark"]


def test_ranking_api_filters_and_sorts_like_the_page(client, manager, setup):
    cycle, apps = setup
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.REJECTED, actor=manager.user)
    client.force_login(manager.user)

    rejected = client.get(_url("ranking", cycle), {"status": S.REJECTED}).json()
    ascending = client.get(_url("ranking", cycle), {"sort": "combined", "order": "asc"}).json()

    assert [row["reference"] for row in rejected["results"]] == [apps[0].reference]
    assert [row["reference"] for row in ascending["results"]] == [
        apps[0].reference,
        apps[1].reference,
        apps[2].reference,
    ]


def test_decisions_api_sets_decisions_and_refuses_over_the_quota(client, manager, setup):
    cycle, apps = setup
    client.force_login(manager.user)
    url = _url("decisions", cycle)

    done = client.post(
        url,
        {"applications": [apps[0].pk, apps[1].pk], "decision": "selected"},
        content_type="application/json",
    )
    refused = client.post(
        url, {"applications": [apps[2].pk], "decision": "selected"}, content_type="application/json"
    )

    assert done.status_code == 200
    assert sorted(done.json()["changed"]) == sorted([apps[0].reference, apps[1].reference])
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "quota_exceeded",
        "detail": "The quota is 2 and 2 are already selected: selecting 1 more would exceed it.",
        "fields": {},
    }
    assert statuses(apps) == [S.SELECTED, S.SELECTED, S.UNDER_REVIEW]


def test_decisions_api_validates_its_input(client, manager, setup):
    cycle, _apps = setup
    client.force_login(manager.user)

    response = client.post(
        _url("decisions", cycle),
        {"applications": [], "decision": "withdrawn"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == {"applications", "decision"}


def test_approval_and_announce_api(client, manager, ipark_manager, setup):
    cycle, apps = setup
    decisions_set(cycle=cycle, applications=apps[:2], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=apps[2:], decision=S.REJECTED, actor=manager.user)

    def post(name):
        return client.post(_url(name, cycle), {}, content_type="application/json")

    client.force_login(manager.user)
    mss = post("approval")
    early = post("announce")
    client.force_login(ipark_manager.user)
    ipark = post("approval")
    announced = post("announce")
    again = post("announce")

    assert mss.json()["organisation"] == Organisation.MSS
    assert early.status_code == 409
    assert early.json()["code"] == "not_ready"
    assert ipark.json()["organisation"] == Organisation.IPARK
    assert announced.json() == {
        "phase": CyclePhase.ANNOUNCED,
        "run": {"status": "running", "total": 3},
    }
    assert again.status_code == 409
    assert again.json() == {
        "code": "already_announced",
        "detail": "The results of this cycle have already been announced.",
        "fields": {},
    }


def test_approval_delete_withdraws_the_callers_organisation_only(
    client, manager, ipark_manager, setup
):
    cycle, apps = setup
    decisions_set(cycle=cycle, applications=apps, decision=S.REJECTED, actor=manager.user)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    client.force_login(manager.user)

    response = client.delete(_url("approval", cycle))
    nothing = client.delete(_url("approval", cycle))

    assert response.json()["organisation"] == Organisation.MSS
    assert nothing.status_code == 204
    assert standing(cycle) == {Organisation.IPARK}


ENDPOINTS = [
    ("get", "ranking"),
    ("post", "decisions"),
    ("post", "approval"),
    ("delete", "approval"),
    ("post", "announce"),
]


@pytest.mark.parametrize(("method", "name"), ENDPOINTS)
@pytest.mark.parametrize("who", ["applicant", "reviewer", "other_program_manager"])
def test_selection_api_is_404_to_others(client, setup, method, name, who):
    cycle, apps = setup
    user = {
        "applicant": lambda: apps[0].company.memberships.get().user,
        "reviewer": lambda: ReviewerFactory().user,
        "other_program_manager": lambda: (
            ProgramManagerFactory(programs=[program_for(Track.OPEN_INNOVATION)]).user
        ),
    }[who]()
    client.force_login(user)

    response = getattr(client, method)(
        _url(name, cycle),
        {"applications": [apps[0].pk], "decision": "selected"},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert statuses(apps) == [S.UNDER_REVIEW] * 3


@pytest.mark.parametrize(("method", "name"), ENDPOINTS)
def test_selection_api_needs_a_login(client, setup, method, name):
    cycle, _apps = setup

    response = getattr(client, method)(_url(name, cycle))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_superuser_cannot_approve_through_the_api(client, setup, manager):
    cycle, apps = setup
    decisions_set(cycle=cycle, applications=apps, decision=S.REJECTED, actor=manager.user)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert client.get(_url("ranking", cycle)).status_code == 200
    assert client.post(_url("approval", cycle)).status_code == 404
    assert standing(cycle) == set()


def test_schema_documents_the_selection_api(client):
    schema = client.get("/api/schema/").content.decode()

    for path in ("ranking", "decisions", "approval", "announce"):
        assert f"/api/v1/manage/cycles/{{cycle_pk}}/{path}/" in schema


@pytest.mark.parametrize(
    "params", [{"order": "AAA"}, {"sort": "luck"}, {"status": "draft"}, {"field": "astrology"}]
)
def test_ranking_api_refuses_an_unknown_filter_or_sort(client, manager, setup, params):
    """Found by the fuzz run: the page ignores a stale filter in a shared link, but an
    integrator asking for an order the API does not have is told, not served another one."""
    cycle, _apps = setup
    client.force_login(manager.user)

    response = client.get(_url("ranking", cycle), params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == set(params)


@pytest.mark.parametrize("key", ["x", "-1", "01", " 1"])
def test_decisions_api_refuses_versions_keyed_by_anything_but_an_application_id(
    client, manager, setup, key
):
    """Found by the fuzz run: the schema now says what a key of ``versions`` is, and the
    server refuses exactly what the schema refuses."""
    cycle, apps = setup
    client.force_login(manager.user)

    response = client.post(
        _url("decisions", cycle),
        {"applications": [apps[0].pk], "decision": S.REJECTED, "versions": {key: 0}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {"versions": ["Keys are application ids."]}
    assert statuses(apps)[0] != S.REJECTED
