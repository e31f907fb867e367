from applications.enums import (
    APPLICATION_TRANSITIONS,
    DECIDED,
    EDITABLE,
    LIVE,
    STAGED,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
)

S = ApplicationStatus


def test_transition_table_is_the_designed_life_of_an_application():
    assert {source: set(targets) for source, targets in APPLICATION_TRANSITIONS.items()} == {
        S.DRAFT: {S.SUBMITTED},
        S.SUBMITTED: {S.UNDER_REVIEW, S.INELIGIBLE, S.WITHDRAWN},
        S.UNDER_REVIEW: {S.SELECTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN},
        S.INELIGIBLE: {S.WITHDRAWN},
        S.SELECTED: {S.WAITLISTED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN},
        S.WAITLISTED: {S.SELECTED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN},
        S.REJECTED: {S.SELECTED, S.WAITLISTED, S.UNDER_REVIEW, S.WITHDRAWN},
        S.WITHDRAWN: set(),
    }


def test_transition_table_covers_every_status_and_only_statuses():
    assert set(APPLICATION_TRANSITIONS) == set(S)
    for targets in APPLICATION_TRANSITIONS.values():
        assert targets <= set(S)


def test_every_edge_has_exactly_one_actor_and_no_actor_for_a_missing_edge():
    edges = {
        (source, target)
        for source, targets in APPLICATION_TRANSITIONS.items()
        for target in targets
    }

    assert set(TRANSITION_ACTORS) == edges


def test_applicant_submits_and_withdraws_manager_does_the_rest():
    for (source, target), actor in TRANSITION_ACTORS.items():
        expected = Actor.APPLICANT if target in (S.SUBMITTED, S.WITHDRAWN) else Actor.MANAGER
        assert actor == expected, (source, target)


def test_status_groups():
    assert {S.DRAFT} == EDITABLE
    assert set(S) - {S.WITHDRAWN} == LIVE
    assert {S.SELECTED, S.WAITLISTED, S.REJECTED} == DECIDED
    # Screening out is told at once, not staged until the announcement.
    assert DECIDED == STAGED


def test_withdrawn_is_terminal_and_nothing_returns_to_draft():
    assert APPLICATION_TRANSITIONS[S.WITHDRAWN] == frozenset()
    assert all(S.DRAFT not in targets for targets in APPLICATION_TRANSITIONS.values())
