from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Organisation
from programs.models import Cycle
from reviews.selectors import cycle_ranking
from tests.factories import (
    CriterionFactory,
    CycleFactory,
    ReviewerFactory,
    submitted_application,
    submitted_review,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    cycle = CycleFactory(reviews_per_application=2)
    CriterionFactory(cycle=cycle, name="Innovation", weight=Decimal(2), max_score=10, order=1)
    CriterionFactory(cycle=cycle, name="Team", weight=Decimal(1), max_score=10, order=2)
    Cycle.objects.filter(pk=cycle.pk).update(phase=CyclePhase.OPEN)
    cycle.refresh_from_db()
    return cycle


def _under_review(cycle):
    application = submitted_application(cycle=cycle)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    application.refresh_from_db()
    return application


def test_cycle_ranking_combines_organisations_equally(cycle):
    innovation, team = cycle.criteria.order_by("order")
    first, second = _under_review(cycle), _under_review(cycle)
    kim = ReviewerFactory(organisation=Organisation.MSS)
    lee = ReviewerFactory(organisation=Organisation.MSS)
    sato = ReviewerFactory(organisation=Organisation.IPARK)
    # first: Kim 90 (9, 9), Lee 60 (6, 6), Sato 30 (3, 3) → MSS 75, iPark 30, combined 52.50
    submitted_review(first, kim, {innovation: 9, team: 9})
    submitted_review(first, lee, {innovation: 6, team: 6})
    submitted_review(first, sato, {innovation: 3, team: 3})
    # second: Kim 50 (5, 5), Sato 70 (7, 7) → combined 60.00
    submitted_review(second, kim, {innovation: 5, team: 5})
    submitted_review(second, sato, {innovation: 7, team: 7})

    rows = cycle_ranking(cycle)

    assert [row.application.pk for row in rows] == [second.pk, first.pk]
    top, bottom = rows
    assert (top.score.combined, top.score.mss_mean, top.score.ipark_mean) == (
        Decimal("60.00"),
        Decimal("50.00"),
        Decimal("70.00"),
    )
    assert (bottom.score.combined, bottom.score.mean) == (Decimal("52.50"), Decimal("60.00"))
    assert bottom.score.completed_reviews == 3
    assert bottom.score.required_reviews == 3  # three active assignments
    assert bottom.score.disagreement is True  # spread 90 − 30 = 60
    assert bottom.criterion_means == {innovation.pk: Decimal("6.00"), team.pk: Decimal("6.00")}


def test_cycle_ranking_query_count_does_not_grow(cycle):
    innovation, team = cycle.criteria.order_by("order")
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)

    def add(n):
        for _ in range(n):
            application = _under_review(cycle)
            submitted_review(application, mss, {innovation: 5, team: 6})
            submitted_review(application, ipark, {innovation: 7, team: 8})

    add(1)
    with CaptureQueriesContext(connection) as few:
        cycle_ranking(cycle)
    add(10)
    with CaptureQueriesContext(connection) as many:
        rows = cycle_ranking(cycle)

    assert len(rows) == 11
    assert len(many) == len(few) == 4


def test_cycle_ranking_leaves_out_drafts_and_submitted_not_screened(cycle):
    submitted_application(cycle=cycle)  # submitted, not yet screened

    assert cycle_ranking(cycle) == []
