"""The stored score aggregates and the SQL ranking equal ``reviews.scoring`` recomputed
from the criterion scores, through random sequences of submissions, reopenings and
resubmissions by the real services (``scoring.py`` stays the specification)."""

import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import Organisation
from reviews import aggregates, scoring, services
from reviews.enums import Recommendation, ReviewStatus
from reviews.models import Review, ScoreAggregate
from reviews.selectors import cycle_ranking
from reviews.selectors.ranking import iter_cycle_ranking, ranking_queryset, ranking_rows
from tests.factories import CriterionFactory, ProgramManagerFactory, UserFactory
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    reviewers,
    under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

FIGURES = ("mean", "mss_mean", "ipark_mean", "combined", "normalised", "spread", "disagreement")


def _world(seed: int):
    rnd = random.Random(seed)
    cycle = review_cycle()
    # A third criterion of another weight and scale: review scores that are not round.
    CriterionFactory(cycle=cycle, name="Market", weight=Decimal("7"), max_score=3, order=3)
    boss = ProgramManagerFactory(
        organisation=Organisation.MSS, programs=[cycle.program], user=UserFactory()
    ).user
    panel = reviewers(3, Organisation.MSS) + reviewers(2, Organisation.IPARK)
    applications = [under_review(cycle) for _ in range(6)]
    if rnd.random() < 0.5:
        # Equal submission times: the reference decides the remaining ties.
        Application.objects.filter(cycle=cycle).update(submitted_at=applications[0].submitted_at)
    assignments = {
        (application.pk, reviewer.pk): assigned(application, reviewer)
        for application in applications
        for reviewer in rnd.sample(panel, 3)
    }
    return rnd, cycle, boss, panel, assignments


def _submit(rnd, assignment, reviewer, criteria) -> None:
    services.review_save(
        assignment=assignment,
        actor=reviewer.user,
        # Narrow ranges: ties on the rounded figures are frequent.
        scores={c.pk: rnd.choice((0, c.max_score // 2, c.max_score)) for c in criteria},
        comment_to_applicant="Clear plan.",
        internal_comment="",
        recommendation=Recommendation.SUPPORT,
    )
    services.review_submit(assignment=assignment, actor=reviewer.user)


def _assert_matches_the_formula(cycle) -> None:
    expected = cycle_ranking(cycle)  # scoring.rank_cycle over every criterion score
    stored = {a.pk: a for a in ScoreAggregate.objects.filter(cycle=cycle)}
    for row in expected:
        aggregate = stored.get(row.application.pk)
        if row.score.completed_reviews == 0:
            assert aggregate is None or aggregate.completed_reviews == 0
            continue
        assert aggregate is not None
        assert aggregate.completed_reviews == row.score.completed_reviews
        assert {f: getattr(aggregate, f) for f in FIGURES} == {
            f: getattr(row.score, f) for f in FIGURES
        }
    sql = ranking_rows(cycle, ranking_queryset(cycle))
    assert [r.score for r in sql] == [r.score for r in expected]
    assert [r.criterion_means for r in sql] == [r.criterion_means for r in expected]
    assert [r.score for r in iter_cycle_ranking(cycle, chunk=4)] == [r.score for r in expected]
    criteria = [scoring.CriterionSpec(c.pk, c.weight, c.max_score) for c in cycle.criteria.all()]
    for review in Review.objects.filter(assignment__application__cycle=cycle):
        if review.status != ReviewStatus.SUBMITTED:
            assert review.score is None
            continue
        spec = scoring.SubmittedReview(
            0, "mss", 0, dict(review.scores.values_list("criterion_id", "score"))
        )
        assert review.score == scoring.review_score(spec, criteria)


@pytest.mark.parametrize("seed", range(8))
def test_aggregates_and_sql_ranking_equal_the_formula_through_submits_and_reopens(seed):
    rnd, cycle, boss, panel, assignments = _world(seed)
    by_pk = {reviewer.pk: reviewer for reviewer in panel}
    criteria = list(cycle.criteria.order_by("order", "pk"))
    reopened = 0
    for _step in range(18):
        (_application_pk, reviewer_pk), assignment = rnd.choice(list(assignments.items()))
        review = Review.objects.filter(assignment=assignment).first()
        if review is not None and review.status == ReviewStatus.SUBMITTED:
            services.review_reopen(review=review, actor=boss, reason="Look again.")
            reopened += 1
        else:
            _submit(rnd, assignment, by_pk[reviewer_pk], criteria)
        _assert_matches_the_formula(cycle)
    # Resubmit everything still open, so the last state has reopened-then-resubmitted ones.
    for (_application_pk, reviewer_pk), assignment in assignments.items():
        review = Review.objects.filter(assignment=assignment).first()
        if review is None or review.status != ReviewStatus.SUBMITTED:
            _submit(rnd, assignment, by_pk[reviewer_pk], criteria)
    _assert_matches_the_formula(cycle)
    assert reopened + Review.objects.filter(assignment__application__cycle=cycle).count() > 0


def test_a_withdrawn_application_leaves_the_ranking_and_still_normalises_its_reviewers():
    rnd, cycle, _boss, panel, assignments = _world(99)
    by_pk = {reviewer.pk: reviewer for reviewer in panel}
    criteria = list(cycle.criteria.order_by("order", "pk"))
    for (_application_pk, reviewer_pk), assignment in assignments.items():
        _submit(rnd, assignment, by_pk[reviewer_pk], criteria)
    withdrawn = Application.objects.filter(cycle=cycle).order_by("pk").first()
    Application.objects.filter(pk=withdrawn.pk).update(status=ApplicationStatus.WITHDRAWN)

    _assert_matches_the_formula(cycle)
    assert withdrawn.pk not in {a.pk for a in ranking_queryset(cycle)}
    assert [r.rank for r in ranking_queryset(cycle)] == [1, 2, 3, 4, 5]


def test_rebuild_score_aggregates_restores_lost_or_wrong_rows():
    rnd, cycle, _boss, panel, assignments = _world(7)
    by_pk = {reviewer.pk: reviewer for reviewer in panel}
    criteria = list(cycle.criteria.order_by("order", "pk"))
    for (_application_pk, reviewer_pk), assignment in list(assignments.items())[:10]:
        _submit(rnd, assignment, by_pk[reviewer_pk], criteria)
    before = {a.pk: [getattr(a, f) for f in FIGURES] for a in ScoreAggregate.objects.all()}
    ScoreAggregate.objects.filter(pk__in=list(before)[:2]).delete()
    ScoreAggregate.objects.update(mean=F("mean") + 1)
    Review.objects.update(score=None)

    call_command("rebuild_score_aggregates", cycle=cycle.pk, verbosity=0)

    after = {a.pk: [getattr(a, f) for f in FIGURES] for a in ScoreAggregate.objects.all()}
    assert after == before
    _assert_matches_the_formula(cycle)
    assert aggregates.rebuild_cycle(cycle.pk) == len(before)
