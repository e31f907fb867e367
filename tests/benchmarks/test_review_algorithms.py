"""Speed of the review algorithms at the sizes the portal must handle (``make bench``).

Measured, not asserted: the assertions only check that each run did the whole job."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from programs.enums import Field, Organisation
from reviews.assignment import ApplicationToAssign, KeptAssignment, ReviewerToAssign
from reviews.assignment import propose_assignments as propose
from reviews.scoring import CriterionSpec, RankedApplication, SubmittedReview, rank_cycle

pytestmark = pytest.mark.benchmark

FIELDS = [choice.value for choice in Field]
ORGANISATIONS = [Organisation.MSS.value, Organisation.IPARK.value]


def scoring_cycle(applications=5_000, reviews_each=3, criteria_count=6, reviewers=60):
    rnd = random.Random(2027)
    criteria = [
        CriterionSpec(pk, Decimal(rnd.choice(["1", "1.5", "2", "3"])), rnd.choice([5, 10, 20]))
        for pk in range(1, criteria_count + 1)
    ]
    start = datetime(2027, 3, 1, tzinfo=UTC)
    ranked = [
        RankedApplication(pk, f"SS-2027R1-{pk:04d}", start + timedelta(minutes=pk), reviews_each)
        for pk in range(1, applications + 1)
    ]
    mss = list(range(1, reviewers // 2 + 1))
    ipark = list(range(reviewers // 2 + 1, reviewers + 1))
    reviews = []
    for application in ranked:
        chosen = [rnd.choice(mss), rnd.choice(ipark)]
        chosen += rnd.sample([r for r in mss + ipark if r not in chosen], reviews_each - 2)
        for reviewer_id in chosen:
            reviews.append(
                SubmittedReview(
                    reviewer_id,
                    ORGANISATIONS[reviewer_id > reviewers // 2],
                    application.id,
                    {c.id: rnd.randint(0, c.max_score) for c in criteria},
                )
            )
    return criteria, ranked, reviews


def test_bench_rank_cycle_5000_applications_3_reviews_6_criteria(benchmark):
    criteria, applications, reviews = scoring_cycle()

    rows = benchmark(rank_cycle, criteria=criteria, applications=applications, reviews=reviews)

    assert len(rows) == 5_000
    assert [row.rank for row in rows[:3]] == [1, 2, 3]
    assert all(row.completed_reviews == 3 for row in rows)


def assignment_cycle(applications=2_000, reviewers=60, conflict_rate=None, conflicts_each=3):
    rnd = random.Random(2027)
    pool = [
        ReviewerToAssign(
            pk,
            ORGANISATIONS[pk > reviewers // 2],
            frozenset(rnd.sample(FIELDS, 2)),
        )
        for pk in range(1, reviewers + 1)
    ]
    apps = [
        ApplicationToAssign(pk, f"OI-2027R1-{pk:04d}", 10_000 + pk, rnd.choice(FIELDS))
        for pk in range(1, applications + 1)
    ]
    if conflict_rate is None:
        # Each reviewer declares a few companies, as in practice.
        conflicts = [(r.id, a.company_id) for r in pool for a in rnd.sample(apps, conflicts_each)]
    else:
        conflicts = [
            (r.id, a.company_id) for r in pool for a in apps if rnd.random() < conflict_rate
        ]
    conflicted = set(conflicts)
    # A manager has already placed 100 reviewers by hand.
    kept = []
    for application in rnd.sample(apps, 100):
        reviewer = rnd.choice(pool)
        if (reviewer.id, application.company_id) not in conflicted:
            kept.append(KeptAssignment(application.id, reviewer.id))
    return {
        "applications": apps,
        "reviewers": pool,
        "reviews_per_application": 3,
        "conflicts": conflicts,
        "kept": kept,
    }


def test_bench_propose_assignments_2000_applications_60_reviewers(benchmark):
    cycle = assignment_cycle()

    proposal = benchmark.pedantic(propose, kwargs=cycle, rounds=3, iterations=1)

    assert all(len(proposal.reviewers_for(a.id)) >= 3 for a in cycle["applications"])
    assert proposal.load_spread <= 1
    print(  # shown with -s: the quality the time bought
        f"\nexpertise matched: {proposal.expertise_matches}/{proposal.new_assignments}, "
        f"load spread {proposal.load_spread}"
    )


def test_bench_propose_assignments_2000_applications_60_reviewers_1pc_conflicts(benchmark):
    # The expensive case: 1% of all reviewer–company pairs conflicted (about 1,200), so
    # almost every application has its own set of eligible reviewers.
    cycle = assignment_cycle(conflict_rate=0.01)

    proposal = benchmark.pedantic(propose, kwargs=cycle, rounds=1, iterations=1)

    assert all(len(proposal.reviewers_for(a.id)) >= 3 for a in cycle["applications"])
    assert proposal.load_spread <= 1
