"""Keeps each application's ``ScoreAggregate`` equal to ``reviews.scoring`` over the
stored review scores, in the transaction that submits or reopens a review.

Normalisation (step 3) measures each review against all its reviewer's reviews of the
cycle: submitting or reopening one review moves the normalised score of every application
that reviewer scored, so those are all refreshed. The cycle's submitted review scores are
read in one query (a few tens of thousands of rows at most), under a per-cycle lock so that
two submissions in one cycle do not each compute from a state without the other.

Every function takes an optional app registry so that the data migration (0009) runs the
same code on its historical models.
"""

from collections import Counter
from collections.abc import Iterable

from django.apps import apps as live_apps
from django.db import connection

from programs.enums import Organisation

from .enums import AssignmentStatus, ReviewStatus
from .scoring import CriterionSpec, ScoredReview, SubmittedReview, review_score, score_applications

# First key of the PostgreSQL advisory lock taken per cycle (the second is the cycle's id).
_LOCK_NAMESPACE = 12_0008
_FIGURES = ("mean", "mss_mean", "ipark_mean", "combined", "normalised", "spread", "disagreement")
_FIELDS = ("cycle", "completed_reviews", "mss_reviews", "ipark_reviews", *_FIGURES)


def _model(registry, name: str):
    return (registry or live_apps).get_model("reviews", name)


def lock_cycle_scores(cycle_id: int) -> None:
    """Serialise score writes within one cycle until the transaction ends (SQLite
    serialises every write already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, cycle_id])


def review_scored(review, *, cycle) -> None:
    """After ``review`` became submitted (same transaction): store its score and refresh
    the aggregates of every application its reviewer scored in ``cycle``."""
    lock_cycle_scores(cycle.pk)
    criteria = _criteria(cycle.pk)
    scores = dict(review.scores.values_list("criterion_id", "score"))
    review.score = _score_of(review.pk, scores, criteria)
    type(review).objects.filter(pk=review.pk).update(score=review.score)
    _refresh_reviewer(cycle.pk, review.assignment.reviewer_id, review.assignment.application_id)


def review_unscored(review, *, cycle) -> None:
    """After ``review`` was reopened (same transaction): it no longer counts."""
    lock_cycle_scores(cycle.pk)
    review.score = None
    type(review).objects.filter(pk=review.pk).update(score=None)
    _refresh_reviewer(cycle.pk, review.assignment.reviewer_id, review.assignment.application_id)


def rebuild_cycle(cycle_id: int, *, registry=None) -> int:
    """Recompute every submitted review's score and every aggregate of the cycle from the
    criterion scores (the data migration, ``rebuild_score_aggregates``, seeding in bulk).
    Returns the number of applications with an aggregate."""
    Review = _model(registry, "Review")
    CriterionScore = _model(registry, "CriterionScore")
    ScoreAggregate = _model(registry, "ScoreAggregate")
    lock_cycle_scores(cycle_id)
    criteria = _criteria(cycle_id, registry=registry)
    by_review: dict[int, dict[int, int]] = {}
    for review_id, criterion_id, score in CriterionScore.objects.filter(
        review__status=ReviewStatus.SUBMITTED, review__assignment__application__cycle_id=cycle_id
    ).values_list("review_id", "criterion_id", "score"):
        by_review.setdefault(review_id, {})[criterion_id] = score
    reviews = list(
        Review.objects.filter(
            status=ReviewStatus.SUBMITTED, assignment__application__cycle_id=cycle_id
        ).only("pk")
    )
    for review in reviews:
        review.score = _score_of(review.pk, by_review.get(review.pk, {}), criteria, lenient=True)
    Review.objects.bulk_update(reviews, ["score"], batch_size=2000)
    Review.objects.filter(assignment__application__cycle_id=cycle_id).exclude(
        status=ReviewStatus.SUBMITTED
    ).exclude(score=None).update(score=None)
    ScoreAggregate.objects.filter(cycle_id=cycle_id).delete()
    scored = _cycle_reviews(cycle_id, registry=registry)
    return _write(cycle_id, scored, {r.application_id for r in scored}, registry=registry)


def _criteria(cycle_id: int, *, registry=None) -> list[CriterionSpec]:
    Criterion = (registry or live_apps).get_model("programs", "Criterion")
    return [
        CriterionSpec(pk, weight, max_score)
        for pk, weight, max_score in Criterion.objects.filter(cycle_id=cycle_id)
        .order_by("order", "pk")
        .values_list("pk", "weight", "max_score")
    ]


def _score_of(review_id: int, scores: dict, criteria: list[CriterionSpec], *, lenient=False):
    """The review's score; with ``lenient`` (rebuilding stored data) ``None`` for a review
    the formula refuses (a rubric without criteria, a criterion added after submission),
    so that it does not count rather than stopping the rebuild."""
    try:
        # The organisation and ids do not enter the review's own score.
        return review_score(SubmittedReview(0, Organisation.MSS.value, review_id, scores), criteria)
    except (ValueError, ArithmeticError):
        if lenient:
            return None
        raise


def _cycle_reviews(cycle_id: int, *, registry=None) -> list[ScoredReview]:
    """Every submitted review of the cycle that counts (active assignment), one query."""
    return [
        ScoredReview(*row)
        for row in _model(registry, "Review")
        .objects.filter(
            status=ReviewStatus.SUBMITTED,
            assignment__status=AssignmentStatus.ACTIVE,
            assignment__application__cycle_id=cycle_id,
            score__isnull=False,
        )
        .values_list(
            "assignment__reviewer_id",
            "assignment__reviewer__organisation",
            "assignment__application_id",
            "score",
        )
    ]


def _refresh_reviewer(cycle_id: int, reviewer_id: int, application_id: int) -> None:
    scored = _cycle_reviews(cycle_id)
    affected = {r.application_id for r in scored if r.reviewer_id == reviewer_id}
    _write(cycle_id, scored, affected | {application_id})


def _write(
    cycle_id: int, scored: list[ScoredReview], application_ids: Iterable[int], *, registry=None
) -> int:
    ScoreAggregate = _model(registry, "ScoreAggregate")
    application_ids = sorted(application_ids)
    figures = score_applications(scored, application_ids)
    per_organisation = Counter((r.application_id, r.organisation) for r in scored)
    rows = [
        ScoreAggregate(
            application_id=pk,
            cycle_id=cycle_id,
            completed_reviews=figures[pk].completed_reviews,
            mss_reviews=per_organisation[(pk, Organisation.MSS.value)],
            ipark_reviews=per_organisation[(pk, Organisation.IPARK.value)],
            **{name: getattr(figures[pk], name) for name in _FIGURES},
        )
        for pk in application_ids
    ]
    ScoreAggregate.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["application"],
        update_fields=list(_FIELDS),
    )
    return len(rows)
