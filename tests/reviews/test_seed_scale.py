from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from applications.models import Application, Consent, StatusChange
from programs.enums import CyclePhase, Organisation
from reviews.enums import AssignmentStatus, ReviewStatus
from reviews.models import Assignment, CriterionScore, Review
from reviews.scale import seed_scale
from reviews.selectors import cycle_ranking

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_call_under_review_with_three_submitted_reviews_each():
    scale = seed_scale(applications=60)
    cycle = scale.cycle

    applications = Application.objects.filter(cycle=cycle)
    assert cycle.phase == CyclePhase.REVIEW and cycle.criteria.count() == 4
    assert applications.count() == 60
    assert sorted(applications.values_list("sequence", flat=True)) == list(range(1, 61))
    assert applications.values("reference").distinct().count() == 60
    for application in applications.select_related("company")[:5]:
        application.company.full_clean()  # a valid business number, among the rest
    assert Consent.objects.filter(application__cycle=cycle).count() == 120
    assert StatusChange.objects.filter(application__cycle=cycle).count() == 180

    assignments = Assignment.objects.filter(application__cycle=cycle)
    assert set(assignments.values_list("status", flat=True)) == {AssignmentStatus.ACTIVE}
    per_application = assignments.values("application").annotate(
        n=Count("reviewer", distinct=True),
        mss=Count("pk", filter=Q_ORG(Organisation.MSS)),
        ipark=Count("pk", filter=Q_ORG(Organisation.IPARK)),
    )
    assert {(row["n"], row["mss"] >= 1, row["ipark"] >= 1) for row in per_application} == {
        (3, True, True)
    }
    loads = Counter(assignments.values_list("reviewer", flat=True))
    assert len(loads) == 20 and max(loads.values()) - min(loads.values()) <= 1
    reviews = Review.objects.filter(assignment__application__cycle=cycle)
    assert reviews.filter(status=ReviewStatus.SUBMITTED).count() == 180
    assert CriterionScore.objects.filter(review__in=reviews).count() == 720

    rows = cycle_ranking(cycle)
    assert len(rows) == 60
    assert all(row.score.completed_reviews == 3 for row in rows)
    assert rows[0].score.rank == 1


def Q_ORG(organisation):
    from django.db.models import Q

    return Q(reviewer__organisation=organisation)


def test_seed_scale_command_prints_the_call_and_runs_twice():
    out = StringIO()

    call_command("seed_scale", "--applications", "5", stdout=out)
    call_command("seed_scale", "--applications", "5", stdout=StringIO())

    assert "Benchmark call" in out.getvalue() and "/ranking/" in out.getvalue()
    assert Application.objects.filter(cycle__code__startswith="SCALE").count() == 10


def test_seed_scale_is_refused_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="refused when PRODUCTION=true"):
        call_command("seed_scale", "--applications", "5", stdout=StringIO())
    assert not Application.objects.filter(cycle__code__startswith="SCALE").exists()
