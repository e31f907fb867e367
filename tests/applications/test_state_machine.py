"""Every allowed and every forbidden transition of the application status machine."""

import pytest
from django.core.exceptions import PermissionDenied

from applications import services
from applications.enums import (
    APPLICATION_TRANSITIONS,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
    ConsentKind,
)
from applications.models import Application, StatusChange
from common.exceptions import TransitionError
from programs.enums import CyclePhase, Track
from programs.models import Cycle
from tests.factories import (
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    complete_application,
    draft_application,
    program_for,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus

# How to bring an application into each status, through the services only.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.INELIGIBLE: [S.SUBMITTED, S.INELIGIBLE],
    S.SELECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.SELECTED],
    S.WAITLISTED: [S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED],
    S.REJECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}


@pytest.fixture
def people(manager):
    owner = UserFactory(email="owner@example.com")
    return {"owner": owner, "manager": manager.user}


def _move(application, target, people, note="") -> Application:
    if target == S.SUBMITTED:
        return services.application_submit(
            application=application, actor=people["owner"], consents=ConsentKind.values
        )
    actor = (
        people["owner"]
        if TRANSITION_ACTORS[(application.status, target)] == Actor.APPLICANT
        else people["manager"]
    )
    return services.application_transition(
        application=application, to=target, actor=actor, note=note
    )


def _application_in(status, people) -> Application:
    application = draft_application(user=people["owner"])
    complete_application(application, user=people["owner"])
    for step in PATHS[status]:
        _move(application, step, people, note="screening reason" if step == S.INELIGIBLE else "")
    assert application.status == status
    return application


ALLOWED = [
    (source, target)
    for source, targets in APPLICATION_TRANSITIONS.items()
    for target in sorted(targets)
]
FORBIDDEN = [
    (source, target)
    for source in S
    for target in S
    if target not in APPLICATION_TRANSITIONS[source]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transition_changes_status_and_writes_history(source, target, people):
    application = _application_in(source, people)
    rows_before = application.status_changes.count()

    _move(application, target, people, note="because")

    application.refresh_from_db()
    assert application.status == target
    assert application.status_changes.count() == rows_before + 1
    last = application.status_changes.last()
    expected_actor = (
        people["owner"]
        if TRANSITION_ACTORS[(source, target)] == Actor.APPLICANT
        else people["manager"]
    )
    assert (last.from_status, last.to_status, last.actor) == (source, target, expected_actor)
    assert last.note == ("" if target == S.SUBMITTED else "because")


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(source, target, people):
    application = _application_in(source, people)
    rows_before = application.status_changes.count()

    with pytest.raises(TransitionError):
        if target == S.SUBMITTED:
            services.application_submit(
                application=application, actor=people["owner"], consents=ConsentKind.values
            )
        else:
            # Even the superuser, who may act as any manager, cannot bend the table.
            superuser = UserFactory(is_superuser=True, is_staff=True)
            MembershipFactory(company=application.company, user=superuser)
            services.application_transition(application=application, to=target, actor=superuser)

    application.refresh_from_db()
    assert application.status == source
    assert application.status_changes.count() == rows_before


MANAGER_EDGES = [edge for edge, actor in TRANSITION_ACTORS.items() if actor == Actor.MANAGER]
APPLICANT_EDGES = [edge for edge, actor in TRANSITION_ACTORS.items() if actor == Actor.APPLICANT]


@pytest.mark.parametrize(("source", "target"), MANAGER_EDGES)
@pytest.mark.parametrize("intruder", ["owner", "member", "reviewer", "other_program_manager"])
def test_manager_transition_refused_to_anyone_but_a_manager_of_the_program(
    source, target, intruder, people
):
    application = _application_in(source, people)
    if intruder == "owner":
        actor = people["owner"]
    elif intruder == "member":
        actor = MembershipFactory(company=application.company).user
    elif intruder == "reviewer":
        actor = ReviewerFactory().user
    else:
        other = next(p for p in Track if p != application.track)
        actor = ProgramManagerFactory(programs=[program_for(other)]).user

    with pytest.raises(PermissionDenied):
        services.application_transition(application=application, to=target, actor=actor)

    application.refresh_from_db()
    assert application.status == source


@pytest.mark.parametrize(("source", "target"), APPLICANT_EDGES)
@pytest.mark.parametrize("intruder", ["manager", "other_company_member", "reviewer"])
def test_applicant_transition_refused_to_anyone_outside_the_company(
    source, target, intruder, people
):
    application = _application_in(source, people)
    actor = {
        "manager": people["manager"],
        "other_company_member": MembershipFactory().user,
        "reviewer": ReviewerFactory().user,
    }[intruder]

    with pytest.raises(PermissionDenied):
        if target == S.SUBMITTED:
            services.application_submit(
                application=application, actor=actor, consents=ConsentKind.values
            )
        else:
            services.application_transition(application=application, to=target, actor=actor)

    application.refresh_from_db()
    assert application.status == source


def test_inactive_manager_cannot_screen(people, manager):
    application = _application_in(S.SUBMITTED, people)
    manager.is_active = False
    manager.save()

    with pytest.raises(PermissionDenied):
        services.application_screen(application=application, actor=manager.user, eligible=True)


def test_member_who_is_not_owner_may_submit_and_withdraw(people):
    application = draft_application(user=people["owner"])
    complete_application(application)
    member = MembershipFactory(company=application.company).user

    services.application_submit(application=application, actor=member, consents=ConsentKind.values)
    services.application_withdraw(application=application, actor=member, reason="Pivot")

    assert application.status == S.WITHDRAWN
    assert application.status_changes.last().note == "Pivot"


@pytest.mark.parametrize("staged", [S.SELECTED, S.WAITLISTED, S.REJECTED])
def test_withdraw_of_staged_outcome_allowed_before_announcement_refused_after(staged, people):
    before = _application_in(staged, people)
    services.application_withdraw(application=before, actor=people["owner"])
    assert before.status == S.WITHDRAWN

    after = _application_in(staged, people)
    Cycle.objects.filter(pk=after.cycle_id).update(phase=CyclePhase.ANNOUNCED)

    with pytest.raises(TransitionError) as error:
        services.application_withdraw(application=after, actor=people["owner"])

    assert error.value.code == "already_announced"
    after.refresh_from_db()
    assert after.status == staged


def test_ineligible_may_be_withdrawn_even_after_the_announcement(people):
    application = _application_in(S.INELIGIBLE, people)
    Cycle.objects.filter(pk=application.cycle_id).update(phase=CyclePhase.ANNOUNCED)

    services.application_withdraw(application=application, actor=people["owner"])

    assert application.status == S.WITHDRAWN


def test_screen_out_needs_a_reason(people):
    application = _application_in(S.SUBMITTED, people)

    with pytest.raises(Exception) as error:
        services.application_screen(
            application=application, actor=people["manager"], eligible=False
        )

    assert "reason" in error.value.message_dict
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_screen_and_decide_named_wrappers(people):
    application = _application_in(S.SUBMITTED, people)

    services.application_screen(application=application, actor=people["manager"], eligible=True)
    services.application_decide(
        application=application, actor=people["manager"], decision=S.WAITLISTED, note="Ranked 6th"
    )
    services.application_decide(
        application=application, actor=people["manager"], decision=S.SELECTED
    )

    assert [
        (row.from_status, row.to_status)
        for row in StatusChange.objects.filter(application=application)
    ] == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.WAITLISTED),
        (S.WAITLISTED, S.SELECTED),
    ]


def test_decide_refuses_a_status_that_is_not_a_decision(people):
    application = _application_in(S.UNDER_REVIEW, people)

    with pytest.raises(Exception) as error:
        services.application_decide(
            application=application, actor=people["manager"], decision=S.WITHDRAWN
        )

    assert "decision" in error.value.message_dict


def test_transition_to_submitted_only_through_submit(people):
    application = _application_in(S.DRAFT, people)

    with pytest.raises(TransitionError):
        services.application_transition(
            application=application, to=S.SUBMITTED, actor=people["owner"]
        )

    application.refresh_from_db()
    assert application.status == S.DRAFT
