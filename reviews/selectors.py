"""Reads of the reviews domain: every permission-scoped or aggregated queryset is built here.

The ranking adapts the cycle's rows to the pure formula in ``reviews.scoring`` with a
fixed number of queries, whatever the number of applications and reviews.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application
from programs.models import Cycle

from .enums import AssignmentStatus, ReviewStatus
from .models import CriterionScore
from .scoring import (
    ApplicationScore,
    CriterionSpec,
    RankedApplication,
    SubmittedReview,
    rank_cycle,
)

# Applications that take part in the ranking: under review, or with a (staged) decision.
RANKED_STATUSES = frozenset({ApplicationStatus.UNDER_REVIEW}) | DECIDED


@dataclass(frozen=True)
class RankingRow:
    """An application with its scores (``reviews.scoring.ApplicationScore``) and the mean
    raw score per criterion of its submitted reviews (for exports and detail views)."""

    application: Application
    score: ApplicationScore
    criterion_means: dict[int, Decimal] = field(default_factory=dict)


def cycle_ranking(cycle: Cycle, *, statuses=RANKED_STATUSES) -> list[RankingRow]:
    """The cycle's applications in ``statuses``, scored and ranked (rank 1 first).

    Four queries in all: the rubric, the applications, the active-assignment counts and
    every submitted criterion score of the cycle. Every submitted review of the cycle feeds
    the reviewers' normalisation, also reviews of applications not ranked (withdrawn).
    An application needs ``max(cycle.reviews_per_application, its active assignments)``
    reviews to be complete.
    """
    criteria = list(cycle.criteria.order_by("order", "pk"))
    if not criteria:
        return []
    applications = {
        application.pk: application
        for application in Application.objects.filter(cycle=cycle, status__in=statuses)
        .select_related("company", "cycle__program", "technology", "challenge")
        .order_by("pk")
    }
    assigned = dict(
        Application.objects.filter(pk__in=applications)
        .annotate(
            active=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACTIVE))
        )
        .values_list("pk", "active")
    )
    rows = CriterionScore.objects.filter(
        review__status=ReviewStatus.SUBMITTED,
        review__assignment__application__cycle=cycle,
        review__assignment__status=AssignmentStatus.ACTIVE,
    ).values_list(
        "review_id",
        "review__assignment__reviewer_id",
        "review__assignment__reviewer__organisation",
        "review__assignment__application_id",
        "criterion_id",
        "score",
    )
    by_review: dict[int, dict] = {}
    sums: dict[tuple[int, int], list[int]] = defaultdict(list)
    for review_id, reviewer_id, organisation, application_id, criterion_id, score in rows:
        review = by_review.setdefault(
            review_id,
            {
                "reviewer_id": reviewer_id,
                "organisation": organisation,
                "application_id": application_id,
                "scores": {},
            },
        )
        review["scores"][criterion_id] = score
        if application_id in applications:
            sums[(application_id, criterion_id)].append(score)

    scores = rank_cycle(
        criteria=[CriterionSpec(c.pk, c.weight, c.max_score) for c in criteria],
        applications=[
            RankedApplication(
                id=application.pk,
                reference=application.reference or "",
                submitted_at=application.submitted_at,
                required_reviews=max(cycle.reviews_per_application, assigned.get(pk, 0)),
            )
            for pk, application in applications.items()
        ],
        reviews=[SubmittedReview(**review) for review in by_review.values()],
    )
    cent = Decimal("0.01")
    return [
        RankingRow(
            application=applications[score.application_id],
            score=score,
            criterion_means={
                criterion.pk: (Decimal(sum(values)) / len(values)).quantize(cent)
                for criterion in criteria
                if (values := sums.get((score.application_id, criterion.pk)))
            },
        )
        for score in scores
    ]


def cycles_managed_by(user):
    """Cycles of the programs the user manages (every cycle for superusers), newest first."""
    if not user.is_authenticated:
        return Cycle.objects.none()
    queryset = Cycle.objects.select_related("program").order_by("-opens_at", "pk")
    if user.is_superuser:
        return queryset
    return queryset.filter(
        program__managers__user=user, program__managers__is_active=True
    ).distinct()


def get_cycle_for_manager(user, pk: int) -> Cycle:
    """A cycle the user manages, or 404 (an ID guessed in a URL reveals nothing)."""
    from django.http import Http404

    try:
        return cycles_managed_by(user).get(pk=pk)
    except Cycle.DoesNotExist:
        raise Http404 from None
