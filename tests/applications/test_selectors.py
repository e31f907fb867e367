"""What a person sees of an application's status, history and result: one selector
(``applications.selectors.application_view_for``) for the pages, the API and the e-mails."""

import pytest

from applications import selectors, services
from applications.enums import ApplicationStatus
from programs.enums import CyclePhase
from programs.models import Cycle
from tests.factories import submitted_application

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def _member(application):
    return application.company.memberships.first().user


def _announce(application):
    Cycle.objects.filter(pk=application.cycle_id).update(phase=CyclePhase.ANNOUNCED)
    application.cycle.refresh_from_db()


def _selected(manager, note="Strong plan"):
    application = submitted_application()
    services.application_screen(application=application, actor=manager.user, eligible=True)
    services.application_decide(
        application=application, actor=manager.user, decision=S.SELECTED, note=note
    )
    return application


def test_company_sees_a_staged_decision_as_under_review_and_not_its_row(manager):
    application = _selected(manager)

    view = selectors.application_view_for(_member(application), application)

    assert view.status == S.UNDER_REVIEW
    assert [row.to_status for row in view.timeline] == [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW]
    assert (view.show_result, view.result_note) == (False, "")


def test_manager_sees_the_real_status_and_every_note_before_the_announcement(manager):
    application = _selected(manager)

    view = selectors.application_view_for(manager.user, application)

    assert view.status == S.SELECTED
    assert view.timeline[-1].to_status == S.SELECTED
    assert view.note_for(S.SELECTED) == "Strong plan"
    assert view.show_result is False


def test_company_sees_the_decision_once_announced_without_the_managers_note(manager):
    application = _selected(manager)
    _announce(application)

    view = selectors.application_view_for(_member(application), application)

    assert view.status == S.SELECTED
    assert view.timeline[-1].to_status == S.SELECTED
    assert (view.show_result, view.result_note) == (True, "")


def test_screening_out_is_shown_at_once_with_its_reason(manager):
    application = submitted_application()
    services.application_screen(
        application=application, actor=manager.user, eligible=False, reason="No Korean entity"
    )

    view = selectors.application_view_for(_member(application), application)
    # The e-mails read the same view (``user=None``: the company's).
    email_view = selectors.application_view_for(None, application)

    assert (view.status, view.show_result, view.result_note) == (
        S.INELIGIBLE,
        True,
        "No Korean entity",
    )
    assert email_view == view


def test_status_visible_to_is_the_views_status(manager):
    application = _selected(manager)
    member = _member(application)

    assert selectors.status_visible_to(member, application) == S.UNDER_REVIEW
    assert selectors.status_visible_to(manager.user, application) == S.SELECTED
