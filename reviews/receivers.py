"""How review and selection take part in setting up a call (``programs.signals``): the
rubric locks once a score is saved, the quota once both organisations approved, opening
needs enough reviewers of each organisation in the pool, a copied call keeps its pool."""

from django.db.models import Count
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs import signals
from programs.enums import Organisation
from programs.services import Check

from .models import CriterionScore, DecisionApproval, PoolMember, Reviewer


def assignable_reviewers(cycle):
    """The reviewers automatic assignment may propose for ``cycle``: the active reviewers
    of its pool, or every active reviewer when the cycle has no pool."""
    active = Reviewer.objects.filter(is_active=True)
    if PoolMember.objects.filter(cycle=cycle).exists():
        return active.filter(pool_memberships__cycle=cycle)
    return active


def pool_counts(cycle) -> tuple[bool, dict[str, int]]:
    """(whether the cycle has its own pool, active assignable reviewers per organisation)."""
    has_pool = PoolMember.objects.filter(cycle=cycle).exists()
    counts = dict(
        assignable_reviewers(cycle)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    return has_pool, {value: counts.get(value, 0) for value in Organisation.values}


@receiver(signals.setting_locks, dispatch_uid="reviews_setting_locks")
def setting_locks(sender, cycle, **kwargs) -> dict[str, str]:
    locks = {}
    scores = CriterionScore.objects.filter(criterion__cycle=cycle).aggregate(n=Count("pk"))
    if scores["n"]:
        locks["rubric"] = ngettext(
            "The rubric is locked: reviewers have started scoring (%(count)d score saved). "
            "Changing a criterion now would make their scores incomparable.",
            "The rubric is locked: reviewers have started scoring (%(count)d scores saved). "
            "Changing a criterion now would make their scores incomparable.",
            scores["n"],
        ) % {"count": scores["n"]}
    standing = set(
        DecisionApproval.objects.filter(cycle=cycle, withdrawn_at__isnull=True).values_list(
            "organisation", flat=True
        )
    )
    if standing >= set(Organisation.values):
        locks["quota"] = _(
            "The quota is locked: both MSS and iPark approved the decisions. An organisation "
            "must withdraw its approval before the quota can change."
        )
    return locks


@receiver(signals.preflight_checks, dispatch_uid="reviews_preflight_checks")
def preflight_checks(sender, cycle, **kwargs) -> list[Check]:
    has_pool, counts = pool_counts(cycle)
    mss, ipark = counts[Organisation.MSS], counts[Organisation.IPARK]
    detail = _(
        "MSS: %(mss)d, iPark: %(ipark)d — at least one of each and %(needed)d in all, "
        "for %(needed)d reviews per application."
    ) % {"mss": mss, "ipark": ipark, "needed": cycle.reviews_per_application}
    if not has_pool:
        detail += " " + _("No pool invited yet: every active reviewer is counted.")
    return [
        Check(
            _("Enough reviewers of each organisation in the pool"),
            mss >= 1 and ipark >= 1 and mss + ipark >= cycle.reviews_per_application,
            detail,
        )
    ]


@receiver(signals.cycle_copied, dispatch_uid="reviews_cycle_copied")
def copy_pool(sender, source, cycle, actor, **kwargs) -> None:
    PoolMember.objects.bulk_create(
        PoolMember(cycle=cycle, reviewer_id=reviewer_id, invited_by=actor)
        for reviewer_id in source.reviewer_pool.values_list("reviewer_id", flat=True)
    )


@receiver(signals.phase_consequences, dispatch_uid="reviews_phase_consequences")
def phase_consequences(sender, cycle, action, **kwargs) -> list[str]:
    if action not in ("open", "start-review"):
        return []
    has_pool, counts = pool_counts(cycle)
    sentence = _(
        "Automatic assignment will propose the reviewers of the pool: %(mss)d of MSS and "
        "%(ipark)d of iPark."
    )
    if not has_pool:
        sentence = _(
            "No reviewer pool is invited: automatic assignment will propose every active "
            "reviewer (%(mss)d of MSS and %(ipark)d of iPark)."
        )
    return [sentence % {"mss": counts[Organisation.MSS], "ipark": counts[Organisation.IPARK]}]
