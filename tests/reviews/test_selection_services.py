"""Decisions within the quota, joint approval, announcement (reviews.services, Selection)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.enums import ApplicationStatus
from applications.models import StatusChange
from applications.selectors import applicant_status
from applications.services import application_withdraw
from common.exceptions import TransitionError
from programs.enums import CyclePhase, Organisation, Track
from programs.models import CyclePhaseChange
from reviews.models import DecisionApproval
from reviews.services import (
    QuotaExceeded,
    cycle_announce,
    decisions_approval_withdraw,
    decisions_approve,
    decisions_set,
)
from tests.factories import (
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
    submitted_application,
)
from tests.reviews.selection_helpers import (
    cycle_under_review,
    review_cycle,
    set_phase,
    standing,
    statuses,
)

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def setup(manager):
    cycle, applications = cycle_under_review(manager.user, count=5, quota=3)
    return cycle, applications


def _decide(cycle, applications, decision, actor, **kwargs):
    return decisions_set(
        cycle=cycle, applications=applications, decision=decision, actor=actor, **kwargs
    )


def _approve_both(cycle, manager, ipark_manager):
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)


# --- Decisions and the quota ------------------------------------------------------------


def test_decision_writes_status_and_history_with_the_manager_and_note(setup, manager):
    cycle, (first, *_) = setup

    outcome = _decide(cycle, [first], S.SELECTED, manager.user, note="Strong team")

    first.refresh_from_db()
    assert first.status == S.SELECTED
    assert [a.pk for a in outcome.changed] == [first.pk]
    row = StatusChange.objects.filter(application=first).last()
    assert (row.from_status, row.to_status, row.actor, row.note) == (
        S.UNDER_REVIEW,
        S.SELECTED,
        manager.user,
        "Strong team",
    )


def test_quota_exactly_reached_is_accepted(setup, manager):
    cycle, applications = setup

    _decide(cycle, applications[:3], S.SELECTED, manager.user)

    assert statuses(applications) == [S.SELECTED] * 3 + [S.UNDER_REVIEW] * 2


def test_one_over_the_quota_is_refused_with_the_numbers(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)
    history = StatusChange.objects.count()

    with pytest.raises(QuotaExceeded) as refused:
        _decide(cycle, [applications[3]], S.SELECTED, manager.user)

    assert refused.value.messages == [
        "The quota is 3 and 3 are already selected: selecting 1 more would exceed it."
    ]
    assert statuses(applications) == [S.SELECTED] * 3 + [S.UNDER_REVIEW] * 2
    assert StatusChange.objects.count() == history


def test_bulk_selection_over_the_quota_selects_nobody(setup, manager):
    cycle, applications = setup
    _decide(cycle, [applications[0]], S.SELECTED, manager.user)

    with pytest.raises(QuotaExceeded, match="1 are already selected: selecting 3 more"):
        _decide(cycle, applications[1:4], S.SELECTED, manager.user)

    assert statuses(applications) == [S.SELECTED] + [S.UNDER_REVIEW] * 4


def test_reselecting_the_selected_does_not_count_twice(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)

    outcome = _decide(cycle, applications[:3], S.SELECTED, manager.user)

    assert outcome.changed == []
    assert len(outcome.unchanged) == 3


def test_moving_a_selected_application_away_frees_its_place(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)

    _decide(cycle, [applications[0]], S.WAITLISTED, manager.user)
    _decide(cycle, [applications[3]], S.SELECTED, manager.user, reason="Chosen by the panel.")

    assert statuses(applications) == [
        S.WAITLISTED,
        S.SELECTED,
        S.SELECTED,
        S.SELECTED,
        S.UNDER_REVIEW,
    ]


@pytest.mark.parametrize("source", [S.SELECTED, S.WAITLISTED, S.REJECTED])
def test_a_decision_can_be_taken_back_to_under_review(setup, manager, source):
    cycle, (first, *_) = setup
    _decide(cycle, [first], source, manager.user)

    _decide(cycle, [first], S.UNDER_REVIEW, manager.user)

    first.refresh_from_db()
    assert first.status == S.UNDER_REVIEW


@pytest.mark.parametrize(
    "phase", [CyclePhase.OPEN, CyclePhase.CLOSED, CyclePhase.DRAFT, CyclePhase.ARCHIVED]
)
def test_decisions_refused_outside_review_and_decided(setup, manager, phase):
    cycle, (first, *_) = setup
    set_phase(cycle, phase)

    with pytest.raises(TransitionError):
        _decide(cycle, [first], S.REJECTED, manager.user)

    first.refresh_from_db()
    assert first.status == S.UNDER_REVIEW


def test_decision_refused_for_an_application_of_another_cycle(setup, manager):
    cycle, applications = setup
    _other, (stranger,) = cycle_under_review(manager.user, count=1)

    with pytest.raises(ValidationError, match="not in this cycle"):
        _decide(cycle, [applications[0], stranger], S.REJECTED, manager.user)

    assert statuses([applications[0], stranger]) == [S.UNDER_REVIEW, S.UNDER_REVIEW]


def test_decision_refused_for_a_submitted_application_not_screened(manager):
    cycle = review_cycle()
    application = submitted_application(cycle=cycle)
    set_phase(cycle, CyclePhase.REVIEW)

    with pytest.raises(TransitionError, match="cannot be set to “Selected”"):
        _decide(cycle, [application], S.SELECTED, manager.user)


@pytest.mark.parametrize("who", ["applicant", "reviewer", "other_program_manager", "staff"])
def test_decisions_refused_to_anyone_but_a_manager_of_the_program(setup, who):
    cycle, (first, *_) = setup
    actor = {
        "applicant": lambda: first.company.memberships.get().user,
        "reviewer": lambda: ReviewerFactory().user,
        "other_program_manager": lambda: (
            ProgramManagerFactory(programs=[program_for(Track.OPEN_INNOVATION)]).user
        ),
        "staff": lambda: UserFactory(is_staff=True),
    }[who]()

    with pytest.raises(PermissionDenied):
        _decide(cycle, [first], S.SELECTED, actor)

    first.refresh_from_db()
    assert first.status == S.UNDER_REVIEW


def test_empty_choice_or_unknown_decision_is_a_clear_error(setup, manager):
    cycle, (first, *_) = setup

    with pytest.raises(ValidationError, match="Choose at least one application"):
        _decide(cycle, [], S.SELECTED, manager.user)
    with pytest.raises(ValidationError, match="Choose selected, waitlisted"):
        _decide(cycle, [first], S.WITHDRAWN, manager.user)


# --- Joint approval ---------------------------------------------------------------------


def test_each_manager_approves_for_their_own_organisation(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide(cycle, applications, S.REJECTED, manager.user)

    mss = decisions_approve(cycle=cycle, actor=manager.user)
    ipark = decisions_approve(cycle=cycle, actor=ipark_manager.user)

    assert (mss.organisation, mss.manager) == (Organisation.MSS, manager)
    assert (ipark.organisation, ipark.manager) == (Organisation.IPARK, ipark_manager)
    assert standing(cycle) == {Organisation.MSS, Organisation.IPARK}


def test_approving_twice_keeps_the_standing_approval(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications, S.REJECTED, manager.user)
    first = decisions_approve(cycle=cycle, actor=manager.user)
    colleague = ProgramManagerFactory(organisation=Organisation.MSS)

    again = decisions_approve(cycle=cycle, actor=colleague.user)

    assert again == first
    assert DecisionApproval.objects.filter(cycle=cycle).count() == 1


def test_approval_refused_while_applications_are_undecided(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)

    with pytest.raises(TransitionError, match="2 are still under review"):
        decisions_approve(cycle=cycle, actor=manager.user)

    assert not DecisionApproval.objects.exists()


@pytest.mark.parametrize("who", ["superuser", "inactive_manager", "other_program", "reviewer"])
def test_approval_refused_to_people_without_an_organisation_for_the_program(setup, manager, who):
    cycle, applications = setup
    _decide(cycle, applications, S.REJECTED, manager.user)
    actor = {
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "inactive_manager": lambda: ProgramManagerFactory(is_active=False).user,
        "other_program": lambda: (
            ProgramManagerFactory(programs=[program_for(Track.JOINT_RND)]).user
        ),
        "reviewer": lambda: ReviewerFactory().user,
    }[who]()

    with pytest.raises(PermissionDenied):
        decisions_approve(cycle=cycle, actor=actor)

    assert not DecisionApproval.objects.exists()


def test_any_decision_change_withdraws_every_standing_approval(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)
    _decide(cycle, applications[3:], S.WAITLISTED, manager.user)
    _approve_both(cycle, manager, ipark_manager)

    outcome = _decide(cycle, [applications[4]], S.REJECTED, ipark_manager.user)

    assert standing(cycle) == set()
    assert {a.organisation for a in outcome.approvals_withdrawn} == {
        Organisation.MSS,
        Organisation.IPARK,
    }
    reasons = set(DecisionApproval.objects.values_list("withdrawn_reason", flat=True))
    assert reasons == {
        f"{ipark_manager.user} changed {applications[4].reference} to “Not selected”."
    }
    assert DecisionApproval.objects.filter(withdrawn_at__isnull=False).count() == 2


def test_a_decision_left_as_it_was_withdraws_nothing(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide(cycle, applications, S.REJECTED, manager.user)
    _approve_both(cycle, manager, ipark_manager)

    outcome = _decide(cycle, applications[:2], S.REJECTED, manager.user)

    assert outcome.approvals_withdrawn == []
    assert standing(cycle) == {Organisation.MSS, Organisation.IPARK}


def test_refused_change_withdraws_nothing(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)
    _decide(cycle, applications[3:], S.REJECTED, manager.user)
    _approve_both(cycle, manager, ipark_manager)

    with pytest.raises(QuotaExceeded):
        _decide(cycle, [applications[3]], S.SELECTED, manager.user)

    assert standing(cycle) == {Organisation.MSS, Organisation.IPARK}


def test_manager_withdraws_their_organisations_approval(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide(cycle, applications, S.REJECTED, manager.user)
    _approve_both(cycle, manager, ipark_manager)

    withdrawn = decisions_approval_withdraw(cycle=cycle, actor=ipark_manager.user)

    assert withdrawn.organisation == Organisation.IPARK
    assert withdrawn.withdrawn_reason == f"Withdrawn by {ipark_manager.user}."
    assert standing(cycle) == {Organisation.MSS}
    assert decisions_approval_withdraw(cycle=cycle, actor=ipark_manager.user) is None


# --- Announcement -----------------------------------------------------------------------


def _decide_all(cycle, applications, manager):
    _decide(cycle, applications[:2], S.SELECTED, manager.user)
    _decide(cycle, applications[2:4], S.WAITLISTED, manager.user)
    _decide(cycle, applications[4:], S.REJECTED, manager.user)


def test_announce_refused_without_both_approvals(setup, manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    decisions_approve(cycle=cycle, actor=manager.user)

    with pytest.raises(TransitionError) as refused:
        cycle_announce(cycle=cycle, actor=manager.user)

    assert refused.value.messages == [
        "A manager of iPark (Shonan Health Innovation Park) has not approved the decisions."
    ]
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW


def test_announce_refused_with_undecided_applications_and_says_which(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    _approve_both(cycle, manager, ipark_manager)
    _decide(cycle, [applications[4]], S.UNDER_REVIEW, manager.user)

    with pytest.raises(TransitionError) as refused:
        cycle_announce(cycle=cycle, actor=manager.user)

    assert refused.value.messages == [
        f"1 application is still under review: {applications[4].reference}.",
        "A manager of MSS (Ministry of SMEs and Startups) has not approved the decisions.",
        "A manager of iPark (Shonan Health Innovation Park) has not approved the decisions.",
    ]
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW


def test_announce_moves_the_cycle_through_decided_to_announced(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    _approve_both(cycle, manager, ipark_manager)

    cycle_announce(cycle=cycle, actor=ipark_manager.user)

    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED
    assert list(
        CyclePhaseChange.objects.filter(cycle=cycle).values_list("from_phase", "to_phase", "actor")
    ) == [
        (CyclePhase.REVIEW, CyclePhase.DECIDED, ipark_manager.user.pk),
        (CyclePhase.DECIDED, CyclePhase.ANNOUNCED, ipark_manager.user.pk),
    ]
    first = applications[0]
    first.refresh_from_db()
    assert applicant_status(first) == S.SELECTED


def test_announcing_twice_is_refused_and_changes_nothing(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    _approve_both(cycle, manager, ipark_manager)
    cycle_announce(cycle=cycle, actor=manager.user)

    with pytest.raises(TransitionError, match="already been announced"):
        cycle_announce(cycle=cycle, actor=manager.user)

    assert CyclePhaseChange.objects.filter(cycle=cycle).count() == 2


def test_announce_refused_to_a_manager_of_another_program(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    _approve_both(cycle, manager, ipark_manager)
    outsider = ProgramManagerFactory(programs=[program_for(Track.JOINT_RND)])

    with pytest.raises(PermissionDenied):
        cycle_announce(cycle=cycle, actor=outsider.user)

    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.REVIEW


def test_decisions_are_hidden_from_the_company_until_announced(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    first = applications[0]
    first.refresh_from_db()
    assert applicant_status(first) == S.UNDER_REVIEW

    _approve_both(cycle, manager, ipark_manager)
    cycle_announce(cycle=cycle, actor=manager.user)

    first.refresh_from_db()
    assert applicant_status(first) == S.SELECTED


# --- After the announcement: only the waitlist moves ------------------------------------


@pytest.fixture
def announced(setup, manager, ipark_manager):
    cycle, applications = setup
    _decide_all(cycle, applications, manager)
    _approve_both(cycle, manager, ipark_manager)
    cycle_announce(cycle=cycle, actor=manager.user)
    cycle.refresh_from_db()
    return cycle, applications


def test_waitlisted_can_be_promoted_after_announcement_within_the_quota(announced, manager):
    cycle, applications = announced

    _decide(cycle, [applications[2]], S.SELECTED, manager.user)

    assert statuses(applications)[2] == S.SELECTED
    # The approvals of the announced list stay as they were.
    assert standing(cycle) == {Organisation.MSS, Organisation.IPARK}
    with pytest.raises(QuotaExceeded):
        _decide(cycle, [applications[3]], S.SELECTED, manager.user)


@pytest.mark.parametrize(
    ("index", "decision"),
    [(0, S.REJECTED), (0, S.UNDER_REVIEW), (4, S.SELECTED), (2, S.UNDER_REVIEW)],
)
def test_announced_outcomes_other_than_the_waitlist_are_final(announced, manager, index, decision):
    cycle, applications = announced
    before = statuses(applications)

    with pytest.raises(TransitionError, match="only waitlisted applications"):
        _decide(cycle, [applications[index]], decision, manager.user)

    assert statuses(applications) == before


def test_approval_cannot_be_withdrawn_after_announcement(announced, manager):
    cycle, _ = announced

    with pytest.raises(TransitionError, match="approvals are final"):
        decisions_approval_withdraw(cycle=cycle, actor=manager.user)


def test_member_withdrawal_before_announcement_leaves_the_quota_count_right(setup, manager):
    cycle, applications = setup
    _decide(cycle, applications[:3], S.SELECTED, manager.user)
    owner = applications[0].company.memberships.get().user
    MembershipFactory(company=applications[0].company)

    application_withdraw(application=applications[0], actor=owner, reason="Merged")
    _decide(cycle, [applications[3]], S.SELECTED, manager.user)

    assert statuses(applications)[:4] == [S.WITHDRAWN, S.SELECTED, S.SELECTED, S.SELECTED]
