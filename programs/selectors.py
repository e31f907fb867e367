"""Reads of the programs domain: the one place public querysets are built."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .enums import PUBLIC_PHASES, CyclePhase
from .models import Challenge, Criterion, Cycle, Program, Technology


def cycles_public() -> QuerySet[Cycle]:
    return Cycle.objects.filter(phase__in=PUBLIC_PHASES).select_related("program")


def cycles_accepting(now=None) -> QuerySet[Cycle]:
    """Cycles taking applications right now (open phase and inside the window)."""
    now = now or timezone.now()
    return cycles_public().filter(phase=CyclePhase.OPEN, opens_at__lte=now, closes_at__gt=now)


def programs_with_public_cycles() -> QuerySet[Program]:
    """Programs with their public cycles prefetched, newest first (two queries in all)."""
    return Program.objects.prefetch_related(
        Prefetch(
            "cycles",
            queryset=Cycle.objects.filter(phase__in=PUBLIC_PHASES).order_by("-opens_at"),
            to_attr="public_cycles",
        )
    )


def program_for_public(slug: str) -> Program:
    return get_object_or_404(programs_with_public_cycles(), slug=slug)


def cycle_for_public(program_slug: str, cycle_slug: str) -> Cycle:
    """A non-draft cycle with its rubric prefetched, or 404."""
    queryset = cycles_public().prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
    )
    return get_object_or_404(queryset, program__slug=program_slug, slug=cycle_slug)


def technologies_public() -> QuerySet[Technology]:
    return Technology.objects.filter(is_active=True)


def challenges_public() -> QuerySet[Challenge]:
    return Challenge.objects.filter(is_active=True)


def attach_offering_cycles(items, relation: str) -> list:
    """Set ``offered_cycles`` (public cycles offering it) on each technology/challenge of
    ``items``, with one query for the whole page. ``relation`` is ``"technologies"`` or
    ``"challenges"``. Returns the items as a list."""
    items = list(items)
    through = getattr(Cycle, relation).through
    item_column = "technology_id" if relation == "technologies" else "challenge_id"
    rows = (
        through.objects.filter(
            **{f"{item_column}__in": [item.pk for item in items]},
            cycle__phase__in=PUBLIC_PHASES,
        )
        .select_related("cycle__program")
        .order_by("-cycle__opens_at")
    )
    by_item: dict[int, list[Cycle]] = {}
    for row in rows:
        by_item.setdefault(getattr(row, item_column), []).append(row.cycle)
    for item in items:
        item.offered_cycles = by_item.get(item.pk, [])
    return items
