"""Automatic reviewer assignment (``reviews.assignment``): worked cases, the exact
infeasibility reports, and every guarantee checked on generated instances — against an
exhaustive solver on small ones, against a local-optimality certificate on larger ones."""

import itertools
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.enums import Field, Organisation
from reviews.assignment import (
    ApplicationToAssign,
    AssignmentInfeasible,
    AssignmentProposal,
    KeptAssignment,
    ProblemCode,
    ReviewerToAssign,
    find_assignment_problems,
    propose_assignments,
)

MSS = Organisation.MSS.value
IPARK = Organisation.IPARK.value
ICT = Field.ICT.value
CELL = Field.CELL_THERAPY.value
GENE = Field.GENE_THERAPY.value
FIELDS = [ICT, CELL, GENE]
PROPERTY_SETTINGS = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,  # CI runs the same examples every time
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def app(pk, field=ICT, company=None):
    return ApplicationToAssign(pk, f"OI-2027R1-{pk:04d}", company or 100 + pk, field)


def reviewer(pk, organisation, *expertise, active=True, name=""):
    return ReviewerToAssign(pk, organisation, frozenset(expertise), active, name)


# --- Worked cases -------------------------------------------------------------------------


def test_propose_two_applications_one_reviewer_of_each_organisation_each():
    reviewers = [reviewer(1, MSS), reviewer(2, MSS), reviewer(3, IPARK), reviewer(4, IPARK)]

    proposal = propose_assignments(
        applications=[app(1), app(2)], reviewers=reviewers, reviews_per_application=2
    )

    for pk in (1, 2):
        organisations = sorted(reviewers[r - 1].organisation for r in proposal.proposed[pk])
        assert organisations == [IPARK, MSS]
    assert proposal.loads == {1: 1, 2: 1, 3: 1, 4: 1}
    assert (proposal.new_assignments, proposal.load_spread) == (4, 0)


def test_propose_prefers_the_reviewer_whose_expertise_matches():
    reviewers = [reviewer(1, MSS, CELL), reviewer(2, MSS, ICT), reviewer(3, IPARK, ICT)]

    proposal = propose_assignments(
        applications=[app(1, ICT)], reviewers=reviewers, reviews_per_application=2
    )

    assert proposal.proposed == {1: (2, 3)}
    assert (proposal.expertise_matches, proposal.expertise_match_rate) == (2, 1.0)


def test_propose_expertise_never_costs_balance():
    # Both applications are ICT and only MSS reviewer 2 knows ICT: matching both would
    # give reviewer 2 two reviews and reviewer 1 none.
    reviewers = [reviewer(1, MSS, CELL), reviewer(2, MSS, ICT), reviewer(3, IPARK, ICT)]

    proposal = propose_assignments(
        applications=[app(1, ICT), app(2, ICT)], reviewers=reviewers, reviews_per_application=2
    )

    assert proposal.loads == {1: 1, 2: 1, 3: 2}
    assert (proposal.expertise_matches, proposal.expertise_possible) == (3, 4)
    assert proposal.expertise_match_rate == 0.75


def test_propose_third_review_goes_to_either_organisation_keeping_loads_even():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK), reviewer(3, IPARK)]

    proposal = propose_assignments(
        applications=[app(1), app(2)], reviewers=reviewers, reviews_per_application=3
    )

    assert proposal.proposed == {1: (1, 2, 3), 2: (1, 2, 3)}
    assert proposal.loads == {1: 2, 2: 2, 3: 2}


def test_propose_keeps_manual_assignments_and_counts_them():
    reviewers = [reviewer(1, MSS), reviewer(2, MSS), reviewer(3, IPARK), reviewer(4, IPARK)]
    kept = [KeptAssignment(1, 1)]

    proposal = propose_assignments(
        applications=[app(1), app(2)], reviewers=reviewers, reviews_per_application=2, kept=kept
    )

    assert proposal.kept == {1: (1,), 2: ()}
    assert len(proposal.proposed[1]) == 1
    assert proposal.proposed[1][0] in (3, 4)  # the iPark reviewer it lacked
    assert proposal.reviewers_for(1) == tuple(sorted((1, *proposal.proposed[1])))
    assert 1 not in proposal.proposed[2]  # reviewer 1 already has one review
    assert proposal.load_spread == 0


def test_propose_manual_assignments_over_the_number_still_get_the_missing_organisation():
    reviewers = [reviewer(1, MSS), reviewer(2, MSS), reviewer(3, IPARK)]
    kept = [KeptAssignment(1, 1), KeptAssignment(1, 2)]

    proposal = propose_assignments(
        applications=[app(1)], reviewers=reviewers, reviews_per_application=2, kept=kept
    )

    assert proposal.proposed == {1: (3,)}
    assert proposal.reviewers_for(1) == (1, 2, 3)


def test_propose_fully_covered_application_gets_nothing_new():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK)]
    kept = [KeptAssignment(1, 1), KeptAssignment(1, 2)]

    proposal = propose_assignments(
        applications=[app(1)], reviewers=reviewers, reviews_per_application=2, kept=kept
    )

    assert (proposal.proposed, proposal.new_assignments) == ({1: ()}, 0)
    assert proposal.expertise_match_rate is None


def test_propose_fills_the_least_loaded_reviewers_first_when_manual_ones_unbalance():
    # Reviewer 1 already has 4 reviews elsewhere in the cycle: new work goes to 2 and 3
    # until they catch up, and nothing pushes reviewer 1 further ahead.
    reviewers = [reviewer(1, MSS), reviewer(2, MSS), reviewer(3, MSS), reviewer(4, IPARK)]
    kept = [KeptAssignment(pk, 1) for pk in (91, 92, 93, 94)]

    proposal = propose_assignments(
        applications=[app(pk) for pk in (1, 2, 3, 4)],
        reviewers=reviewers,
        reviews_per_application=2,
        kept=kept,
    )

    assert proposal.loads == {1: 4, 2: 2, 3: 2, 4: 4}


def test_propose_skips_conflicted_declined_and_inactive_reviewers():
    reviewers = [
        reviewer(1, MSS),  # conflict with company 101
        reviewer(2, MSS),  # declined application 1
        reviewer(3, MSS, active=False),
        reviewer(4, MSS),
        reviewer(5, IPARK),
    ]

    proposal = propose_assignments(
        applications=[app(1, company=101)],
        reviewers=reviewers,
        reviews_per_application=2,
        conflicts=[(1, 101)],
        declined=[(2, 1)],
    )

    assert proposal.proposed == {1: (4, 5)}
    assert 3 not in proposal.loads  # inactive reviewers are not part of the balance


def test_propose_same_input_in_any_order_gives_the_same_proposal():
    rnd = random.Random(7)
    reviewers = [reviewer(pk, (MSS, IPARK)[pk % 2], rnd.choice(FIELDS)) for pk in range(1, 9)]
    applications = [app(pk, rnd.choice(FIELDS)) for pk in range(1, 30)]
    conflicts = [(1, 105), (2, 110), (3, 120)]

    first = propose_assignments(
        applications=applications,
        reviewers=reviewers,
        reviews_per_application=3,
        conflicts=conflicts,
        seed=5,
    )
    second = propose_assignments(
        applications=list(reversed(applications)),
        reviewers=list(reversed(reviewers)),
        reviews_per_application=3,
        conflicts=list(reversed(conflicts)),
        seed=5,
    )

    assert first == second


def test_propose_seed_changes_who_gets_the_extra_review():
    # Three applications, two reviews each, four MSS reviewers: one MSS reviewer gets none.
    reviewers = [reviewer(pk, MSS) for pk in (1, 2, 3, 4)] + [reviewer(5, IPARK)]
    idle = {
        next(
            r
            for r, load in propose_assignments(
                applications=[app(1), app(2), app(3)],
                reviewers=reviewers,
                reviews_per_application=2,
                seed=seed,
            ).loads.items()
            if load == 0
        )
        for seed in range(12)
    }

    assert len(idle) > 1


def test_propose_fewer_than_two_reviews_per_application_is_a_programming_error():
    with pytest.raises(ValueError, match="at least two reviews"):
        propose_assignments(applications=[app(1)], reviewers=[], reviews_per_application=1)


# --- Infeasible: clear reasons, nothing proposed --------------------------------------------


def test_propose_no_unconflicted_ipark_reviewer_reports_the_application():
    reviewers = [reviewer(1, MSS), reviewer(2, MSS), reviewer(3, IPARK), reviewer(4, IPARK)]

    with pytest.raises(AssignmentInfeasible) as raised:
        propose_assignments(
            applications=[app(1, company=501), app(2, company=502)],
            reviewers=reviewers,
            reviews_per_application=2,
            conflicts=[(3, 501), (4, 501)],
        )

    [problem] = raised.value.problems
    assert (problem.application_id, problem.reference, problem.code) == (
        1,
        "OI-2027R1-0001",
        ProblemCode.NO_ELIGIBLE_REVIEWER,
    )
    assert problem.message == (
        "No eligible iPark (Shonan Health Innovation Park) reviewer: every active one has "
        "declared a conflict with the company or declined the application."
    )
    assert str(raised.value) == f"OI-2027R1-0001: {problem.message}"


def test_propose_too_few_eligible_reviewers_reports_counts():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK), reviewer(3, IPARK, active=False)]

    with pytest.raises(AssignmentInfeasible) as raised:
        propose_assignments(applications=[app(1)], reviewers=reviewers, reviews_per_application=3)

    assert [problem.message for problem in raised.value.problems] == [
        "Needs 3 more reviewers, but only 2 can be assigned: the others are inactive, "
        "conflicted, declined or already assigned."
    ]


def test_find_assignment_problems_one_missing_reviewer_message_is_singular():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK), reviewer(3, MSS)]

    problems = find_assignment_problems(
        applications=[app(1)],
        reviewers=reviewers,
        reviews_per_application=3,
        kept=[KeptAssignment(1, 1), KeptAssignment(1, 3)],
        declined=[(2, 1)],
    )

    assert [(problem.code, problem.message) for problem in problems] == [
        (
            ProblemCode.NO_ELIGIBLE_REVIEWER,
            "No eligible iPark (Shonan Health Innovation Park) reviewer: every active one "
            "has declared a conflict with the company or declined the application.",
        ),
        (
            ProblemCode.TOO_FEW_REVIEWERS,
            "Needs 1 more reviewer, but only 0 can be assigned: the others are inactive, "
            "conflicted, declined or already assigned.",
        ),
    ]


def test_propose_kept_conflicted_reviewer_is_reported_by_name():
    reviewers = [reviewer(1, MSS, name="Kim Min-jun"), reviewer(2, IPARK)]

    problems = find_assignment_problems(
        applications=[app(1, company=501)],
        reviewers=reviewers,
        reviews_per_application=2,
        conflicts=[(1, 501)],
        kept=[KeptAssignment(1, 1), KeptAssignment(1, 2)],
    )

    assert [problem.message for problem in problems] == [
        "Reviewer Kim Min-jun is assigned but has declared a conflict with the company or "
        "declined the application; remove that assignment first."
    ]


def test_propose_lists_every_uncovered_application_and_proposes_nothing():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK)]
    applications = [app(3, company=503), app(1, company=501), app(2, company=502)]

    with pytest.raises(AssignmentInfeasible) as raised:
        propose_assignments(
            applications=applications,
            reviewers=reviewers,
            reviews_per_application=2,
            conflicts=[(1, 501), (2, 503)],
        )

    assert [(p.reference, p.code) for p in raised.value.problems] == [
        ("OI-2027R1-0001", ProblemCode.NO_ELIGIBLE_REVIEWER),
        ("OI-2027R1-0001", ProblemCode.TOO_FEW_REVIEWERS),
        ("OI-2027R1-0003", ProblemCode.NO_ELIGIBLE_REVIEWER),
        ("OI-2027R1-0003", ProblemCode.TOO_FEW_REVIEWERS),
    ]
    assert raised.value.problems == find_assignment_problems(
        applications=applications,
        reviewers=reviewers,
        reviews_per_application=2,
        conflicts=[(1, 501), (2, 503)],
    )


def test_find_assignment_problems_empty_when_feasible():
    reviewers = [reviewer(1, MSS), reviewer(2, IPARK)]

    assert (
        find_assignment_problems(
            applications=[app(1)], reviewers=reviewers, reviews_per_application=2
        )
        == []
    )


# --- Guarantees on generated instances ------------------------------------------------------


def check_guarantees(instance, proposal: AssignmentProposal) -> None:
    """Every promise of the module docstring that can be read off one proposal."""
    reviewers = {r.id: r for r in instance["reviewers"]}
    required = instance["reviews_per_application"]
    excluded = set(instance["conflicts"])
    declined = set(instance["declined"])
    kept_by_app = {}
    for assignment in instance["kept"]:
        kept_by_app.setdefault(assignment.application_id, set()).add(assignment.reviewer_id)
    for application in instance["applications"]:
        kept = kept_by_app.get(application.id, set())
        new = proposal.proposed[application.id]
        final = proposal.reviewers_for(application.id)
        assert len(set(final)) == len(final) == len(kept) + len(new)
        assert set(new).isdisjoint(kept)
        organisations = {reviewers[r].organisation for r in final}
        assert organisations == {MSS, IPARK}
        kept_organisations = {reviewers[r].organisation for r in kept}
        assert len(final) == max(required, len(kept) + 2 - len(kept_organisations))
        for r in new:
            assert reviewers[r].is_active
            assert (r, application.company_id) not in excluded
            assert (r, application.id) not in declined
    loads = Counter(a.reviewer_id for a in instance["kept"])
    for new in proposal.proposed.values():
        loads.update(new)
    active = [r for r in reviewers.values() if r.is_active]
    assert proposal.loads == {r.id: loads[r.id] for r in active}
    matches = sum(
        application.field in reviewers[r].expertise
        for application in instance["applications"]
        for r in proposal.proposed[application.id]
    )
    assert proposal.expertise_matches == matches


def no_improving_move(instance, proposal: AssignmentProposal) -> bool:
    """Local certificate of balance: no single new assignment could move from a reviewer
    to an eligible one with two fewer reviews without breaking the organisation rule."""
    reviewers = {r.id: r for r in instance["reviewers"]}
    conflicts = set(instance["conflicts"])
    for application in instance["applications"]:
        final = set(proposal.reviewers_for(application.id))
        for source in proposal.proposed[application.id]:
            for target in reviewers.values():
                if (
                    target.is_active
                    and target.id not in final
                    and (target.id, application.company_id) not in conflicts
                    and (target.id, application.id) not in set(instance["declined"])
                    and proposal.loads[source] >= proposal.loads[target.id] + 2
                ):
                    rest = final - {source} | {target.id}
                    if {reviewers[r].organisation for r in rest} == {MSS, IPARK}:
                        return False
    return True


def brute_force(instance):
    """Every valid assignment, exhaustively: (least Σ load², most matches among those,
    least spread) or None when there is none."""
    reviewers = {r.id: r for r in instance["reviewers"]}
    active = sorted(r.id for r in reviewers.values() if r.is_active)
    required = instance["reviews_per_application"]
    kept_by_app = {}
    for assignment in instance["kept"]:
        kept_by_app.setdefault(assignment.application_id, set()).add(assignment.reviewer_id)
    choices = []
    for application in instance["applications"]:
        kept = kept_by_app.get(application.id, set())
        kept_organisations = {reviewers[r].organisation for r in kept}
        count = max(required - len(kept), 2 - len(kept_organisations))
        eligible = [
            r
            for r in active
            if r not in kept
            and (r, application.company_id) not in set(instance["conflicts"])
            and (r, application.id) not in set(instance["declined"])
        ]
        options = [
            subset
            for subset in itertools.combinations(eligible, count)
            if kept_organisations | {reviewers[r].organisation for r in subset} == {MSS, IPARK}
        ]
        if not options:
            return None
        choices.append((application, options))
    base = Counter(a.reviewer_id for a in instance["kept"])
    best, min_spread = None, None
    for combination in itertools.product(*(options for _, options in choices)):
        loads = Counter({r: base[r] for r in active})
        matches = 0
        for (application, _), subset in zip(choices, combination, strict=True):
            loads.update(subset)
            matches += sum(application.field in reviewers[r].expertise for r in subset)
        candidate = (sum(load * load for load in loads.values()), -matches)
        best = candidate if best is None else min(best, candidate)
        spread = max(loads.values()) - min(loads.values())
        min_spread = spread if min_spread is None else min(min_spread, spread)
    squares, negative_matches = best
    return squares, -negative_matches, min_spread


@st.composite
def small_instances(draw):
    organisations = draw(st.lists(st.sampled_from([MSS, IPARK]), min_size=2, max_size=6))
    reviewers = [
        ReviewerToAssign(
            pk,
            organisation,
            frozenset(draw(st.sets(st.sampled_from(FIELDS), max_size=2))),
            draw(st.sampled_from([True, True, True, False])),  # active
        )
        for pk, organisation in enumerate(organisations, start=1)
    ]
    count = draw(st.integers(min_value=1, max_value=4 if len(reviewers) <= 4 else 3))
    applications = [
        ApplicationToAssign(pk, f"SS-2027R1-{pk:04d}", draw(st.sampled_from([501, 502, 503])), f)
        for pk, f in zip(
            range(1, count + 1),
            draw(st.lists(st.sampled_from(FIELDS), min_size=count, max_size=count)),
            strict=True,
        )
    ]
    reviewer_ids = [r.id for r in reviewers]
    conflicts = draw(
        st.lists(
            st.tuples(st.sampled_from(reviewer_ids), st.sampled_from([501, 502, 503])),
            max_size=3,
        )
    )
    declined = draw(
        st.lists(st.tuples(st.sampled_from(reviewer_ids), st.integers(1, count)), max_size=2)
    )
    kept_pairs = draw(
        st.sets(st.tuples(st.integers(1, count + 1), st.sampled_from(reviewer_ids)), max_size=3)
    )
    conflicted = {(r, a.id) for a in applications for r, c in conflicts if c == a.company_id}
    kept = [
        KeptAssignment(a, r)
        for a, r in sorted(kept_pairs)
        if (r, a) not in conflicted and (r, a) not in set(declined)
    ]
    return {
        "applications": applications,
        "reviewers": reviewers,
        "reviews_per_application": draw(st.integers(2, 3)),
        "conflicts": conflicts,
        "declined": declined,
        "kept": kept,
    }


def run(instance, seed=0):
    return propose_assignments(
        applications=instance["applications"],
        reviewers=instance["reviewers"],
        reviews_per_application=instance["reviews_per_application"],
        conflicts=instance["conflicts"],
        declined=instance["declined"],
        kept=instance["kept"],
        seed=seed,
    )


@PROPERTY_SETTINGS
@given(small_instances(), st.integers(0, 3))
def test_propose_matches_exhaustive_search_on_small_instances(instance, seed):
    expected = brute_force(instance)

    if expected is None:
        with pytest.raises(AssignmentInfeasible) as raised:
            run(instance, seed)
        assert raised.value.problems
        return
    proposal = run(instance, seed)

    check_guarantees(instance, proposal)
    squares, matches, min_spread = expected
    assert sum(load * load for load in proposal.loads.values()) == squares
    assert proposal.expertise_matches == matches
    if min_spread <= 1:
        assert proposal.load_spread <= 1


@st.composite
def larger_instances(draw):
    rnd = random.Random(draw(st.integers(0, 10**6)))
    mss = draw(st.integers(1, 12))
    ipark = draw(st.integers(1, 12))
    reviewers = [
        ReviewerToAssign(
            pk,
            MSS if pk <= mss else IPARK,
            frozenset(rnd.sample(FIELDS, rnd.randint(0, 2))),
            rnd.random() > 0.1,
        )
        for pk in range(1, mss + ipark + 1)
    ]
    applications = [
        ApplicationToAssign(pk, f"JR-2027R1-{pk:04d}", 1000 + pk, rnd.choice(FIELDS))
        for pk in range(1, draw(st.integers(1, 80)) + 1)
    ]
    conflict_rate = draw(st.sampled_from([0, 0.02, 0.1]))
    conflicts = [
        (r.id, a.company_id)
        for r in reviewers
        for a in applications
        if rnd.random() < conflict_rate
    ]
    conflicted = set(conflicts)
    kept = [
        KeptAssignment(a.id, r.id)
        for a in applications
        for r in reviewers
        if rnd.random() < 0.02 and (r.id, a.company_id) not in conflicted
    ]
    return {
        "applications": applications,
        "reviewers": reviewers,
        "reviews_per_application": draw(st.integers(2, 4)),
        "conflicts": conflicts,
        "declined": [],
        "kept": kept,
    }


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(larger_instances())
def test_propose_keeps_every_guarantee_on_larger_instances(instance):
    problems = find_assignment_problems(
        applications=instance["applications"],
        reviewers=instance["reviewers"],
        reviews_per_application=instance["reviews_per_application"],
        conflicts=instance["conflicts"],
        kept=instance["kept"],
    )
    if problems:
        with pytest.raises(AssignmentInfeasible) as raised:
            run(instance)
        assert raised.value.problems == problems
        return

    proposal = run(instance)

    check_guarantees(instance, proposal)
    assert no_improving_move(instance, proposal)


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(
    st.integers(1, 10),
    st.integers(1, 120),
    st.integers(2, 4),
    st.integers(0, 10**6),
)
def test_propose_equal_organisations_without_conflicts_spread_at_most_one(
    per_organisation, count, reviews, seed
):
    # As many MSS as iPark reviewers, none conflicted or busy: an even split exists (seat
    # them alternately round a table and give each application the next ``reviews`` seats),
    # so the proposal must be even.
    rnd = random.Random(seed)
    reviewers = [
        reviewer(pk, MSS if pk <= per_organisation else IPARK, rnd.choice(FIELDS))
        for pk in range(1, 2 * per_organisation + 1)
    ]
    reviews = min(reviews, len(reviewers))
    applications = [app(pk, rnd.choice(FIELDS)) for pk in range(1, count + 1)]

    proposal = propose_assignments(
        applications=applications, reviewers=reviewers, reviews_per_application=reviews
    )

    assert proposal.load_spread <= 1
    assert proposal.new_assignments == count * reviews
