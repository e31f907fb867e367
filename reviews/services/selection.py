"""Writes of the selection side: decisions within the quota, joint approval, announcement
and the results e-mails."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from applications.enums import (
    AFTER_ANNOUNCEMENT,
    APPLICATION_TRANSITIONS,
    DECIDED,
    DECISIONS,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
)
from applications.models import Application, Membership
from applications.services import application_decide, application_transition
from common.exceptions import TransitionError
from common.templatetags.portal import local_dt
from notifications.enums import NotificationKind
from notifications.services import Event, notify_many
from programs.enums import ActivityKind, CyclePhase
from programs.models import Cycle, ProgramManager
from programs.services import activity_record, cycle_transition

from .. import selectors
from ..enums import (
    DECISION_PHASES,
    OverrideKind,
)
from ..models import (
    DecisionApproval,
)
from ..rules import approves_for_an_organisation
from . import guards
from ._common import _require_manager, approval_activity, approvals_withdraw
from .announcing import announcement_start


class QuotaExceeded(TransitionError):
    """Selecting these applications would put more than the cycle's quota on the list."""


@dataclass(frozen=True)
class DecisionOutcome:
    """What ``decisions_set`` did."""

    changed: list[Application]
    unchanged: list[Application]
    approvals_withdrawn: list[DecisionApproval]


def _lock_cycle(cycle: Cycle) -> Cycle:
    """Lock the cycle row: decisions, approvals and the announcement of one cycle happen
    one at a time (the quota and the approvals are read under this lock)."""
    return Cycle.objects.select_for_update(of=("self",)).select_related("program").get(pk=cycle.pk)


def decisions_set(
    *,
    cycle: Cycle,
    applications: Iterable[Application | int],
    decision: str,
    actor: User,
    note: str = "",
    now: datetime | None = None,
    versions: Mapping[int, int] | None = None,
    reason: str = "",
) -> DecisionOutcome:
    """Record ``decision`` for applications of ``cycle``: ``selected``, ``waitlisted``,
    ``rejected``, or ``under_review`` to take a decision back. The one way pages, the API
    and the admin decide.

    All or nothing: every application must belong to the cycle and be allowed to move
    (``applications.enums``), the cycle must be under review or decided, and selecting
    must keep the selected applications within ``cycle.selection_quota`` (else
    ``QuotaExceeded``, saying the quota and how many are selected). Once the cycle's
    results are announced, only the waitlist moves (promotion or final rejection).
    Applications already in ``decision`` are left as they are.

    Guards (``guards``): with ``versions`` (id → the ``version`` the page showed), a
    decision changed since is refused (``StaleDecision``, naming the current decisions);
    selecting an application ranked below an eligible one that is not selected needs a
    ``reason`` (else ``reason_required``), recorded as an override, in the history note
    and in the activity log, and shown to the other organisation.

    Side effects, in one transaction under a lock of the cycle: for each changed
    application its status and a ``StatusChange`` row (``application_decide``); before the
    announcement, every standing approval of the cycle withdrawn with the reason (when
    anything changed); after it, the company's members notified of the new result at once.

    Over 60 lines on purpose: the checks, the moves and their side effects happen under
    one lock of the cycle, in the order the docstring lists them.
    """
    ids = sorted({item.pk if isinstance(item, Application) else int(item) for item in applications})
    if not ids:
        raise ValidationError(_("Choose at least one application."), code="no_applications")
    if decision not in DECISIONS and decision != ApplicationStatus.UNDER_REVIEW:
        raise ValidationError(
            _("Choose selected, waitlisted, not selected or back to under review."),
            code="bad_decision",
        )
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        now = now or timezone.now()  # after the lock: history orders with the lock
        _require_manager(locked, actor)
        announced = locked.results_announced
        if locked.phase not in DECISION_PHASES and not announced:
            raise TransitionError(
                _("Decisions are made once the cycle is under review (it is “%(phase)s”).")
                % {"phase": CyclePhase(locked.phase).label},
                code="not_deciding",
            )
        rows = list(
            Application.objects.select_for_update(of=("self",))
            .filter(cycle=locked, pk__in=ids)
            .select_related("company")
            .order_by("reference", "pk")
        )
        if len(rows) != len(ids):
            raise ValidationError(
                _("Some of the chosen applications are not in this cycle."), code="not_in_cycle"
            )
        guards.check_versions(rows, versions)
        to_change = [row for row in rows if row.status != decision]
        _check_moves(to_change, decision, announced=announced)
        passed = []
        if decision == ApplicationStatus.SELECTED and to_change:
            _check_quota(locked, adding=len(to_change))
            passed = guards.passed_over(locked, [a.pk for a in to_change])
            if passed and not reason.strip():
                raise guards.passed_over_error(passed)
        if passed:
            note = " ".join(part for part in (note.strip(), reason.strip()) if part)
        for application in to_change:
            application.cycle = locked
            previous = application.status
            if decision == ApplicationStatus.UNDER_REVIEW:
                application_transition(
                    application=application, to=decision, actor=actor, note=note, now=now
                )
            else:
                application_decide(
                    application=application, actor=actor, decision=decision, note=note, now=now
                )
            application.version += 1
            application.save(update_fields=["version"])
            activity_record(
                cycle=locked,
                kind=ActivityKind.DECISION,
                actor=actor,
                subject=application.reference,  # type: ignore[arg-type]
                data={"from": previous, "to": decision},
                note=note,
                at=now,
            )
        withdrawn: list[DecisionApproval] = []
        if to_change and not announced:
            withdrawn = approvals_withdraw(
                DecisionApproval.objects.select_for_update().filter(
                    cycle=locked, withdrawn_at__isnull=True
                ),
                cycle=locked,
                actor=None,
                reason=_("%(actor)s changed %(references)s to “%(status)s”.")
                % {
                    "actor": actor,
                    "references": ", ".join(a.reference for a in to_change),  # type: ignore[misc]
                    "status": ApplicationStatus(decision).label,
                },
                now=now,
            )
        if passed:
            _overrides, others = guards.overrides_record(
                cycle=locked,
                applications=[item.application for item in passed],
                kind=OverrideKind.RANK_ORDER,
                reason=reason.strip(),
                actor=actor,
                now=now,
                details={
                    item.application.pk: {
                        "rank": item.rank,
                        "above": item.above.reference,
                        "above_rank": item.above_rank,
                    }
                    for item in passed
                },
            )
            withdrawn += others
        if to_change and announced:
            results_notify(applications=to_change, actor=actor, promotion=True)
    return DecisionOutcome(
        changed=to_change,
        unchanged=[row for row in rows if row not in to_change],
        approvals_withdrawn=withdrawn,
    )


def decisions_set_one(*, application: Application, actor: User, decision: str) -> None:
    """``decisions_set`` for one application of its cycle: how the admin decides
    (registered in ``applications.extensions`` by ``ReviewsConfig.ready``)."""
    decisions_set(
        cycle=application.cycle, applications=[application], decision=decision, actor=actor
    )


def _check_moves(applications: list[Application], decision: str, *, announced: bool) -> None:
    """Refuse the whole request, naming every application that cannot move."""
    refused = [
        application
        for application in applications
        if decision not in APPLICATION_TRANSITIONS[application.status]
        or TRANSITION_ACTORS[(application.status, decision)] != Actor.MANAGER
        or (announced and (application.status, decision) not in AFTER_ANNOUNCEMENT)
    ]
    if not refused:
        return
    if announced:
        message = _(
            "The results have been announced: only waitlisted applications can still be "
            "selected or not selected (%(references)s cannot be changed)."
        )
    else:
        message = _("%(references)s cannot be set to “%(status)s” from their current status.")
    raise TransitionError(
        message
        % {
            "references": ", ".join(
                f"{a.reference} ({ApplicationStatus(a.status).label})" for a in refused
            ),
            "status": ApplicationStatus(decision).label,
        },
        code="transition_not_allowed",
    )


def _check_quota(cycle: Cycle, *, adding: int) -> None:
    selected = Application.objects.filter(cycle=cycle, status=ApplicationStatus.SELECTED).count()
    if selected + adding <= cycle.selection_quota:
        return
    raise QuotaExceeded(
        ngettext(
            "The quota is %(quota)d and %(selected)d are already selected: selecting "
            "%(adding)d more would exceed it.",
            "The quota is %(quota)d and %(selected)d are already selected: selecting "
            "%(adding)d more would exceed it.",
            adding,
        )
        % {"quota": cycle.selection_quota, "selected": selected, "adding": adding},
        code="quota_exceeded",
    )


def _approving_manager(actor: User, cycle: Cycle) -> ProgramManager:
    """The actor's program-manager profile: the organisation they approve for is theirs,
    never chosen (``reviews.approve_decisions``)."""
    if actor is None or not approves_for_an_organisation(actor, cycle):
        raise PermissionDenied(
            _("Only a program manager of MSS or iPark for this program can approve decisions.")
        )
    return actor.program_manager


def decisions_approve(
    *,
    cycle: Cycle,
    actor: User,
    now: datetime | None = None,
    override_reason: str = "",
    overrides_seen: int | None = None,
) -> DecisionApproval:
    """Approve the cycle's decision list for the actor's organisation (MSS or iPark).

    Refused while any application is still under review or outside the deciding phases;
    while a selected or waitlisted application lacks its required reviews and nobody
    overrode that (``missing_reviews``) — unless ``override_reason`` is given, which
    records the override (``guards.overrides_record``: logged, the other organisation's
    approval withdrawn); and, when the page showed overrides up to id ``overrides_seen``,
    while another organisation recorded one since (``unseen_overrides``).
    Approving again while an approval of that organisation stands returns it unchanged.
    Side effects: a ``DecisionApproval`` row and an ``approval`` line in the activity log,
    timed after the cycle lock. Any later change to a decision withdraws it.
    """
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        now = now or timezone.now()
        manager = _approving_manager(actor, locked)
        if locked.phase not in DECISION_PHASES:
            raise TransitionError(
                _("Decisions are approved while the cycle is under review or decided."),
                code="not_deciding",
            )
        undecided = selectors.undecided_references(locked)
        if undecided:
            raise TransitionError(
                ngettext(
                    "Decide every application first: %(count)d is still under review.",
                    "Decide every application first: %(count)d are still under review.",
                    len(undecided),
                )
                % {"count": len(undecided)},
                code="undecided",
            )
        unseen = guards.unseen_overrides_error(locked, actor=actor, seen=overrides_seen)
        if unseen is not None:
            raise unseen
        _missing_reviews_overridden(locked, actor=actor, reason=override_reason, now=now)
        standing = DecisionApproval.objects.filter(
            cycle=locked, organisation=manager.organisation, withdrawn_at__isnull=True
        ).first()
        if standing is not None:
            return standing
        approval = DecisionApproval.objects.create(
            cycle=locked, manager=manager, organisation=manager.organisation, approved_at=now
        )
        approval_activity(approval, cycle=locked, kind=ActivityKind.APPROVAL, actor=actor, at=now)
        return approval


def _missing_reviews_overridden(locked: Cycle, *, actor: User, reason: str, now: datetime) -> list:
    """Refuse (``missing_reviews``) while selected or waitlisted applications lack their
    required reviews without an override, unless ``reason`` records one for each."""
    missing = guards.missing_reviews(locked)
    if not missing:
        return []
    if not reason.strip():
        raise guards.missing_reviews_error(missing)
    overrides, _withdrawn = guards.overrides_record(
        cycle=locked,
        applications=[application for application, _done, _required in missing],
        kind=OverrideKind.MISSING_REVIEWS,
        reason=reason.strip(),
        actor=actor,
        now=now,
        details={
            application.pk: {"reviews": f"{done}/{required}"}
            for application, done, required in missing
        },
    )
    return overrides


def decisions_approval_withdraw(
    *, cycle: Cycle, actor: User, now: datetime | None = None
) -> DecisionApproval | None:
    """Withdraw the standing approval of the actor's organisation (a manager of that
    organisation changes their mind). Returns it, or None when none stood. Refused once
    the results are announced. Side effects: ``withdrawn_at`` (taken after the cycle lock)
    and the reason on the row, an activity line."""
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        now = now or timezone.now()
        manager = _approving_manager(actor, locked)
        if locked.results_announced:
            raise TransitionError(
                _("The results have been announced; the approvals are final."),
                code="already_announced",
            )
        approval = (
            DecisionApproval.objects.select_for_update()
            .filter(cycle=locked, organisation=manager.organisation, withdrawn_at__isnull=True)
            .first()
        )
        if approval is None:
            return None
        approvals_withdraw(
            [approval],
            cycle=locked,
            reason=_("Withdrawn by %(manager)s.") % {"manager": actor},
            actor=actor,
            now=now,
        )
        return approval


def cycle_announce(
    *,
    cycle: Cycle,
    actor: User,
    now: datetime | None = None,
    override_reason: str = "",
    confirm_early: bool = False,
) -> Cycle:
    """Announce the cycle's results: the decisions become visible to the applicants.

    Refused (``TransitionError``, with every reason: ``AnnouncementReadiness.problems``)
    unless every application under review has been decided and a manager of MSS and a
    manager of iPark both have an approval standing; refused when already announced, so
    announcing twice sends nothing twice. Refused while a selected or waitlisted
    application lacks its required reviews without an override (``missing_reviews``):
    ``override_reason`` records the overrides (committed), which withdraws the other
    organisation's approval, so the announcement waits for it to approve again. Refused
    before the published announcement date unless ``confirm_early``
    (``before_announcement_date``).

    Side effects, in one transaction under a lock of the cycle (times taken after it):
    the phase ``review`` → ``decided`` (when still under review) → ``announced``
    (``cycle_transition``, with history rows), an ``announcement`` activity line, and an
    ``AnnouncementRun`` whose background task (queued after commit) records and e-mails
    the results in chunks (``announcing.announcement_run_step``). Returns at once.

    Over 60 lines on purpose: the override (its own committed transaction) and the
    checks and moves under one lock of the cycle, in the order listed.
    """
    if override_reason.strip():
        with transaction.atomic():
            locked = _lock_cycle(cycle)
            _require_manager(locked, actor)
            if not locked.results_announced:
                _missing_reviews_overridden(
                    locked, actor=actor, reason=override_reason, now=now or timezone.now()
                )
    with transaction.atomic():
        locked = _lock_cycle(cycle)
        now = now or timezone.now()
        _require_manager(locked, actor)
        readiness = selectors.announcement_readiness(locked)
        if not readiness.can_announce:
            code = "already_announced" if readiness.announced else "not_ready"
            raise TransitionError(
                [TransitionError(problem, code=code) for problem in readiness.problems]
            )
        missing = guards.missing_reviews(locked)
        if missing:
            raise guards.missing_reviews_error(missing)
        if now < locked.announce_at and not confirm_early:
            raise TransitionError(
                _(
                    "The published announcement date is %(date)s. Confirm that the results "
                    "are to be announced before it."
                )
                % {"date": local_dt(locked.announce_at)},
                code="before_announcement_date",
            )
        if locked.phase == CyclePhase.REVIEW:
            cycle_transition(
                cycle=locked, to=CyclePhase.DECIDED, actor=actor, note="Every application decided."
            )
        cycle_transition(cycle=locked, to=CyclePhase.ANNOUNCED, actor=actor, note="")
        locked.refresh_from_db(fields=["phase", "updated_at"])
        announcement_start(cycle=locked, actor=actor, now=now, early=now < locked.announce_at)
    cycle.phase = locked.phase
    return locked


def results_notify(
    *, applications: list[Application], actor: User | None, promotion: bool = False
) -> int:
    """Tell each application's company its result: one ``results_announced`` notification
    per member, in the member's language, with the reviewers' comments to the applicant
    (``selectors.comments_to_applicants``: no internal comment, no reviewer's name).

    Called inside the announcing (or promoting) transaction: the notifications are
    recorded with it and e-mailed after commit. Idempotent per application and outcome
    (event key ``result:<status>``), so repeating it sends nothing twice. Returns how many
    notifications were recorded.
    """
    if not applications:
        return 0
    comments = selectors.comments_to_applicants([a.pk for a in applications])
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(
        company_id__in={a.company_id for a in applications}, user__is_active=True
    ).select_related("user"):
        members.setdefault(membership.company_id, []).append(membership.user)
    events = []
    for application in applications:
        if application.status not in DECIDED:
            continue  # nothing to tell: no outcome
        status = ApplicationStatus(application.status)
        events.append(
            Event(
                target=application,
                recipients=members.get(application.company_id, []),
                event_key=f"result:{status.value}",
                context={
                    "status": status.value,
                    "status_label": status.label,
                    "selected": status == ApplicationStatus.SELECTED,
                    "waitlisted": status == ApplicationStatus.WAITLISTED,
                    "promotion": promotion,
                    "program": application.cycle.program,
                    "cycle": application.cycle,
                    "comments": comments.get(application.pk, []),
                },
            )
        )
    return len(notify_many(kind=NotificationKind.RESULTS_ANNOUNCED, events=events, actor=actor))
