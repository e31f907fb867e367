"""Every list of the API costs the same number of queries for a page of one row as for a
full page, and for a few rows as for many. The lists tested elsewhere are named in
``TESTED_ELSEWHERE``; a list endpoint added without such a test fails the registry test."""

import pytest
from django.urls import URLPattern, get_resolver
from rest_framework.generics import ListAPIView

from mou_portal.api_urls import router
from programs.enums import Organisation, Track
from tests.factories import ChallengeFactory, TechnologyFactory, UserFactory
from tests.factories.reviews import ReviewerFactory
from tests.notifications.conftest import notify_test_message
from tests.partners.world import build_world, proposal
from tests.support.api import queries, token_client
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    under_review,
)

pytestmark = pytest.mark.django_db

TESTED_ELSEWHERE = {
    "cycle": "tests/programs/test_api_reads.py",
    "application": "tests/applications/test_api.py",
    "reviewer-assignment": "tests/reviews/test_long_lists.py",
    "api_cycle_activity": "tests/programs/test_api_reads.py",
    "api_cycle_ranking": "tests/reviews/test_long_lists.py",
}
TESTED_HERE = {
    "program",
    "technology",
    "challenge",
    "notification",
    "reviewer-cycle",
    "partner-proposal",
}


def _list_endpoints() -> set[str]:
    names = {basename for _prefix, viewset, basename in router.registry if hasattr(viewset, "list")}
    for pattern in get_resolver("mou_portal.api_urls").url_patterns:
        view = getattr(getattr(pattern, "callback", None), "view_class", None)
        if isinstance(pattern, URLPattern) and view and issubclass(view, ListAPIView):
            names.add(pattern.name)
    return names


def test_every_list_endpoint_has_a_query_count_test():
    assert _list_endpoints() == set(TESTED_ELSEWHERE) | TESTED_HERE


def _flat(api, url, grow, *, few=1, many=12):
    """Queries for one row a page, for a full page of ``few`` rows and, after ``grow``
    adds rows, for a full page of ``many``; with the bodies' counts."""
    one_row, _ = queries(api, url, {"page_size": 1})
    small, small_body = queries(api, url, {"page_size": 50})
    grow()
    large, large_body = queries(api, url, {"page_size": 50})
    return (one_row, small, large), (small_body["count"], large_body["count"])


def test_catalogue_lists(db):
    api = token_client(UserFactory())
    for url, factory in (
        ("/api/v1/technologies/", TechnologyFactory),
        ("/api/v1/challenges/", ChallengeFactory),
    ):
        start = len(api.get(url, {"page_size": 50}).json()["results"])
        factory()
        counts, (few, many) = _flat(api, url, lambda f=factory: f.create_batch(11))
        assert len(set(counts)) == 1, (url, counts)
        assert many - few == 11 and few == start + 1


def test_programs_list(db):
    api = token_client(UserFactory())
    one_row, _ = queries(api, "/api/v1/programs/", {"page_size": 1})
    full, body = queries(api, "/api/v1/programs/", {"page_size": 50})
    assert one_row == full
    assert body["count"] == len(Track.values)


def test_notifications_list(db):
    user = UserFactory()
    notify_test_message(user, event_key="first")

    def grow():
        for n in range(11):
            notify_test_message(user, event_key=f"more-{n}")

    counts, sizes = _flat(token_client(user), "/api/v1/notifications/", grow)
    assert len(set(counts)) == 1, counts
    assert sizes == (1, 12)


def test_reviewer_cycles_list(db, private_media):  # noqa: F811
    reviewer = ReviewerFactory(organisation=Organisation.MSS)
    assigned(under_review(review_cycle()), reviewer)

    def grow():
        for _ in range(3):
            assigned(under_review(review_cycle()), reviewer)

    counts, sizes = _flat(token_client(reviewer.user), "/api/v1/reviews/cycles/", grow)
    assert len(set(counts)) == 1, counts
    assert sizes == (1, 4)


def test_partner_proposals_list(manager):
    world = build_world(manager)
    challenge = world.own.challenge

    def grow():
        for n in range(4):
            proposal(world.cycle, challenge, manager=manager, title=f"More {n}")

    counts, sizes = _flat(token_client(world.sponsor_user), "/api/v1/partner/proposals/", grow)
    assert len(set(counts)) == 1, counts
    assert sizes == (2, 6)
