"""The ranking: the cycle's rows adapted to the pure formula in ``reviews.scoring`` with a
fixed number of queries, whatever the number of applications and reviews; its sorting and
the track items it is filtered by."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from applications.enums import DECIDED, ApplicationStatus
from applications.models import Application
from programs.enums import Organisation
from programs.models import Cycle

from ..enums import (
    AssignmentStatus,
    ReviewStatus,
)
from ..models import (
    Assignment,
    CriterionScore,
)
from ..scoring import (
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

    Over 60 lines on purpose: its four queries and their adaptation to ``rank_cycle``
    are read together, the query count being the contract.
    """
    criteria = list(cycle.criteria.order_by("order", "pk"))
    if not criteria:
        return []
    applications = {
        application.pk: application
        for application in Application.objects.filter(cycle=cycle, status__in=statuses)
        .select_related("company", "technology", "challenge")
        .order_by("pk")
    }
    for application in applications.values():
        # Every row shares the one cycle: no need to build thousands of copies of it.
        application.cycle = cycle
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


# The ranked statuses in the order pages list them.
RANKED_STATUS_ORDER = [
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.SELECTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.REJECTED,
]


# ``application_field`` (above) as a database expression: the same rule.
APPLICATION_FIELD = Coalesce(
    NullIf(F("biotech_field"), Value("")),
    F("technology__field"),
    F("challenge__field"),
    F("company__field"),
)


def track_item_key(application: Application) -> str:
    """``technology:<pk>`` or ``challenge:<pk>`` (the ranking's track item filter), or ""."""
    if application.technology_id:
        return f"technology:{application.technology_id}"
    if application.challenge_id:
        return f"challenge:{application.challenge_id}"
    return ""


def track_item_label(application: Application) -> str:
    """The technology or challenge the application answers, or ""."""
    item = application.technology or application.challenge
    return str(item) if item is not None else ""


def track_items_of(cycle: Cycle) -> list[tuple[str, str]]:
    """(key, label) of the technologies and challenges the cycle offers (two queries)."""
    return [(f"technology:{t.pk}", str(t)) for t in cycle.technologies.order_by("title")] + [
        (f"challenge:{c.pk}", str(c)) for c in cycle.challenges.order_by("company", "title")
    ]


# Sortable ranking columns: name → the value of a row. The rank is the formula's order
# (``reviews.scoring``, step 5); the other columns are each score on its own.
RANKING_SORTS: dict[str, Callable[[RankingRow], object]] = {
    "rank": lambda row: row.score.rank,
    "mean": lambda row: row.score.mean,
    "mss": lambda row: row.score.mss_mean,
    "ipark": lambda row: row.score.ipark_mean,
    "combined": lambda row: row.score.combined,
    "normalised": lambda row: row.score.normalised,
    "spread": lambda row: row.score.spread,
    "reviews": lambda row: row.score.completed_reviews,
}
# Scores read best-first (descending) by default; the rank ascending.
RANKING_SORT_DEFAULT_DESCENDING = frozenset(RANKING_SORTS) - {"rank"}


# --- The ranking read from the stored aggregates (``reviews.aggregates``) -----------------
# The same rows as ``cycle_ranking`` (which stays as the specification's reference reading),
# ranked by the database view ``reviews_ranking``: a fixed number of queries per page,
# whatever the size of the cycle.

_FIGURES = ("mean", "mss_mean", "ipark_mean", "combined", "normalised", "spread")
_SORT_EXPRESSIONS = {
    "rank": F("rank"),
    "mean": F("agg_mean"),
    "mss": F("agg_mss_mean"),
    "ipark": F("agg_ipark_mean"),
    "combined": F("agg_combined"),
    "normalised": F("agg_normalised"),
    "spread": F("agg_spread"),
    "reviews": F("agg_completed_reviews"),
}


def ranking_queryset(
    cycle: Cycle,
    *,
    field: str = "",
    status: str = "",
    item: str = "",
    sort: str = "rank",
    descending: bool | None = None,
) -> QuerySet[Application]:
    """The cycle's ranked applications in the order the ranking page offers, each annotated with
    its ``rank`` in the whole cycle, its stored figures (``agg_*``) and ``active_reviews``
    (its active assignments). One query, however the ranking is filtered or sorted."""
    active = (
        Assignment.objects.filter(application=OuterRef("pk"), status=AssignmentStatus.ACTIVE)
        .order_by()
        .values("application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = (
        Application.objects.filter(
            cycle=cycle, status__in=RANKED_STATUSES, ranking_entry__cycle_id=cycle.pk
        )
        .select_related("company", "technology", "challenge")
        .annotate(
            rank=F("ranking_entry__rank"),
            agg_completed_reviews=Coalesce(F("score_aggregate__completed_reviews"), 0),
            agg_mss_reviews=Coalesce(F("score_aggregate__mss_reviews"), 0),
            agg_ipark_reviews=Coalesce(F("score_aggregate__ipark_reviews"), 0),
            agg_disagreement=Coalesce(F("score_aggregate__disagreement"), False),
            active_reviews=Coalesce(Subquery(active), 0),
            **{f"agg_{name}": F(f"score_aggregate__{name}") for name in _FIGURES},
        )
    )
    if field:
        queryset = queryset.alias(judged_field=APPLICATION_FIELD).filter(judged_field=field)
    if status:
        queryset = queryset.filter(status=status)
    kind, _, pk = item.partition(":")
    if kind in ("technology", "challenge") and pk.isdigit():
        queryset = queryset.filter(**{f"{kind}_id": int(pk)})
    if sort not in _SORT_EXPRESSIONS:
        sort = "rank"
    if descending is None:
        descending = sort in RANKING_SORT_DEFAULT_DESCENDING
    expression = _SORT_EXPRESSIONS[sort]
    ordered = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return queryset.order_by(ordered, "rank")


def ranking_rows(cycle: Cycle, applications) -> list[RankingRow]:
    """``RankingRow``s of a page of ``ranking_queryset`` (one more query: the criterion
    means of these applications)."""
    applications = list(applications)
    means = _criterion_means([application.pk for application in applications])
    rows = []
    for application in applications:
        application.cycle = cycle
        rows.append(
            RankingRow(
                application=application,
                score=_score_of(application, cycle),
                criterion_means=means.get(application.pk, {}),
            )
        )
    return rows


def iter_cycle_ranking(cycle: Cycle, *, chunk: int = 1000):
    """Every ``RankingRow`` of the cycle in rank order, ``chunk`` at a time (two queries
    per chunk), for exports that stream."""
    queryset = ranking_queryset(cycle)
    last = 0
    while True:
        applications = list(queryset.filter(ranking_entry__rank__gt=last)[:chunk])
        if not applications:
            return
        yield from ranking_rows(cycle, applications)
        last = applications[-1].rank  # type: ignore[attr-defined]  # annotated by the view


def _score_of(application: Any, cycle: Cycle) -> ApplicationScore:
    """``application``: an ``Application`` annotated by ``ranking_queryset`` (its rank and
    the ``agg_*`` figures of its stored aggregate)."""
    missing = tuple(
        organisation
        for organisation, count in (
            (Organisation.MSS.value, application.agg_mss_reviews),
            (Organisation.IPARK.value, application.agg_ipark_reviews),
        )
        if not count
    )
    return ApplicationScore(
        application_id=application.pk,
        reference=application.reference or "",
        submitted_at=application.submitted_at,
        rank=application.rank,
        completed_reviews=application.agg_completed_reviews,
        required_reviews=max(cycle.reviews_per_application, application.active_reviews),
        disagreement=application.agg_disagreement,
        missing_organisations=missing,
        **{name: getattr(application, f"agg_{name}") for name in _FIGURES},
    )


def _criterion_means(application_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    cent = Decimal("0.01")
    means: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for application_id, criterion_id, total, count in (
        CriterionScore.objects.filter(
            review__status=ReviewStatus.SUBMITTED,
            review__assignment__status=AssignmentStatus.ACTIVE,
            review__assignment__application_id__in=application_ids,
        )
        .values_list("review__assignment__application_id", "criterion_id")
        .annotate(total=Sum("score"), count=Count("pk"))
        .values_list("review__assignment__application_id", "criterion_id", "total", "count")
        .order_by()
    ):
        means[application_id][criterion_id] = (Decimal(total) / count).quantize(cent)
    return means
