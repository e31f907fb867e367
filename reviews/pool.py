"""The reviewer pool of a call: the reviewers of each organisation its managers invite.
Automatic assignment proposes only them (every active reviewer when there is no pool)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from programs.enums import ActivityKind, CyclePhase
from programs.models import Cycle
from programs.rules import is_program_manager
from programs.services import activity_record

from .models import PoolMember, Reviewer

# The pool may change until the review phase ends.
POOL_PHASES = frozenset({CyclePhase.DRAFT, CyclePhase.OPEN, CyclePhase.CLOSED, CyclePhase.REVIEW})


def pool_set(*, cycle: Cycle, actor, reviewers: Iterable[Reviewer]) -> tuple[list, list]:
    """Make ``reviewers`` the pool of ``cycle``. Refused once the review phase is over.

    Side effects: ``PoolMember`` rows added and removed (assignments already made are
    kept); one ``SETTING_CHANGED`` activity line (``reviewer_pool``, old → new).
    Returns (added, removed) reviewers.
    """
    if actor is None or not is_program_manager(actor, cycle.program_id):
        raise PermissionDenied(_("Only a program manager of this program can do this."))
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.phase not in POOL_PHASES:
            raise ValidationError(
                _("The reviewer pool can no longer change: the call is “%(phase)s”.")
                % {"phase": locked.get_phase_display()},
                code="pool_closed",
            )
        wanted = {reviewer.pk: reviewer for reviewer in reviewers}
        current = {
            member.reviewer_id: member.reviewer
            for member in locked.reviewer_pool.select_related("reviewer__user")
        }
        added = [wanted[pk] for pk in wanted.keys() - current.keys()]
        removed = [current[pk] for pk in current.keys() - wanted.keys()]
        if not added and not removed:
            return [], []
        PoolMember.objects.filter(cycle=locked, reviewer__in=removed).delete()
        PoolMember.objects.bulk_create(
            PoolMember(cycle=locked, reviewer=reviewer, invited_by=actor) for reviewer in added
        )
        activity_record(
            cycle=locked,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="reviewer_pool",
            data={
                "field": "reviewer_pool",
                "old": sorted(str(reviewer.user) for reviewer in current.values()),
                "new": sorted(str(reviewer.user) for reviewer in wanted.values()),
            },
        )
    return added, removed
