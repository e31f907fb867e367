"""The guards of the selection: applications decided while their required reviews are
missing, selections out of rank order, stale pages, and the managers' override reasons
that let a decision past the first two (recorded, logged and shown to the other
organisation, whose standing approval they withdraw)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from applications.enums import ApplicationStatus
from applications.models import Application
from common.exceptions import TransitionError
from programs.enums import ActivityKind
from programs.models import Cycle
from programs.services import activity_record

from .. import selectors
from ..enums import OverrideKind
from ..models import DecisionApproval, SelectionOverride
from ._common import approvals_withdraw

# Outcomes that need their required reviews before approval and announcement.
GUARDED_OUTCOMES = frozenset({ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED})
# Applications that, ranked above a selected one and not selected, make it "out of order".
PASSED_OVER = frozenset(
    {ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED}
)


class StaleDecision(TransitionError):
    """The page was loaded before someone else changed one of its decisions."""


@dataclass(frozen=True)
class PassedOver:
    application: Application
    rank: int
    above: Application
    above_rank: int


def _organisation_of(actor: User) -> str:
    manager = getattr(actor, "program_manager", None)
    return manager.organisation if manager is not None else ""


def check_versions(rows: Iterable[Application], versions: Mapping[int, int] | None) -> None:
    """Refuse when any of ``rows`` changed since the page that sent ``versions`` (id →
    the ``version`` it showed) was loaded, naming each with its decision now."""
    if not versions:
        return
    stale = [row for row in rows if row.pk in versions and int(versions[row.pk]) != row.version]
    if stale:
        raise StaleDecision(
            _(
                "Someone else changed these decisions after you loaded the page; nothing "
                "was saved. Now: %(current)s. Reload the page and decide again."
            )
            % {
                "current": ", ".join(
                    f"{row.reference} — {ApplicationStatus(row.status).label}" for row in stale
                )
            },
            code="stale",
        )


def passed_over(cycle: Cycle, selecting: Iterable[int]) -> list[PassedOver]:
    """The applications of ``selecting`` that rank below an eligible application which is
    not (and is not being) selected, each with the best-ranked such application."""
    selecting = set(selecting)
    ranked = selectors.ranking_queryset(cycle)  # rank order, from the stored aggregates
    best = ranked.filter(status__in=PASSED_OVER).exclude(pk__in=selecting).first()
    if best is None:
        return []
    # ``rank`` is the ranking view's, annotated by ``ranking_queryset``.
    best_rank: int = best.rank  # type: ignore[attr-defined]
    below: Any = ranked.filter(pk__in=selecting, rank__gt=best_rank)  # type: ignore[misc]
    return [PassedOver(application, application.rank, best, best_rank) for application in below]


def missing_reviews(cycle: Cycle, *, without_override: bool = True) -> list[tuple]:
    """Selected or waitlisted applications of ``cycle`` lacking required reviews (fewer
    submitted reviews than required, or none from an organisation), as (application,
    completed, required) — by default only those no manager has overridden yet."""
    overridden = set()
    if without_override:
        overridden = set(
            SelectionOverride.objects.filter(
                cycle=cycle, kind=OverrideKind.MISSING_REVIEWS
            ).values_list("application_id", flat=True)
        )
    incomplete = (
        selectors.ranking_queryset(cycle)
        .filter(status__in=GUARDED_OUTCOMES)
        .exclude(pk__in=overridden)
        .alias(required=Greatest(Value(cycle.reviews_per_application), F("active_reviews")))
        .filter(
            Q(agg_completed_reviews__lt=F("required"))
            | Q(agg_mss_reviews=0)
            | Q(agg_ipark_reviews=0)
        )
    )
    return [
        (row.application, row.score.completed_reviews, row.score.required_reviews)
        for row in selectors.ranking_rows(cycle, incomplete)
    ]


def missing_reviews_error(missing: list[tuple]) -> TransitionError:
    return TransitionError(
        ngettext(
            "%(count)d selected or waitlisted application lacks its required reviews: "
            "%(references)s. Complete the reviews, or record a reason for going ahead "
            "without them (the other organisation sees it before approving).",
            "%(count)d selected or waitlisted applications lack their required reviews: "
            "%(references)s. Complete the reviews, or record a reason for going ahead "
            "without them (the other organisation sees it before approving).",
            len(missing),
        )
        % {
            "count": len(missing),
            "references": ", ".join(
                f"{application.reference} ({done}/{required})"
                for application, done, required in missing
            ),
        },
        code="missing_reviews",
    )


def passed_over_error(found: list[PassedOver]) -> TransitionError:
    return TransitionError(
        _(
            "Out of rank order: %(details)s. Give a reason for selecting out of rank order; "
            "it is recorded in the history and shown to the other organisation's approver."
        )
        % {
            "details": "; ".join(
                _("%(reference)s (rank %(rank)d) is below %(above)s (rank %(above_rank)d)")
                % {
                    "reference": item.application.reference,
                    "rank": item.rank,
                    "above": item.above.reference,
                    "above_rank": item.above_rank,
                }
                for item in found
            )
        },
        code="reason_required",
    )


def overrides_record(
    *,
    cycle: Cycle,
    applications: Iterable[Application],
    kind: str,
    reason: str,
    actor: User,
    now: datetime,
    details: Mapping[int, dict] | None = None,
) -> tuple[list[SelectionOverride], list[DecisionApproval]]:
    """Record a manager's override reason on ``applications`` of the locked ``cycle``.

    Side effects (inside the caller's transaction, after the cycle lock): a
    ``SelectionOverride`` per application, an ``override`` line in the activity log each,
    and the standing approvals of the *other* organisations withdrawn, so that they see
    the override before approving. Returns (overrides, approvals withdrawn)."""
    organisation = _organisation_of(actor)
    overrides = SelectionOverride.objects.bulk_create(
        SelectionOverride(
            cycle=cycle,
            application=application,
            kind=kind,
            reason=reason,
            actor=actor,
            organisation=organisation,
            created_at=now,
        )
        for application in applications
    )
    for override in overrides:
        activity_record(
            cycle=cycle,
            kind=ActivityKind.OVERRIDE,
            actor=actor,
            subject=override.application.reference,  # type: ignore[arg-type]
            data={"override": kind, **((details or {}).get(override.application_id) or {})},
            note=reason,
            at=now,
        )
    withdrawn = []
    if overrides:
        others = DecisionApproval.objects.select_for_update().filter(
            cycle=cycle, withdrawn_at__isnull=True
        )
        if organisation:
            others = others.exclude(organisation=organisation)
        withdrawn = approvals_withdraw(
            others,
            cycle=cycle,
            reason=_("%(actor)s recorded an override on %(references)s.")
            % {"actor": actor, "references": ", ".join(o.application.reference for o in overrides)},  # type: ignore[misc]
            actor=actor,
            now=now,
        )
    return overrides, withdrawn


def unseen_overrides_error(
    cycle: Cycle, *, actor: User, seen: int | None
) -> TransitionError | None:
    """When an approver's page showed overrides up to id ``seen``, the refusal naming the
    overrides of other organisations recorded since (None when there are none)."""
    if seen is None:
        return None
    newer = SelectionOverride.objects.filter(cycle=cycle, pk__gt=seen).select_related("application")
    organisation = _organisation_of(actor)
    if organisation:
        newer = newer.exclude(organisation=organisation)
    found = list(newer)
    if not found:
        return None
    return TransitionError(
        _(
            "Overrides were recorded after you loaded the page: %(overrides)s. Read them, "
            "then approve again."
        )
        % {
            "overrides": "; ".join(
                f"{o.application.reference} ({o.get_kind_display()}): {o.reason}" for o in found
            )
        },
        code="unseen_overrides",
    )
