"""The manager's and reviewer's pages at N = 200, 2,000 and 10,000 applications, on a call
seeded by ``seed_scale`` (the README's performance table comes from here):

    make bench PYTEST_ARGS="-k scale -s"                      # N = 200 and 2,000
    BENCH_10K=1 make bench PYTEST_ARGS="-k scale -s"          # and 10,000 (seeding ~1 min)

Each page is requested 30 times after a warm-up, in-process, DEBUG off; the table printed
gives the median, the 95th percentile and the number of queries of one request. Measured,
not asserted: the assertions only check that each page answered."""

import os
import statistics
import time

import pytest
from django.core.signals import request_started
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from reviews.scale import seed_scale

pytestmark = [pytest.mark.django_db, pytest.mark.benchmark]

SIZES = [200, 2_000] + ([10_000] if os.environ.get("BENCH_10K") else [])
ROUNDS = 30


def _pages(cycle, reviewer_email):
    pk = cycle.pk
    return [
        ("manager ranking", "manager", reverse("reviews:ranking", args=[pk])),
        ("ranking API", "manager", reverse("api_cycle_ranking", args=[pk])),
        ("decisions page", "manager", reverse("reviews:decisions", args=[pk])),
        ("reviewer's assignment list", "reviewer", reverse("reviews:reviewer_dashboard")),
        (
            "ranking CSV (whole body)",
            "manager",
            reverse("reviews:export", kwargs={"cycle_pk": pk, "kind": "ranking", "fmt": "csv"}),
        ),
    ]


def _measure(client, url):
    def get():
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert response.status_code == 200, url
        return response

    get()  # warm-up
    # As assertNumQueries does: the query log must not be reset when a request starts.
    request_started.disconnect(reset_queries)
    try:
        with CaptureQueriesContext(connection) as queries:
            get()
        # Counted now: the next requests reset the connection's query log.
        count = len(queries)
    finally:
        request_started.connect(reset_queries)
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], count


@pytest.mark.parametrize("n", SIZES)
def test_bench_scale_pages(benchmark, client, settings, n):
    settings.DEBUG = False
    scale = seed_scale(applications=n)
    clients = {}
    for role, email in (
        ("manager", scale.manager_emails[0]),
        ("reviewer", scale.reviewer_emails[0]),
    ):
        clients[role] = type(client)()
        clients[role].force_login(User.objects.get(email=email))
    rows = []

    def sweep():
        rows.clear()
        for name, role, url in _pages(scale.cycle, scale.reviewer_emails[0]):
            rows.append((name, *_measure(clients[role], url)))

    benchmark.pedantic(sweep, rounds=1, iterations=1)

    print(f"\nN = {n:,}")
    for name, median, p95, queries in rows:
        print(f"| {name} | {n:,} | {median:.0f} ms | {p95:.0f} ms | {queries} |")
    assert len(rows) == 5
