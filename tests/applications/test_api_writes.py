"""The applicant's write path over the API: the same services, state machine, deadline and
permission checks as the pages, answered in the one error contract."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.enums import REQUIRED_CONSENTS, ApplicationStatus, ConsentKind
from applications.models import Application, Consent, StatusChange
from programs.enums import Track
from programs.models import Cycle
from tests.factories import CompanyFactory, cycle_for, draft_application, pdf_upload
from tests.factories.applications import PROJECT_ANSWERS, TRACK_ANSWERS
from tests.support.api import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications/"
CONSENTS = {"consents": list(ConsentKind.values)}


def _answers(version: int) -> dict:
    return {**PROJECT_ANSWERS, **TRACK_ANSWERS[Track.STARTUP_SUPPORT], "version": version}


def test_the_whole_write_path_start_answer_upload_consent_submit(applicant):
    company = CompanyFactory(owner=applicant)
    cycle = cycle_for(Track.STARTUP_SUPPORT)
    api = token_client(applicant)

    started = api.post(URL, {"cycle": cycle.pk, "company": company.pk}, format="json")
    again = api.post(URL, {"cycle": cycle.pk, "company": company.pk}, format="json")
    pk = started.json()["id"]
    saved = api.patch(f"{URL}{pk}/", _answers(started.json()["version"]), format="json")
    uploaded = api.post(
        f"{URL}{pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload("Business plan.pdf")},
        format="multipart",
    )
    without_consent = api.post(f"{URL}{pk}/submit/", {"consents": []}, format="json")
    submitted = api.post(f"{URL}{pk}/submit/", CONSENTS, format="json")
    after = api.patch(f"{URL}{pk}/", {"version": 3, "title": "Changed"}, format="json")

    assert started.status_code == 201 and started.json()["status"] == ApplicationStatus.DRAFT
    assert again.status_code == 200 and again.json()["id"] == pk
    assert saved.status_code == 200
    assert saved.json()["title"] == PROJECT_ANSWERS["title"]
    assert saved.json()["biotech_field"] == TRACK_ANSWERS[Track.STARTUP_SUPPORT]["biotech_field"]
    assert uploaded.status_code == 201
    assert uploaded.json()["original_name"] == "Business plan.pdf"
    assert without_consent.status_code == 400, without_consent.json()
    assert without_consent.json() == {
        "code": "submission_incomplete",
        "detail": "Both consents are needed to submit.",
        "fields": {"consents": ["Both consents are needed to submit."]},
    }
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == ApplicationStatus.SUBMITTED
    assert body["reference"] == f"SS-{cycle.code}-0001"
    application = Application.objects.get(pk=pk)
    assert application.status == ApplicationStatus.SUBMITTED
    assert sorted(
        Consent.objects.filter(application=application).values_list("kind", flat=True)
    ) == sorted(REQUIRED_CONSENTS)
    assert list(
        StatusChange.objects.filter(application=application).values_list("to_status", flat=True)
    ) == [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]
    assert after.status_code == 409
    assert after.json()["code"] == "not_editable"


def test_submitting_after_the_deadline_is_refused_with_the_pages_message(applicant):
    application = draft_application(user=applicant)
    api = token_client(applicant)
    api.patch(f"{URL}{application.pk}/", _answers(application.version), format="json")
    api.post(
        f"{URL}{application.pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload()},
        format="multipart",
    )
    Cycle.objects.filter(pk=application.cycle_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    late = api.post(f"{URL}{application.pk}/submit/", CONSENTS, format="json")

    assert late.status_code == 409
    assert late.json() == {
        "code": "deadline_passed",
        "detail": "The call is no longer accepting applications.",
        "fields": {},
    }
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and not application.reference


def test_an_incomplete_draft_is_refused_naming_every_missing_answer_and_document(applicant):
    application = draft_application(user=applicant)

    response = token_client(applicant).post(
        f"{URL}{application.pk}/submit/", CONSENTS, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "submission_incomplete"
    assert {"title", "summary", "biotech_field", "documents.business_plan"} <= set(body["fields"])
    assert body["fields"]["title"] == ["Project title: this answer is required."]
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_another_companys_draft_is_not_found_and_cannot_be_changed(applicant, other_applicant):
    draft = draft_application(user=applicant)
    intruder = token_client(other_applicant)

    changed = intruder.patch(f"{URL}{draft.pk}/", {"version": 1, "title": "Mine"}, format="json")
    uploaded = intruder.post(
        f"{URL}{draft.pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload()},
        format="multipart",
    )
    submitted = intruder.post(f"{URL}{draft.pk}/submit/", CONSENTS, format="json")
    started = intruder.post(
        URL, {"cycle": draft.cycle_id, "company": draft.company_id}, format="json"
    )

    assert [changed.status_code, uploaded.status_code, submitted.status_code] == [404] * 3
    assert changed.json()["code"] == "not_found"
    assert started.status_code == 404 and started.json()["code"] == "not_found"
    draft.refresh_from_db()
    assert draft.title == "" and not draft.documents.exists()
    assert Application.objects.count() == 1


def test_stale_version_unknown_answers_and_bad_values_are_refused(applicant):
    draft = draft_application(user=applicant)
    api = token_client(applicant)
    api.patch(f"{URL}{draft.pk}/", {"version": 1, "title": "First"}, format="json")

    stale = api.patch(f"{URL}{draft.pk}/", {"version": 1, "title": "Second"}, format="json")
    other_track = api.patch(
        f"{URL}{draft.pk}/", {"version": 2, "collaboration_plan": "x"}, format="json"
    )
    bad = api.patch(f"{URL}{draft.pk}/", {"version": 2, "budget_krw": 0}, format="json")
    not_pdf = api.post(
        f"{URL}{draft.pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload("x.pdf", b"not a pdf at all")},
        format="multipart",
    )

    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert "version 2" in stale.json()["detail"]
    assert other_track.status_code == 400
    assert other_track.json()["fields"] == {
        "collaboration_plan": ["This program does not ask for this answer."]
    }
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"budget_krw"}
    assert not_pdf.status_code == 400 and set(not_pdf.json()["fields"]) == {"file"}
    draft.refresh_from_db()
    assert (draft.title, draft.version, draft.budget_krw) == ("First", 2, None)


def test_a_read_token_cannot_start_or_change_a_draft(applicant):
    draft = draft_application(user=applicant)
    api = token_client(applicant, scope="read")

    started = api.post(URL, {"cycle": draft.cycle_id, "company": draft.company_id}, format="json")
    changed = api.patch(f"{URL}{draft.pk}/", {"version": 1, "title": "x"}, format="json")

    assert (started.status_code, changed.status_code) == (403, 403)
    assert changed.json()["code"] == "token_read_only"


def test_starting_in_a_closed_call_is_refused(applicant):
    company = CompanyFactory(owner=applicant)
    cycle = cycle_for()
    Cycle.objects.filter(pk=cycle.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    response = token_client(applicant).post(
        URL, {"cycle": cycle.pk, "company": company.pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "cycle_not_accepting"
