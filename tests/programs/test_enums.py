from programs.enums import CYCLE_TRANSITIONS, PUBLIC_PHASES, CyclePhase


def test_cycle_transition_table_covers_every_phase():
    assert set(CYCLE_TRANSITIONS) == set(CyclePhase)
    for targets in CYCLE_TRANSITIONS.values():
        assert targets <= set(CyclePhase)


def test_cycle_transition_table_follows_the_life_of_a_cycle():
    assert CYCLE_TRANSITIONS[CyclePhase.DRAFT] == {CyclePhase.OPEN}
    assert CYCLE_TRANSITIONS[CyclePhase.REVIEW] == {CyclePhase.DECIDED}
    assert CYCLE_TRANSITIONS[CyclePhase.ANNOUNCED] == {CyclePhase.ARCHIVED}
    assert CYCLE_TRANSITIONS[CyclePhase.ARCHIVED] == frozenset()
    # Results, once announced, are never taken back.
    assert all(
        CyclePhase.ANNOUNCED not in targets or source == CyclePhase.DECIDED
        for source, targets in CYCLE_TRANSITIONS.items()
    )


def test_draft_cycles_are_not_public():
    assert CyclePhase.DRAFT not in PUBLIC_PHASES
    assert CyclePhase.OPEN in PUBLIC_PHASES
