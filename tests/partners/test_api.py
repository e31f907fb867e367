"""The partners API: the same truth table as the pages, on the one error contract."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partners.enums import Interest
from partners.models import PartnerInterest
from tests.factories import UserFactory

from .world import build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/partner/proposals/"


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_list_holds_exactly_the_two_readable_proposals(manager):
    world = build_world(manager)

    body = _client(world.sponsor_user).get(LIST).json()

    assert sorted(row["reference"] for row in body["results"]) == sorted(
        [world.own.reference, world.own_second.reference]
    )
    row = body["results"][0]
    assert set(row) == {
        "id", "reference", "cycle", "cycle_name", "company", "title", "answers_to",
        "answers", "documents", "interest", "contact",
    }  # fmt: skip
    assert row["contact"] == [] and row["interest"] is None
    assert row["documents"][0]["url"].startswith(f"/partner/proposals/{row['id']}/documents/")


@pytest.mark.parametrize(
    ("which", "expected"),
    [("own", 200), ("refusing", 404), ("to_other", 404), ("conflicted", 404), ("unscreened", 404)],
)
def test_retrieve_follows_the_truth_table(manager, which, expected):
    world = build_world(manager)

    response = _client(world.sponsor_user).get(f"{LIST}{getattr(world, which).pk}/")

    assert response.status_code == expected
    if expected == 404:
        assert response.json()["code"] == "not_found"


def test_before_the_agreement_the_list_is_empty_and_proposals_404(manager):
    world = build_world(manager, accept_nda=False)
    client = _client(world.sponsor_user)

    assert client.get(LIST).json()["results"] == []
    assert client.get(f"{LIST}{world.own.pk}/").status_code == 404
    refused = client.post(f"{LIST}{world.own.pk}/interest/", {"level": "interested"})
    assert refused.status_code == 404
    assert not PartnerInterest.objects.exists()


@pytest.mark.parametrize("path", ["", "{pk}/", "{pk}/interest/"])
def test_anonymous_calls_are_refused_on_the_contract(manager, path):
    world = build_world(manager)
    url = LIST + path.format(pk=world.own.pk)

    response = _client().post(url, {}) if "interest" in path else _client().get(url)

    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "detail", "fields"}
    assert response.json()["code"] in ("not_authenticated", "permission_denied")


@pytest.mark.parametrize("who", ["applicant", "reviewer", "manager", "stranger", "other"])
def test_people_who_are_not_the_sponsors_users_see_nothing(manager, mss_reviewer, who):
    world = build_world(manager)
    user = {
        "applicant": world.own.company.memberships.get().user,
        "reviewer": mss_reviewer.user,
        "manager": manager.user,
        "stranger": UserFactory(),
        "other": world.other_user,
    }[who]
    client = _client(user)

    references = [row["reference"] for row in client.get(LIST).json()["results"]]

    assert world.own.reference not in references
    assert client.get(f"{LIST}{world.own.pk}/").status_code == 404


def test_marking_interest_through_the_api(manager):
    world = build_world(manager)
    client = _client(world.sponsor_user)

    bad = client.post(f"{LIST}{world.own.pk}/interest/", {"level": "maybe"}, format="json")
    good = client.post(
        f"{LIST}{world.own.pk}/interest/",
        {"level": Interest.NOT_A_FIT, "comment": "Outside our pipeline."},
        format="json",
    )

    assert bad.status_code == 400 and "level" in bad.json()["fields"]
    assert good.status_code == 200
    assert good.json()["interest"] == {"level": "not_a_fit", "comment": "Outside our pipeline."}


def test_the_route_is_registered_in_the_one_place():
    assert reverse("partner-proposal-list") == LIST


def test_the_list_and_the_call_page_cost_the_same_queries_for_more_proposals(manager, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .world import proposal

    world = build_world(manager)
    api = _client(world.sponsor_user)
    client.force_login(world.sponsor_user)
    call = reverse("partners:call", args=[world.cycle.pk])

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as api_queries:
            api.get(LIST)
        with CaptureQueriesContext(connection) as page_queries:
            client.get(call)
        return len(api_queries), len(page_queries)

    before = count()
    challenge = world.own.challenge
    for _ in range(3):
        proposal(world.cycle, challenge, manager=manager)
    assert len(api.get(LIST).json()["results"]) == 5

    assert count() == before
