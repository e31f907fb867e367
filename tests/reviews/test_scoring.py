"""The aggregation formula of ``reviews.scoring``: the worked examples of its docstring,
number for number, and its edge cases."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from programs.enums import Organisation
from reviews.scoring import (
    ApplicationScore,
    CriterionSpec,
    RankedApplication,
    SubmittedReview,
    rank_cycle,
    review_score,
)

MSS = Organisation.MSS.value
IPARK = Organisation.IPARK.value
# Example A's rubric: Innovation (2, /10), Team (1, /10), Market fit (1, /5).
RUBRIC = [
    CriterionSpec(id=1, weight=Decimal(2), max_score=10),
    CriterionSpec(id=2, weight=Decimal(1), max_score=10),
    CriterionSpec(id=3, weight=Decimal(1), max_score=5),
]
# One criterion out of 100: a review's score is the criterion score itself, which keeps
# the examples about aggregation readable.
PERCENT = [CriterionSpec(id=1, weight=Decimal(1), max_score=100)]
SUBMITTED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def percent_review(reviewer_id, organisation, application_id, score):
    return SubmittedReview(reviewer_id, organisation, application_id, {1: score})


def application(pk, reference=None, required=3, submitted_at=SUBMITTED):
    return RankedApplication(
        id=pk,
        reference=reference or f"OI-2027R1-{pk:04d}",
        submitted_at=submitted_at,
        required_reviews=required,
    )


def by_reference(rows: list[ApplicationScore]) -> dict[str, ApplicationScore]:
    return {row.reference: row for row in rows}


# --- Example A: one review --------------------------------------------------------------


def test_review_score_example_a_weights_criteria_scaled_to_their_maximum():
    review = SubmittedReview(7, MSS, 1, {1: 8, 2: 6, 3: 4})

    assert review_score(review, RUBRIC) == Decimal("75")


def test_review_score_full_marks_is_100_and_zero_is_0():
    top = SubmittedReview(7, MSS, 1, {1: 10, 2: 10, 3: 5})
    bottom = SubmittedReview(7, MSS, 1, {1: 0, 2: 0, 3: 0})

    assert (review_score(top, RUBRIC), review_score(bottom, RUBRIC)) == (100, 0)


def test_review_score_decimal_weights_keep_full_precision():
    criteria = [
        CriterionSpec(id=1, weight=Decimal("1.50"), max_score=10),
        CriterionSpec(id=2, weight=Decimal("0.50"), max_score=3),
    ]
    review = SubmittedReview(7, MSS, 1, {1: 7, 2: 2})

    # (1.5 · 0.7 + 0.5 · 2/3) / 2 × 100 = (1.05 + 0.3333…) / 2 × 100 = 69.1666…
    assert review_score(review, criteria).quantize(Decimal("0.0001")) == Decimal("69.1667")


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({1: 8, 2: 6}, r"missing criteria \[3\]"),
        ({1: 8, 2: 6, 3: 4, 9: 1}, r"unknown criteria \[9\]"),
        ({1: 11, 2: 6, 3: 4}, r"outside 0\.\.10"),
        ({1: 8, 2: -1, 3: 4}, r"outside 0\.\.10"),
    ],
)
def test_review_score_invalid_review_raises(scores, message):
    review = SubmittedReview(7, MSS, 1, scores)

    with pytest.raises(ValueError, match=message):
        review_score(review, RUBRIC)


# --- Example B: organisations equal, missing review, missing organisation, tie ------------

KIM, LEE, PARK, SATO = 1, 2, 3, 4
EXAMPLE_B_REVIEWS = [
    percent_review(KIM, MSS, 1, 80),
    percent_review(LEE, MSS, 1, 70),
    percent_review(SATO, IPARK, 1, 50),
    percent_review(KIM, MSS, 2, 60),
    percent_review(SATO, IPARK, 2, 65),
    percent_review(PARK, MSS, 3, 90),
]


def example_b():
    applications = [application(pk) for pk in (1, 2, 3, 4)]
    return by_reference(
        rank_cycle(criteria=PERCENT, applications=applications, reviews=EXAMPLE_B_REVIEWS)
    )


def test_rank_cycle_example_b_weights_organisations_equally():
    row = example_b()["OI-2027R1-0001"]

    assert (row.mean, row.mss_mean, row.ipark_mean, row.combined) == (
        Decimal("66.67"),
        Decimal("75.00"),
        Decimal("50.00"),
        Decimal("62.50"),
    )
    assert (row.completed_reviews, row.required_reviews, row.is_complete) == (3, 3, True)


def test_rank_cycle_example_b_flags_a_spread_of_25_points_or_more():
    rows = example_b()

    assert (rows["OI-2027R1-0001"].spread, rows["OI-2027R1-0001"].disagreement) == (
        Decimal("30.00"),
        True,
    )
    assert (rows["OI-2027R1-0002"].spread, rows["OI-2027R1-0002"].disagreement) == (
        Decimal("5.00"),
        False,
    )


def test_rank_cycle_example_b_missing_review_counts_completed_out_of_required():
    row = example_b()["OI-2027R1-0002"]

    assert (row.mean, row.mss_mean, row.ipark_mean, row.combined) == (
        Decimal("62.50"),
        Decimal("60.00"),
        Decimal("65.00"),
        Decimal("62.50"),
    )
    assert (row.completed_reviews, row.required_reviews, row.is_complete) == (2, 3, False)
    assert row.missing_organisations == ()


def test_rank_cycle_example_b_one_organisation_missing_has_no_combined_score():
    row = example_b()["OI-2027R1-0003"]

    assert (row.mss_mean, row.ipark_mean, row.combined, row.normalised) == (
        Decimal("90.00"),
        None,
        None,
        None,
    )
    assert (row.mean, row.missing_organisations, row.spread, row.disagreement) == (
        Decimal("90.00"),
        (IPARK,),
        None,
        False,
    )


def test_rank_cycle_example_b_no_review_has_every_score_none():
    row = example_b()["OI-2027R1-0004"]

    assert (row.mean, row.mss_mean, row.ipark_mean, row.combined, row.normalised) == (None,) * 5
    assert (row.completed_reviews, row.missing_organisations, row.disagreement) == (
        0,
        (MSS, IPARK),
        False,
    )


def test_rank_cycle_example_b_normalised_scores():
    rows = example_b()

    assert rows["OI-2027R1-0001"].normalised == Decimal("47.50")
    assert rows["OI-2027R1-0002"].normalised == Decimal("50.00")


def test_rank_cycle_example_b_tie_on_combined_broken_by_normalised_then_partial_then_empty():
    rows = example_b()

    ranking = sorted(rows.values(), key=lambda row: row.rank)

    assert [(row.rank, row.reference) for row in ranking] == [
        (1, "OI-2027R1-0002"),
        (2, "OI-2027R1-0001"),
        (3, "OI-2027R1-0003"),
        (4, "OI-2027R1-0004"),
    ]


def test_rank_cycle_returns_rows_in_rank_order():
    rows = rank_cycle(
        criteria=PERCENT,
        applications=[application(pk) for pk in (4, 3, 2, 1)],
        reviews=EXAMPLE_B_REVIEWS,
    )

    assert [row.rank for row in rows] == [1, 2, 3, 4]
    assert [row.application_id for row in rows] == [2, 1, 3, 4]


# --- Example C: a harsh and a generous reviewer --------------------------------------------

HARSH, GENEROUS, NEUTRAL = 11, 12, 13
P, Q, R, S = 1, 2, 3, 4
EXAMPLE_C_REVIEWS = [
    percent_review(HARSH, MSS, P, 50),
    percent_review(HARSH, MSS, Q, 30),
    percent_review(HARSH, MSS, R, 40),
    percent_review(GENEROUS, MSS, P, 90),
    percent_review(GENEROUS, MSS, Q, 70),
    percent_review(GENEROUS, MSS, S, 80),
    percent_review(NEUTRAL, IPARK, P, 70),
    percent_review(NEUTRAL, IPARK, Q, 60),
    percent_review(NEUTRAL, IPARK, R, 65),
    percent_review(NEUTRAL, IPARK, S, 65),
]


def example_c():
    applications = [
        application(pk, reference=name) for pk, name in zip((P, Q, R, S), "PQRS", strict=True)
    ]
    return by_reference(
        rank_cycle(criteria=PERCENT, applications=applications, reviews=EXAMPLE_C_REVIEWS)
    )


def test_rank_cycle_example_c_raw_combined_follows_reviewer_temperament():
    rows = example_c()

    assert {name: rows[name].combined for name in "PQRS"} == {
        "P": Decimal("70.00"),
        "Q": Decimal("55.00"),
        "R": Decimal("52.50"),
        "S": Decimal("72.50"),
    }
    assert sorted(rows, key=lambda name: rows[name].rank) == list("SPQR")


def test_rank_cycle_example_c_normalised_removes_harsh_and_generous_levels():
    rows = example_c()

    assert {name: rows[name].normalised for name in "PQRS"} == {
        "P": Decimal("63.19"),
        "Q": Decimal("36.81"),
        "R": Decimal("50.00"),
        "S": Decimal("50.00"),
    }


def test_rank_cycle_example_c_flags_the_harsh_generous_gap_as_disagreement():
    rows = example_c()

    # H and G agree on the order but sit 40 points apart: the spread shows it.
    assert (rows["P"].spread, rows["P"].disagreement) == (Decimal("40.00"), True)
    assert (rows["R"].spread, rows["R"].disagreement) == (Decimal("25.00"), True)


def test_rank_cycle_single_review_or_constant_reviewer_has_z_zero():
    reviews = [
        percent_review(1, MSS, 1, 90),  # reviewer 1: one review → z 0
        percent_review(2, IPARK, 1, 60),  # reviewer 2: always 60 → deviation 0 → z 0
        percent_review(2, IPARK, 2, 60),
        percent_review(3, MSS, 2, 10),  # reviewer 3: one review → z 0
    ]

    rows = by_reference(
        rank_cycle(criteria=PERCENT, applications=[application(1), application(2)], reviews=reviews)
    )

    assert rows["OI-2027R1-0001"].normalised == Decimal("50.00")
    assert rows["OI-2027R1-0002"].normalised == Decimal("50.00")


def test_rank_cycle_reviews_of_unranked_applications_still_shape_reviewer_scale():
    # The reviewer's withdrawn application (id 9) is not ranked but is part of their scale.
    reviews = [
        percent_review(1, MSS, 1, 70),
        percent_review(1, MSS, 9, 50),
        percent_review(2, IPARK, 1, 60),
    ]

    [row] = rank_cycle(criteria=PERCENT, applications=[application(1)], reviews=reviews)

    # Reviewer 1: mean 60, deviation 10 → z +1; reviewer 2: one review → z 0. (1 + 0) / 2.
    assert (row.combined, row.normalised) == (Decimal("65.00"), Decimal("55.00"))


# --- Ties ---------------------------------------------------------------------------------


def test_rank_cycle_full_tie_broken_by_completed_reviews_then_submission_then_reference():
    early, late = SUBMITTED, SUBMITTED + timedelta(hours=1)
    applications = [
        application(1, "SS-2027R1-0004", submitted_at=early),
        application(2, "SS-2027R1-0003", submitted_at=late),
        application(3, "SS-2027R1-0002", submitted_at=early),
        application(4, "SS-2027R1-0001", submitted_at=late),
    ]
    # Every reviewer gives 60 everywhere: equal combined (60) and normalised (50).
    reviews = [
        percent_review(1, MSS, 1, 60),
        percent_review(2, IPARK, 1, 60),
        percent_review(3, IPARK, 1, 60),  # application 1 has three completed reviews
        *[percent_review(1, MSS, pk, 60) for pk in (2, 3, 4)],
        *[percent_review(2, IPARK, pk, 60) for pk in (2, 3, 4)],
    ]

    rows = rank_cycle(criteria=PERCENT, applications=applications, reviews=reviews)

    assert [row.reference for row in rows] == [
        "SS-2027R1-0004",  # most completed reviews
        "SS-2027R1-0002",  # two reviews, submitted earlier
        "SS-2027R1-0001",  # two reviews, submitted later, reference before 0003
        "SS-2027R1-0003",
    ]


def test_rank_cycle_ranks_on_rounded_figures():
    # 200.01/300 = 66.67 exactly and 200/300 = 66.666… both show 66.67: they tie, and the
    # tie-break (earlier submission) decides rather than an invisible third decimal.
    criteria = [CriterionSpec(id=1, weight=Decimal(1), max_score=300)]
    applications = [
        application(1, submitted_at=SUBMITTED + timedelta(hours=1)),
        application(2, submitted_at=SUBMITTED),
    ]
    reviews = [
        SubmittedReview(1, MSS, 1, {1: Decimal("200.01")}),
        SubmittedReview(2, IPARK, 1, {1: Decimal("200.01")}),
        SubmittedReview(3, MSS, 2, {1: 200}),
        SubmittedReview(4, IPARK, 2, {1: 200}),
    ]

    rows = rank_cycle(criteria=criteria, applications=applications, reviews=reviews)

    assert [(row.application_id, row.combined) for row in rows] == [
        (2, Decimal("66.67")),
        (1, Decimal("66.67")),
    ]


def test_rank_cycle_is_deterministic_whatever_the_input_order():
    applications = [application(pk) for pk in (1, 2, 3, 4)]

    forward = rank_cycle(criteria=PERCENT, applications=applications, reviews=EXAMPLE_B_REVIEWS)
    backward = rank_cycle(
        criteria=PERCENT,
        applications=list(reversed(applications)),
        reviews=list(reversed(EXAMPLE_B_REVIEWS)),
    )

    assert forward == backward


# --- Invalid input --------------------------------------------------------------------------


def test_rank_cycle_duplicate_review_raises():
    reviews = [percent_review(1, MSS, 1, 60), percent_review(1, MSS, 1, 70)]

    with pytest.raises(ValueError, match="more than one submitted review"):
        rank_cycle(criteria=PERCENT, applications=[application(1)], reviews=reviews)


def test_rank_cycle_unknown_organisation_raises():
    with pytest.raises(ValueError, match="Unknown organisation 'jetro'"):
        rank_cycle(
            criteria=PERCENT,
            applications=[application(1)],
            reviews=[percent_review(1, "jetro", 1, 60)],
        )


def test_rank_cycle_without_criteria_raises():
    with pytest.raises(ValueError, match="no criteria"):
        rank_cycle(criteria=[], applications=[application(1)], reviews=[])


def test_rank_cycle_custom_disagreement_threshold():
    reviews = [percent_review(1, MSS, 1, 60), percent_review(2, IPARK, 1, 70)]

    [strict] = rank_cycle(
        criteria=PERCENT,
        applications=[application(1)],
        reviews=reviews,
        disagreement_threshold=Decimal(10),
    )
    [default] = rank_cycle(criteria=PERCENT, applications=[application(1)], reviews=reviews)

    assert (strict.disagreement, default.disagreement) == (True, False)
