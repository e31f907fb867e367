"""What the ranking reads instead of recomputing every score on every request.

``ScoreAggregate``: an application's figures of ``reviews.scoring`` (steps 2–4), written
by ``reviews.aggregates`` in the transaction that submits or reopens one of its reviews.
``RankingEntry``: the database view ``reviews_ranking`` (migration 0008) ranking each
cycle's applications by those figures with a window function (step 5). Re-exported by
``reviews.models``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from programs.models import Cycle


def _score(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )


class ScoreAggregate(models.Model):
    """An application's scores from its submitted reviews, two decimals as the formula
    rounds them (``None`` where ``scoring.ApplicationScore`` has ``None``). Written only by
    ``reviews.aggregates``; an application without a row has no submitted review."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score_aggregate",
        verbose_name=_("application"),
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="+", verbose_name=_("cycle")
    )
    completed_reviews = models.PositiveIntegerField(_("submitted reviews"), default=0)
    mss_reviews = models.PositiveIntegerField(_("MSS reviews"), default=0)
    ipark_reviews = models.PositiveIntegerField(_("iPark reviews"), default=0)
    mean = _score(_("mean"))
    mss_mean = _score(_("MSS mean"))
    ipark_mean = _score(_("iPark mean"))
    combined = _score(_("combined"))
    normalised = _score(_("normalised"))
    spread = _score(_("spread"))
    disagreement = models.BooleanField(_("disagreement"), default=False)

    class Meta:
        verbose_name = _("score aggregate")
        verbose_name_plural = _("score aggregates")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.combined}"


class RankingEntry(models.Model):
    """A row of the view ``reviews_ranking``: the rank of each ranked application (under
    review or decided) in its cycle, by ``scoring``'s step 5 on the stored aggregates."""

    application = models.OneToOneField(
        Application,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        related_name="ranking_entry",
        db_constraint=False,
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.DO_NOTHING, related_name="+")
    rank = models.PositiveIntegerField()

    class Meta:
        managed = False
        db_table = "reviews_ranking"

    def __str__(self) -> str:
        return f"{self.application_id}: {self.rank}"
