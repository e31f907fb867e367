"""The applications API: filters, cursor pages, the schema's enums, and a constant number
of queries per page whatever the page size and the number of applications."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from applications import selectors
from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Track
from tests.factories import (
    CompanyFactory,
    cycle_for,
    draft_application,
    submitted_application,
)
from tests.reviews.selection_helpers import set_phase
from tests.support.api import queries

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"
S = ApplicationStatus


@pytest.fixture
def api():
    return APIClient()


def _ids(body) -> list[int]:
    return [row["id"] for row in body["results"]]


def test_unanswered_choices_read_null_not_an_empty_string(api, applicant):
    application = draft_application(user=applicant, track=Track.STARTUP_SUPPORT)
    api.force_authenticate(applicant)

    row = api.get(f"{URL}{application.pk}/").json()

    assert (row["biotech_field"], row["development_stage"]) == (None, None)


def test_filters_by_call_and_track_and_unknown_ids_filter_to_nothing(api, applicant):
    company = CompanyFactory(owner=applicant)
    startup = draft_application(user=applicant, company=company, track=Track.STARTUP_SUPPORT)
    joint = draft_application(user=applicant, company=company, track=Track.JOINT_RND)
    api.force_authenticate(applicant)

    by_cycle = api.get(URL, {"cycle": joint.cycle_id}).json()
    by_track = api.get(URL, {"track": Track.STARTUP_SUPPORT}).json()
    unknown = api.get(URL, {"cycle": 999_999})
    bad = api.get(URL, {"track": "nonsense"})

    assert _ids(by_cycle) == [joint.pk]
    assert _ids(by_track) == [startup.pk]
    assert unknown.status_code == 200 and unknown.json()["results"] == []
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and set(bad.json()["fields"]) == {"track"}


def test_status_filter_is_the_status_the_caller_sees(api, applicant, manager):
    application = submitted_application(user=applicant)
    Application.objects.filter(pk=application.pk).update(status=S.SELECTED)
    api.force_authenticate(applicant)

    company_under_review = _ids(api.get(URL, {"status": S.UNDER_REVIEW}).json())
    company_selected = _ids(api.get(URL, {"status": S.SELECTED}).json())
    api.force_authenticate(manager.user)
    manager_selected = _ids(api.get(URL, {"status": S.SELECTED}).json())
    set_phase(application.cycle, CyclePhase.ANNOUNCED)
    api.force_authenticate(applicant)
    announced = api.get(URL, {"status": S.SELECTED}).json()

    assert company_under_review == [application.pk]
    assert company_selected == []
    assert manager_selected == [application.pk]
    assert _ids(announced) == [application.pk]
    assert announced["results"][0]["status"] == S.SELECTED


def test_visible_status_annotation_equals_the_rule_for_every_status(applicant, manager):
    application = submitted_application(user=applicant)
    for status in S.values:
        for phase in (CyclePhase.DECIDED, CyclePhase.ANNOUNCED):
            Application.objects.filter(pk=application.pk).update(status=status)
            set_phase(application.cycle, phase)
            for user in (applicant, manager.user):
                rows = selectors.applications_for_api(user).filter(pk=application.pk)
                fresh = Application.objects.get(pk=application.pk)
                expected = (
                    [selectors.status_visible_to(user, fresh)]
                    if user.has_perm("applications.view_application", fresh)
                    else []
                )
                assert [row.visible_status for row in rows] == expected, (status, phase)


def test_updated_since_finds_answers_documents_and_status_changes(api, applicant):
    company = CompanyFactory(owner=applicant)
    old = draft_application(user=applicant, company=company, track=Track.STARTUP_SUPPORT)
    changed = draft_application(user=applicant, company=company, track=Track.JOINT_RND)
    past = timezone.now() - timedelta(days=2)
    Application.objects.filter(pk__in=[old.pk, changed.pk]).update(updated_at=past)
    old.status_changes.update(created_at=past)
    changed.status_changes.update(created_at=past)
    since = timezone.now() - timedelta(days=1)
    changed.status_changes.create(from_status=S.DRAFT, to_status=S.DRAFT, actor=applicant)
    api.force_authenticate(applicant)

    body = api.get(URL, {"updated_since": since.isoformat()}).json()
    bad = api.get(URL, {"updated_since": "yesterday"})

    assert _ids(body) == [changed.pk]
    assert bad.status_code == 400 and "updated_since" in bad.json()["fields"]


def test_cursor_pages_walk_every_application_once(api, applicant):
    company = CompanyFactory(owner=applicant)
    made = [draft_application(user=applicant, company=company, cycle=cycle_for()) for _ in range(5)]
    api.force_authenticate(applicant)

    seen, url, params = [], URL, {"page_size": 2}
    while url:
        body = api.get(url, params).json()
        seen.extend(_ids(body))
        url, params = body["next"], None

    assert seen == [a.pk for a in reversed(made)]
    assert "count" not in body


def _manager_apps(count):
    cycle = cycle_for()
    return [submitted_application(cycle=cycle) for _ in range(count)]


def test_query_count_is_independent_of_page_size_and_of_n(api, manager):
    _manager_apps(3)
    api.force_authenticate(manager.user)
    small, small_body = queries(api, URL, {"page_size": 2})
    few, few_body = queries(api, URL, {"page_size": 50})
    _manager_apps(6)
    many, many_body = queries(api, URL, {"page_size": 50})

    assert len(small_body["results"]) == 2
    assert len(few_body["results"]) == 3 and len(many_body["results"]) == 9
    assert small == few == many
    assert all(row["documents"] for row in many_body["results"])


def test_query_count_for_a_company_member_is_independent_of_page_size(api, applicant):
    company = CompanyFactory(owner=applicant)
    for _ in range(2):
        submitted_application(user=applicant, company=company)
    api.force_authenticate(applicant)
    small, _ = queries(api, URL, {"page_size": 1})
    _big, _ = queries(api, URL, {"page_size": 50})
    for _ in range(3):
        submitted_application(user=applicant, company=company)
    big, body = queries(api, URL, {"page_size": 50})

    assert len(body["results"]) == 5
    assert small == big == _big


@pytest.mark.parametrize(
    "query",
    ["cycle=", "cycle=1&cycle=2", "updated_since=", "cycle=abc", "page_size=0", "page_size=x"],
)
def test_malformed_filters_and_page_sizes_answer_400_not_everything(api, applicant, query):
    draft_application(user=applicant)
    api.force_authenticate(applicant)

    response = api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
