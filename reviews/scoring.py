"""The score of an application, from its submitted reviews: the one place the formula lives.

Pure Python on small frozen dataclasses, so that the ranking page, the exports and the API
all compute the same numbers from one query's worth of rows (the selector loads every
submitted review of the cycle once and calls :func:`rank_cycle`; nothing here queries).

The formula
===========

1. **A review's score** (0–100) is the weighted mean of its criterion scores, each scaled
   to its maximum::

       review score = Σ(wᵢ · sᵢ / maxᵢ) / Σwᵢ × 100

   It is kept to ``STORED_PLACES`` (20) decimal places, half-up: the figure stored on the
   review (``Review.score``) is the very figure the rest of the formula starts from.
   Only submitted reviews count, and a submitted review scores every criterion: a review
   missing a criterion, scoring an unknown one or scoring outside 0..max is invalid input
   and raises ``ValueError``.

2. **An application's scores**

   - *mean*: the plain mean of its review scores (every reviewer counts once);
   - *MSS mean* and *iPark mean*: the mean of the review scores of each organisation;
   - *combined*: the mean of the MSS mean and the iPark mean, so that the two partners
     weigh the same however many reviewers each sent. **Until both organisations have
     submitted at least one review, combined is ``None``** (a single partner's view is not
     a joint score): the row lists the organisation it is waiting for in
     ``missing_organisations`` and shows the mean that exists. With no review at all every
     score is ``None``.

3. **Normalised** corrects for reviewers who score harshly or generously. For each
   reviewer, over *all* their submitted reviews in the cycle::

       z = (review score − reviewer's mean) / reviewer's population standard deviation

   A reviewer with a single review, or who gave every application the same score, says
   nothing about how applications compare: their z is 0. An application's normalised
   score averages z per organisation, then combines the two organisation means equally
   (``None`` until both organisations have reviewed, as for combined), and is shown on a
   readable scale: **normalised = 50 + 10 · z** (50 is the reviewers' own average; each
   10 points is one standard deviation of the reviewer's own scoring).

4. **Disagreement**: the *spread* is the highest minus the lowest review score of the
   application (``None`` with fewer than two reviews). A spread of
   ``DISAGREEMENT_THRESHOLD`` (25 points) or more flags the application for discussion.

5. **Ranking** (``rank`` 1, 2, …; every application gets a distinct rank):

   a. applications with a combined score, by combined score, highest first; then those
      reviewed by one organisation only, by their mean, highest first; then those
      without any review;
   b. ties broken by: higher normalised score, then more completed reviews, then earlier
      submission, then the reference in alphabetical order (references are unique, so
      the order is total and repeatable).

Precision: everything is computed with ``Decimal`` at 28 significant digits and rounded
once, half-up to two decimals, into the figures returned. Ranking and tie-breaking use
these rounded figures, so two applications that show the same score *are* tied and the
written tie-break decides, as a manager reading the page would expect.

Worked examples (the tests in ``tests/reviews/test_scoring.py`` reproduce every number)
====================================================================================

**A. One review.** Rubric: Innovation (weight 2, max 10), Team (weight 1, max 10),
Market fit (weight 1, max 5). Scores 8, 6, 4::

    (2 · 8/10 + 1 · 6/10 + 1 · 4/5) / (2 + 1 + 1) × 100 = (1.6 + 0.6 + 0.8) / 4 × 100 = 75.00

**B. Organisations weighted equally, a missing review, a missing organisation, a tie.**
Three reviews required per application. Review scores:

=============  =========  =========  ==========  =============
application    Kim (MSS)  Lee (MSS)  Park (MSS)  Sato (iPark)
=============  =========  =========  ==========  =============
OI-2027R1-0001    80         70                       50
OI-2027R1-0002    60                                  65
OI-2027R1-0003                          90
OI-2027R1-0004
=============  =========  =========  ==========  =============

- 0001: mean (80 + 70 + 50) / 3 = 66.67; MSS (80 + 70) / 2 = 75.00; iPark 50.00;
  combined (75 + 50) / 2 = **62.50** (not 66.67: MSS's second reviewer does not give MSS
  a larger say); spread 80 − 50 = 30 ≥ 25, **flagged**; 3 of 3 reviews.
- 0002: mean 62.50; MSS 60.00; iPark 65.00; combined **62.50**; spread 5; 2 of 3 reviews.
- 0003: MSS 90.00; combined ``None``, waiting for iPark; 1 of 3 reviews.
- 0004: no review, every score ``None``; 0 of 3.

Normalised: Kim scored 80 and 60 (mean 70, standard deviation 10: z +1 for 0001, −1
for 0002); Sato 50 and 65 (mean 57.5, deviation 7.5: z −1 for 0001, +1 for 0002); Lee
and Park have one review each (z 0).

- 0001: MSS z (1 + 0) / 2 = 0.5, iPark z −1, combined z −0.25 → 50 − 2.5 = **47.50**;
- 0002: MSS z −1, iPark z +1, combined z 0 → **50.00**.

Ranking: 0001 and 0002 tie on combined 62.50; the higher normalised score breaks the
tie, so **1. 0002, 2. 0001**, then **3. 0003** (one organisation only), **4. 0004** (no
review).

**C. A harsh and a generous reviewer.** Harsh H (MSS) scores P 50, Q 30, R 40; generous
G (MSS) scores P 90, Q 70, S 80: both rank P above Q by 20 points, 40 points apart in
level. K (iPark) scores P 70, Q 60, R 65, S 65.

- Combined: P (50 + 90) / 2 = 70 and 70 → **70.00**; Q (30 + 70) / 2 = 50 and 60 →
  **55.00**; R 40 and 65 → **52.50**; S 80 and 65 → **72.50**. The ranking S, P, Q, R
  puts S first because it happened to get the generous reviewer, and R last because it
  got the harsh one, although K judged R and S equal and everyone put P on top.
- Normalised: H's mean is 40 with deviation √(200/3) ≈ 8.165, so z is +1.2247 for P,
  −1.2247 for Q, 0 for R; G's mean is 80 with the same deviation: +1.2247 for P,
  −1.2247 for Q, 0 for S; K's mean is 65 with deviation √12.5 ≈ 3.536: +1.4142 for P,
  −1.4142 for Q, 0 for R and S. P: (1.2247 + 1.4142) / 2 = 1.3195 → **63.19**; Q →
  **36.81**; R → **50.00**; S → **50.00**. Normalised puts P first and R level with S:
  the difference between R and S in the raw score was the reviewers' temperament.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from programs.enums import Organisation

DISAGREEMENT_THRESHOLD = Decimal(25)
NORMALISED_CENTRE = Decimal(50)
NORMALISED_SCALE = Decimal(10)
PRECISION = 28
CENT = Decimal("0.01")
STORED_PLACES = Decimal("1E-20")
ORGANISATIONS = (Organisation.MSS.value, Organisation.IPARK.value)


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """A rubric row: ``weight`` > 0, scores range over 0..``max_score``."""

    id: int
    weight: Decimal
    max_score: int


@dataclass(frozen=True, slots=True)
class SubmittedReview:
    """A submitted review's criterion scores (``{criterion_id: score}``)."""

    reviewer_id: int
    organisation: str
    application_id: int
    scores: Mapping[int, int | Decimal]


@dataclass(frozen=True, slots=True)
class ScoredReview:
    """A submitted review reduced to its score (step 1), as stored on the review."""

    reviewer_id: int
    organisation: str
    application_id: int
    score: Decimal


@dataclass(frozen=True, slots=True)
class RankedApplication:
    """What the ranking needs of an application: identity, tie-break data, reviews due."""

    id: int
    reference: str
    submitted_at: datetime | None
    required_reviews: int


@dataclass(frozen=True, slots=True)
class ApplicationScore:
    """One row of the ranking. Scores are 0–100, two decimals, ``None`` when not known."""

    application_id: int
    reference: str
    submitted_at: datetime | None
    rank: int
    completed_reviews: int
    required_reviews: int
    mean: Decimal | None
    mss_mean: Decimal | None
    ipark_mean: Decimal | None
    combined: Decimal | None
    normalised: Decimal | None
    spread: Decimal | None
    disagreement: bool
    missing_organisations: tuple[str, ...]

    @property
    def is_complete(self) -> bool:
        """Every required review is in and both organisations have scored."""
        return self.completed_reviews >= self.required_reviews and not self.missing_organisations


def review_score(review: SubmittedReview, criteria: Sequence[CriterionSpec]) -> Decimal:
    """The review's weighted score, 0–100, to ``STORED_PLACES`` (the module docstring, step 1)."""
    with localcontext(prec=PRECISION):
        return _review_score(review, criteria, sum((_dec(c.weight) for c in criteria), Decimal(0)))


def rank_cycle(
    *,
    criteria: Sequence[CriterionSpec],
    applications: Iterable[RankedApplication],
    reviews: Iterable[SubmittedReview],
    disagreement_threshold: Decimal = DISAGREEMENT_THRESHOLD,
) -> list[ApplicationScore]:
    """Score and rank a cycle's applications in one pass over all its submitted reviews.

    ``reviews`` are every submitted review of the cycle: all of them feed each reviewer's
    mean and deviation (step 3), even reviews of applications not in ``applications``
    (e.g. withdrawn since); only ``applications`` are scored and ranked. Linear in the
    number of reviews, plus sorting the applications.
    """
    if not criteria:
        raise ValueError("The rubric has no criteria.")
    with localcontext(prec=PRECISION):
        total_weight = sum((_dec(criterion.weight) for criterion in criteria), Decimal(0))
        if total_weight <= 0 or any(c.max_score <= 0 for c in criteria):
            raise ValueError("Criterion weights and maximum scores must be positive.")
        scored = [
            ScoredReview(
                review.reviewer_id,
                review.organisation,
                review.application_id,
                _review_score(review, criteria, total_weight),
            )
            for review in reviews
        ]
        rows = _application_rows(scored, applications, disagreement_threshold)
    rows.sort(key=_ranking_key)
    return [replace(row, rank=rank) for rank, row in enumerate(rows, start=1)]


def score_applications(
    reviews: Iterable[ScoredReview],
    application_ids: Iterable[int],
    *,
    disagreement_threshold: Decimal = DISAGREEMENT_THRESHOLD,
) -> dict[int, ApplicationScore]:
    """Steps 2–4 for ``application_ids`` from already scored reviews (``ScoredReview``):
    what ``reviews.aggregates`` stores. ``reviews`` are every submitted review of the cycle
    (they all feed the normalisation). Rows carry no rank, reference nor reviews due."""
    with localcontext(prec=PRECISION):
        rows = _application_rows(
            list(reviews),
            [RankedApplication(pk, "", None, 0) for pk in application_ids],
            disagreement_threshold,
        )
    return {row.application_id: row for row in rows}


def _application_rows(
    scored: list[ScoredReview],
    applications: Iterable[RankedApplication],
    disagreement_threshold: Decimal,
) -> list[ApplicationScore]:
    pairs = {(review.reviewer_id, review.application_id) for review in scored}
    if len(pairs) != len(scored):
        raise ValueError("A reviewer has more than one submitted review of an application.")
    by_application: dict[int, list[tuple[ScoredReview, Decimal]]] = defaultdict(list)
    for review, z in zip(scored, _z_scores(scored), strict=True):
        by_application[review.application_id].append((review, z))
    return [
        _application_row(app, by_application.get(app.id, []), disagreement_threshold)
        for app in applications
    ]


def _dec(value: int | Decimal) -> Decimal:
    if isinstance(value, float):
        # Floats are not exact; take the shortest representation the user would have typed.
        return Decimal(repr(value))
    return Decimal(value)


def _review_score(
    review: SubmittedReview, criteria: Sequence[CriterionSpec], total_weight: Decimal
) -> Decimal:
    expected = {criterion.id for criterion in criteria}
    if set(review.scores) != expected:
        missing = sorted(expected - set(review.scores))
        unknown = sorted(set(review.scores) - expected, key=str)
        raise ValueError(
            f"Review by reviewer {review.reviewer_id} of application {review.application_id} "
            f"is incomplete (missing criteria {missing}, unknown criteria {unknown})."
        )
    if review.organisation not in ORGANISATIONS:
        raise ValueError(f"Unknown organisation {review.organisation!r}.")
    weighted = Decimal(0)
    for criterion in criteria:
        score = _dec(review.scores[criterion.id])
        if not 0 <= score <= criterion.max_score:
            raise ValueError(
                f"Score {score} for criterion {criterion.id} is outside 0..{criterion.max_score}."
            )
        weighted += _dec(criterion.weight) * score / criterion.max_score
    return (weighted / total_weight * 100).quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def _z_scores(scored: list[ScoredReview]) -> list[Decimal]:
    """Each review's z-score within its reviewer's reviews of the cycle (step 3)."""
    per_reviewer: dict[int, list[Decimal]] = defaultdict(list)
    for review in scored:
        per_reviewer[review.reviewer_id].append(review.score)
    scale: dict[int, tuple[Decimal, Decimal]] = {}
    for reviewer_id, scores in per_reviewer.items():
        mean = sum(scores, Decimal(0)) / len(scores)
        variance = sum(((score - mean) ** 2 for score in scores), Decimal(0)) / len(scores)
        scale[reviewer_id] = (mean, variance.sqrt())
    zeros = Decimal(0)
    z_scores = []
    for review in scored:
        mean, deviation = scale[review.reviewer_id]
        z_scores.append((review.score - mean) / deviation if deviation else zeros)
    return z_scores


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def _combine(by_organisation: dict[str, list[Decimal]]) -> Decimal | None:
    means = [_mean(by_organisation[organisation]) for organisation in ORGANISATIONS]
    present = [mean for mean in means if mean is not None]
    if len(present) < len(means):
        return None
    return sum(present, Decimal(0)) / len(present)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _application_row(
    application: RankedApplication,
    reviews: list[tuple[ScoredReview, Decimal]],
    disagreement_threshold: Decimal,
) -> ApplicationScore:
    scores: dict[str, list[Decimal]] = {organisation: [] for organisation in ORGANISATIONS}
    z_scores: dict[str, list[Decimal]] = {organisation: [] for organisation in ORGANISATIONS}
    for review, z in reviews:
        scores[review.organisation].append(review.score)
        z_scores[review.organisation].append(z)
    every_score = [review.score for review, _ in reviews]
    combined_z = _combine(z_scores)
    spread = max(every_score) - min(every_score) if len(every_score) >= 2 else None
    return ApplicationScore(
        application_id=application.id,
        reference=application.reference,
        submitted_at=application.submitted_at,
        rank=0,
        completed_reviews=len(reviews),
        required_reviews=application.required_reviews,
        mean=_round(_mean(every_score)),
        mss_mean=_round(_mean(scores[Organisation.MSS])),
        ipark_mean=_round(_mean(scores[Organisation.IPARK])),
        combined=_round(_combine(scores)),
        normalised=_round(
            None if combined_z is None else NORMALISED_CENTRE + NORMALISED_SCALE * combined_z
        ),
        spread=_round(spread),
        disagreement=spread is not None and spread >= disagreement_threshold,
        missing_organisations=tuple(o for o in ORGANISATIONS if not scores[o]),
    )


def _ranking_key(row: ApplicationScore) -> tuple:
    """Step 5 of the module docstring, as an ascending sort key."""
    if row.combined is not None:
        group, score = 0, row.combined
    elif row.mean is not None:
        group, score = 1, row.mean
    else:
        group, score = 2, Decimal(0)
    normalised = row.normalised if row.normalised is not None else Decimal("-Infinity")
    # An application without a submission time (not expected once submitted) sorts last.
    submitted = (0, row.submitted_at) if row.submitted_at is not None else (1, None)
    return (group, -score, -normalised, -row.completed_reviews, submitted, row.reference)
