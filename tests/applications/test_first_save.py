"""A draft is created by the applicant's first save, not by choosing the company; empty
drafts can be deleted from the dashboard."""

import pytest
from django.urls import reverse

from applications import services
from applications.enums import ApplicationStatus
from applications.models import Application, StatusChange
from programs.enums import CyclePhase
from programs.models import Cycle
from tests.factories import (
    CompanyFactory,
    UserFactory,
    cycle_for,
    draft_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(applicant):
    return CompanyFactory(owner=applicant)


@pytest.fixture
def cycle():
    return cycle_for()


def _new(cycle, company, step="project"):
    return reverse("applications:new", args=[cycle.pk, company.pk, step])


def _new_autosave(cycle, company, step="project"):
    return reverse("applications:new_autosave", args=[cycle.pk, company.pk, step])


def _edit(application, step="project"):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": step})


# --- Choosing the company opens the empty form --------------------------------------------


def test_choosing_the_company_opens_the_empty_form_and_creates_nothing(
    client, applicant, company, cycle
):
    client.force_login(applicant)

    chosen = client.post(reverse("applications:start", args=[cycle.pk]), {"company": company.pk})
    company_step = client.get(chosen["Location"]).content.decode()
    project_step = client.get(_new(cycle, company)).content.decode()

    assert chosen["Location"] == _new(cycle, company, "company")
    assert _new(cycle, company, "project") in company_step
    assert f'hx-post="{_new_autosave(cycle, company)}"' in project_step
    assert 'id="draft-created"' in project_step
    assert 'data-step="documents"' in project_step and _new(cycle, company, "documents") not in (
        project_step
    )
    assert not Application.objects.exists()


def test_saving_nothing_creates_nothing(client, applicant, company, cycle):
    client.force_login(applicant)

    saved = client.post(_new(cycle, company), {"version": 1, "action": "save"})
    moved_on = client.post(_new(cycle, company), {"version": 1, "action": "continue"})

    assert saved["Location"] == _new(cycle, company, "project")
    assert moved_on["Location"] == _new(cycle, company, "track")
    assert not Application.objects.exists()


def test_first_save_creates_the_draft_with_the_answers(client, applicant, company, cycle):
    client.force_login(applicant)

    response = client.post(
        _new(cycle, company), {"version": 1, "title": "CAR-NK platform", "action": "continue"}
    )

    application = Application.objects.get()
    assert response["Location"] == _edit(application, "track")
    assert (application.company, application.cycle) == (company, cycle)
    assert application.title == "CAR-NK platform"
    assert application.status == ApplicationStatus.DRAFT
    assert application.created_by == applicant
    assert list(StatusChange.objects.values_list("to_status", flat=True)) == ["draft"]


def test_first_autosave_creates_the_draft_and_later_ones_continue_on_it(
    client, applicant, company, cycle
):
    client.force_login(applicant)

    nothing = client.post(_new_autosave(cycle, company), {"version": 1}, HTTP_HX_REQUEST="true")
    first = client.post(
        _new_autosave(cycle, company), {"version": 1, "title": "Typed"}, HTTP_HX_REQUEST="true"
    )
    application = Application.objects.get()
    # A request already on its way to the new form's address saves into the same draft.
    late = client.post(
        _new_autosave(cycle, company), {"version": 2, "title": "Typed more"}, HTTP_HX_REQUEST="true"
    )
    later = client.post(
        reverse("applications:autosave", args=[application.pk, "project"]),
        {"version": 3, "title": "Typed even more"},
        HTTP_HX_REQUEST="true",
    )

    content = first.content.decode()
    assert nothing.status_code == 204
    assert first.status_code == 200 and "Saved at" in content
    assert 'name="version" value="2" id="id_version" hx-swap-oob="true"' in content
    autosave = reverse("applications:autosave", args=[application.pk, "project"])
    assert f'data-autosave-url="{autosave}"' in content
    assert f'data-edit-url="{_edit(application)}"' in content
    assert late.status_code == 200 and later.status_code == 200
    application.refresh_from_db()
    assert (application.title, application.version) == ("Typed even more", 4)
    assert Application.objects.count() == 1


def test_a_teammates_draft_in_the_meantime_is_a_conflict_not_a_second_draft(
    client, applicant, company, cycle
):
    teammate_draft = draft_application(company=company, cycle=cycle)
    services.application_update(
        application=teammate_draft, actor=applicant, data={"title": "Theirs"}, expected_version=1
    )
    client.force_login(applicant)

    response = client.post(
        _new_autosave(cycle, company), {"version": 1, "title": "Mine"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    teammate_draft.refresh_from_db()
    assert teammate_draft.title == "Theirs"
    assert Application.objects.count() == 1


def test_the_new_form_leads_to_the_live_application_when_there_is_one(
    client, applicant, company, cycle
):
    application = draft_application(company=company, cycle=cycle)
    client.force_login(applicant)

    response = client.get(_new(cycle, company, "track"))

    assert response["Location"] == _edit(application, "track")


def test_documents_step_of_a_new_application_asks_for_a_first_save(
    client, applicant, company, cycle
):
    client.force_login(applicant)

    response = client.get(_new(cycle, company, "documents"))

    assert response["Location"] == _new(cycle, company, "project")
    assert not Application.objects.exists()


def test_new_form_refuses_other_companies_and_closed_calls(client, applicant, company, cycle):
    other = CompanyFactory(owner=UserFactory())
    client.force_login(applicant)

    assert client.get(_new(cycle, other)).status_code == 404
    assert (
        client.post(
            _new_autosave(cycle, other), {"version": 1, "title": "x"}, HTTP_HX_REQUEST="true"
        ).status_code
        == 404
    )
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.CLOSED)
    closed = client.post(_new(cycle, company), {"version": 1, "title": "x"})
    assert closed["Location"] == cycle.get_absolute_url()
    assert not Application.objects.exists()


def test_service_first_save_with_nothing_typed_returns_nothing(applicant, company, cycle):
    application, created = services.application_first_save(
        company=company, cycle=cycle, actor=applicant, data={"title": ""}, expected_version=1
    )

    assert (application, created) == (None, False)
    assert not Application.objects.exists()


# --- Empty drafts on the dashboard ----------------------------------------------------------


def test_dashboard_marks_empty_drafts_and_offers_to_delete_drafts(client, applicant, company):
    empty = draft_application(company=company)
    typed = draft_application(company=company)
    services.application_update(
        application=typed, actor=applicant, data={"title": "Typed"}, expected_version=1
    )
    sent = submitted_application(company=company)
    client.force_login(applicant)

    html = client.get(reverse("applications:dashboard")).content.decode()

    rows = {
        application.pk: html.split(f'data-application="{application.pk}"')[1].split(
            "application-row"
        )[0]
        for application in (empty, typed, sent)
    }
    assert "empty-draft" in rows[empty.pk] and "empty-draft" not in rows[typed.pk]
    assert reverse("applications:delete", args=[empty.pk]) in rows[empty.pk]
    assert reverse("applications:delete", args=[typed.pk]) in rows[typed.pk]
    assert "delete-draft" not in rows[sent.pk]


def test_deleting_a_draft_asks_first_then_deletes_on_post(client, applicant, company):
    application = draft_application(company=company)
    client.force_login(applicant)
    url = reverse("applications:delete", args=[application.pk])

    confirmation = client.get(url)
    assert Application.objects.filter(pk=application.pk).exists()
    response = client.post(url)

    assert confirmation.status_code == 200
    assert "This cannot be undone." in confirmation.content.decode()
    assert response["Location"] == reverse("applications:dashboard")
    assert not Application.objects.filter(pk=application.pk).exists()


def test_only_the_companys_members_delete_its_drafts(client, company):
    application = draft_application(company=company)
    client.force_login(UserFactory())

    assert client.post(reverse("applications:delete", args=[application.pk])).status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()
