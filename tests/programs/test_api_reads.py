"""Calls with their phase and timeline, and a call's activity log, over the API."""

import pytest
from rest_framework.test import APIClient

from programs.enums import ActivityKind, CyclePhase, Track
from programs.services import activity_record
from tests.factories import ProgramManagerFactory, cycle_for, program_for
from tests.support.api import queries, token_client

pytestmark = pytest.mark.django_db


def _activity_url(cycle):
    return f"/api/v1/manage/cycles/{cycle.pk}/activity/"


def _log(cycle, actor, count):
    for n in range(count):
        activity_record(
            cycle=cycle,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="selection_quota",
            data={"old": n, "new": n + 1},
        )


def test_a_call_reads_with_its_phase_and_timeline():
    cycle = cycle_for()

    body = APIClient().get(f"/api/v1/cycles/{cycle.pk}/").json()

    assert (body["phase"], body["phase_label"]) == (CyclePhase.OPEN, "Open for applications")
    assert [m["label"] for m in body["timeline"]] == [
        "Applications open",
        "Applications close",
        "Reviews due",
        "Results announced",
    ]
    assert [m["passed"] for m in body["timeline"]] == [True, False, False, False]


def test_the_activity_log_is_for_the_calls_managers(manager, applicant):
    cycle = cycle_for(Track.STARTUP_SUPPORT)
    _log(cycle, manager.user, 2)
    outsider = ProgramManagerFactory(programs=[program_for(Track.OPEN_INNOVATION)]).user
    url = _activity_url(cycle)

    allowed = token_client(manager.user, scope="read").get(url)
    other_manager = token_client(outsider).get(url)
    company = token_client(applicant).get(url)
    anonymous = APIClient().get(url)
    limited = token_client(manager.user, programs=[program_for(Track.OPEN_INNOVATION)]).get(url)

    assert allowed.status_code == 200
    first = allowed.json()["results"][0]
    assert (first["kind"], first["actor"], first["subject"], first["data"]) == (
        ActivityKind.SETTING_CHANGED,
        manager.user.email,
        "selection_quota",
        {"old": 1, "new": 2},
    )
    assert [other_manager.status_code, company.status_code, limited.status_code] == [404] * 3
    assert anonymous.status_code == 401


def test_activity_log_queries_are_independent_of_page_size_and_n(manager):
    cycle = cycle_for()
    _log(cycle, manager.user, 3)
    api = token_client(manager.user)
    small, small_body = queries(api, _activity_url(cycle), {"page_size": 1})
    few, _ = queries(api, _activity_url(cycle), {"page_size": 50})
    _log(cycle, manager.user, 7)
    many, body = queries(api, _activity_url(cycle), {"page_size": 50})

    assert len(small_body["results"]) == 1 and small_body["next"]
    assert len(body["results"]) == 10
    assert small == few == many


def test_cycle_list_queries_are_independent_of_page_size_and_n():
    for _ in range(2):
        cycle_for()
    api = APIClient()
    small, _ = queries(api, "/api/v1/cycles/", {"page_size": 1})
    few, _ = queries(api, "/api/v1/cycles/", {"page_size": 50})
    for _ in range(4):
        cycle_for()
    many, body = queries(api, "/api/v1/cycles/", {"page_size": 50})

    assert body["count"] == 6
    assert small == few == many
