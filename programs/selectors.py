"""Reads of the programs domain: the one place public querysets are built."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import PUBLIC_PHASES, CyclePhase
from .models import Challenge, Criterion, Cycle, CycleActivity, Program, Technology


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


# --- Managers: setting up and running calls -------------------------------------------------


def programs_managed_by(user) -> QuerySet[Program]:
    """Programs ``user`` manages as an active program manager (none for anyone else)."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(managers__user=user, managers__is_active=True).distinct()


def calls_managed_by(user) -> QuerySet[Cycle]:
    """Calls of the programs ``user`` manages, newest first."""
    return (
        Cycle.objects.filter(program__in=programs_managed_by(user))
        .select_related("program")
        .order_by("-opens_at", "pk")
    )


def get_call_for_manager(user, pk: int) -> Cycle:
    """A call of a program ``user`` manages, with its rubric prefetched, or 404 (an ID
    guessed in a URL reveals nothing)."""
    queryset = calls_managed_by(user).prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))
    )
    return get_object_or_404(queryset, pk=pk)


def call_activity(
    cycle: Cycle, *, kind: str = "", actor_id: int | None = None, since=None, until=None
) -> QuerySet[CycleActivity]:
    """The activity log of ``cycle``, newest first, filtered; the actor joined."""
    queryset = cycle.activity.select_related("actor").order_by("-created_at", "-pk")
    if kind:
        queryset = queryset.filter(kind=kind)
    if actor_id:
        queryset = queryset.filter(actor_id=actor_id)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    if until:
        queryset = queryset.filter(created_at__lt=until)
    return queryset


def call_activity_actors(cycle: Cycle):
    """The people who appear in ``cycle``'s activity log (for the filter)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk__in=cycle.activity.exclude(actor=None).values("actor_id"))
        .order_by("email")
    )


def call_phase_consequences(cycle: Cycle, action: str) -> list[str]:
    """What a phase control does, in sentences with counts: the programs' own, then those
    of the apps that know the people concerned (``signals.phase_consequences``)."""
    from common.templatetags.portal import local_dt

    from . import signals

    own = {
        "open": [
            _(
                "The call becomes public: anyone can read it, and companies can apply from "
                "%(opens)s until %(closes)s."
            )
            % {"opens": local_dt(cycle.opens_at), "closes": local_dt(cycle.closes_at)},
            _(
                "From then on the criteria, weights, required documents and dates are fixed: "
                "only texts, added optional documents, a later closing date and the quota "
                "may change."
            ),
        ],
        "close": [
            _(
                "No application can be submitted from now on; the published closing date "
                "(%(closes)s) becomes now."
            )
            % {"closes": local_dt(cycle.closes_at)},
        ],
        "extend": [
            _("Applications are accepted until the new closing date instead of %(closes)s.")
            % {"closes": local_dt(cycle.closes_at)},
        ],
        "reopen": [
            _("Companies can submit again until the new closing date."),
        ],
        "start-review": [
            _(
                "The call moves to review: applications are screened and assigned to "
                "reviewers, and the call can no longer be reopened."
            ),
        ],
    }.get(action, [])
    sentences = [str(sentence) for sentence in own]
    for _receiver, response in signals.phase_consequences.send(
        sender=Cycle, cycle=cycle, action=action
    ):
        sentences.extend(str(sentence) for sentence in response or [])
    return sentences


def call_questions_for_setup(cycle: Cycle) -> list:
    """The call's questions in order, each with ``answer_count`` (answers given, drafts
    included: the freeze rules) and its condition's question — one query."""
    return list(
        cycle.questions.select_related("condition_question")
        .annotate(
            answer_count=Count(
                "answers", filter=Q(answers__value__isnull=False) | ~Q(answers__file="")
            )
        )
        .order_by("order", "pk")
    )
