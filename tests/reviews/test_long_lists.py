"""The manager's and reviewer's long lists stay flat in N: the same number of queries for
a cycle of a few applications and for one spanning several pages (page sizes lowered so
that the larger size spans pages); the filters survive pagination; one decision applies
to every application matching the decisions page's filter, on every page."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.enums import ApplicationStatus
from applications.models import Application, StatusChange
from reviews.views import deciding, reviewing, selection
from tests.reviews.selection_helpers import cycle_under_review, statuses
from tests.support.api import queries, token_client
from tests.support.reviewing import pledge

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SMALL, LARGE = 3, 13


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(selection, "RANKING_PAGE_SIZE", 4)
    monkeypatch.setattr(deciding, "DECISIONS_PAGE_SIZE", 4)
    monkeypatch.setattr(reviewing, "ASSIGNMENTS_PAGE_SIZE", 4)


def _url(name, cycle=None, **query):
    url = reverse(f"reviews:{name}", args=[cycle.pk] if cycle else [])
    return f"{url}?{urlencode(query)}" if query else url


def _count(client, url) -> tuple[int, object]:
    client.get(url)  # warm-up: what happens once (sessions, caches)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def _reviewer_of(cycle):
    application = Application.objects.filter(cycle=cycle).first()
    return application.assignments.order_by("pk").first().reviewer


@pytest.fixture
def two_sizes(manager):
    small = cycle_under_review(manager.user, count=SMALL, quota=LARGE)
    large = cycle_under_review(manager.user, count=LARGE, quota=LARGE)
    return small, large


@pytest.mark.parametrize(
    "page, query",
    [
        ("ranking", {}),
        ("ranking", {"sort": "combined", "order": "asc", "page": 2}),
        ("decisions", {}),
        ("decisions", {"q": "-", "page_under_review": 2}),
    ],
)
def test_manager_pages_make_as_many_queries_for_a_few_as_for_many(
    client, manager, two_sizes, page, query
):
    (small, _), (large, _) = two_sizes
    client.force_login(manager.user)

    few, _ = _count(client, _url(page, small, **query))
    many, response = _count(client, _url(page, large, **query))

    assert few == many
    assert "Page 2 of 4" in response.content.decode() or query.get("page") != 2


def test_ranking_page_shows_one_page_of_the_whole_cycle_in_rank_order(client, manager, two_sizes):
    _, (large, applications) = two_sizes
    client.force_login(manager.user)

    response = client.get(_url("ranking", large, page=2))

    rows = response.context["rows"]
    assert [row.score.rank for row in rows] == [5, 6, 7, 8]
    # ``cycle_under_review`` ranks the applications in the order of its list.
    assert [row.application.pk for row in rows] == [a.pk for a in applications[4:8]]
    assert response.context["total"] == LARGE


def test_ranking_api_makes_as_many_queries_for_a_few_as_for_many(manager, two_sizes):
    (small, _), (large, applications) = two_sizes
    api = token_client(manager.user)

    def url(cycle):
        return reverse("api_cycle_ranking", args=[cycle.pk])

    few, _ = queries(api, url(small), {"page_size": 2})
    many, body = queries(api, url(large), {"page_size": 2, "page": 3})
    few_big_page, _ = queries(api, url(large), {"page_size": 10})

    assert few == many == few_big_page
    assert body["count"] == LARGE
    assert [row["rank"] for row in body["results"]] == [5, 6]
    assert [row["application"] for row in body["results"]] == [a.pk for a in applications[4:6]]


def test_assignment_list_makes_as_many_queries_for_a_few_as_for_many(client, two_sizes):
    (small, _), (large, _) = two_sizes
    # One reviewer per cycle and organisation: each has every application of its cycle.
    small_reviewer, large_reviewer = _reviewer_of(small), _reviewer_of(large)

    client.force_login(small_reviewer.user)
    few, _ = _count(client, _url("reviewer_dashboard"))
    client.force_login(large_reviewer.user)
    many, response = _count(client, _url("reviewer_dashboard", page=2))

    assert few == many
    entry = response.context["cycles"][0]
    assert (entry.done, entry.total) == (LARGE, LARGE)
    assert len(entry.assignments) == 4
    assert response.context["page"].paginator.count == LARGE


def test_assignment_list_filter_is_kept_across_pages(client, two_sizes):
    _, (large, applications) = two_sizes
    reviewer = _reviewer_of(large)
    client.force_login(reviewer.user)

    first = client.get(_url("reviewer_dashboard", state="submitted"))
    second = client.get(_url("reviewer_dashboard", state="submitted", page=2))
    none = client.get(_url("reviewer_dashboard", state="not_started"))

    assert "state=submitted&amp;page=2" in first.content.decode()
    shown = [a.application.reference for a in second.context["page"].object_list]
    assert shown == sorted(a.reference for a in applications)[4:8]
    assert none.context["page"].paginator.count == 0


def test_decisions_page_filter_is_kept_across_pages(client, manager, two_sizes):
    _, (large, applications) = two_sizes
    client.force_login(manager.user)
    query = {"q": large.code, "field": ""}

    response = client.get(_url("decisions", large, **query))

    under_review = response.context["status_lists"][0]
    assert under_review["next"] == f"?q={large.code}&field=&page_under_review=2"
    assert under_review["next"].replace("&", "&amp;") in response.content.decode()
    second = client.get(_url("decisions", large, page_under_review=2, **query))
    page = second.context["lists"][S.UNDER_REVIEW]
    assert [a.reference for a in page] == sorted(a.reference for a in applications)[4:8]
    assert page.paginator.count == LARGE


def test_decision_for_every_matching_application_across_pages(client, manager, two_sizes):
    _, (large, applications) = two_sizes
    client.force_login(manager.user)
    query = {"status": S.UNDER_REVIEW}  # all of them: four pages of the list

    confirmation = client.get(_url("decisions_bulk", large, decision=S.REJECTED, **query))

    assert confirmation.status_code == 200
    assert confirmation.context["count"] == LARGE
    assert f"{LARGE} applications matching the filter" in confirmation.content.decode()
    assert statuses(applications) == [S.UNDER_REVIEW] * LARGE  # nothing changed yet

    done = client.post(
        _url("decisions_bulk", large),
        {"decision": S.REJECTED, "expected": LARGE, **query},
    )

    assert done.status_code == 302
    assert done.url == _url("decisions", large, **query)
    assert statuses(applications) == [S.REJECTED] * LARGE
    assert (
        StatusChange.objects.filter(
            application__in=applications, to_status=S.REJECTED, actor=manager.user
        ).count()
        == LARGE
    )


def test_decision_for_every_matching_application_only_touches_the_filtered_ones(
    client, manager, two_sizes
):
    _, (large, applications) = two_sizes
    client.force_login(manager.user)
    query = {"q": applications[11].reference}  # one application, on the last page

    client.post(_url("decisions_bulk", large), {"decision": S.WAITLISTED, "expected": 1, **query})

    assert statuses(applications) == [S.UNDER_REVIEW] * 11 + [S.WAITLISTED, S.UNDER_REVIEW]


def test_decision_for_every_matching_application_refused_when_the_count_changed(
    client, manager, two_sizes
):
    _, (large, applications) = two_sizes
    client.force_login(manager.user)

    response = client.post(
        _url("decisions_bulk", large),
        {"decision": S.REJECTED, "expected": LARGE - 1, "status": S.UNDER_REVIEW},
    )

    assert response.status_code == 400
    assert f"{LARGE} match now" in response.content.decode()
    assert statuses(applications) == [S.UNDER_REVIEW] * LARGE


def test_decision_for_every_matching_application_is_for_deciders_only(
    client, two_sizes, mss_reviewer
):
    _, (large, applications) = two_sizes
    client.force_login(mss_reviewer.user)

    response = client.post(
        _url("decisions_bulk", large), {"decision": S.REJECTED, "expected": LARGE}
    )

    assert response.status_code == 404
    assert statuses(applications) == [S.UNDER_REVIEW] * LARGE


def test_reviewer_assignments_api_makes_as_many_queries_for_a_few_as_for_many(two_sizes):
    """Measured at 17 queries a row (a permission check, the pledge, the rubric and the
    application's documents per row): now decided for the whole page at once."""
    (small, _), (large, _) = two_sizes
    small_reviewer, large_reviewer = _reviewer_of(small), _reviewer_of(large)
    pledge(small_reviewer, small)
    pledge(large_reviewer, large)
    url = reverse("reviewer-assignment-list")

    few, small_body = queries(token_client(small_reviewer.user), url)
    many, body = queries(token_client(large_reviewer.user), url)
    one_page, _ = queries(token_client(large_reviewer.user), url, {"page_size": 2})

    assert few == many == one_page
    assert body["count"] == LARGE and small_body["count"] == SMALL
    row = body["results"][0]
    assert row["pledge_accepted"] is True
    assert row["application"]["reference"] == row["reference"]
    assert [c["id"] for c in row["rubric"]] == list(
        large.criteria.order_by("order", "pk").values_list("pk", flat=True)
    )
