"""The application's state machine: every status change goes through
``application_transition``; notices are recorded in the action's own transaction."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import TransitionError
from programs.enums import TRACK_REFERENCE_PREFIX, Track
from programs.models import Cycle

from .. import events
from ..consent import CONSENT_TEXTS, partner_consent_asked
from ..enums import (
    AFTER_ANNOUNCEMENT,
    APPLICATION_TRANSITIONS,
    DECIDED,
    DECISIONS,
    REQUIRED_CONSENTS,
    STAGED,
    TRANSITION_ACTORS,
    Actor,
    ConsentKind,
)
from ..models import (
    Application,
    Consent,
    StatusChange,
)
from ..requirements import submission_problems
from ..rules import is_company_member, manages_program
from ._common import S, SubmissionRefused
from .drafts import _copy

# --- Status machine -----------------------------------------------------------------------


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cycle__program", "company")
        .get(pk=application.pk)
    )


def _check_transition(locked: Application, to: str, actor: User) -> None:
    """The table allows ``locked.status → to`` and ``actor`` is the one who may do it."""
    source = locked.status
    if to not in APPLICATION_TRANSITIONS.get(source, ()):
        raise TransitionError(
            _("An application cannot go from “%(source)s” to “%(target)s”.")
            % {"source": S(source).label, "target": S(to).label},
            code="transition_not_allowed",
        )
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Log in to change an application."))
    if TRANSITION_ACTORS[(source, to)] == Actor.APPLICANT:
        if not is_company_member(actor, locked.company):
            raise PermissionDenied(_("Only the company's members can do this."))
    elif not manages_program(actor, locked.cycle.program_id):
        raise PermissionDenied(_("Only a manager of this program can do this."))
    if to == S.WITHDRAWN and source in STAGED and locked.cycle.results_announced:
        raise TransitionError(
            _("The results have been announced; the application can no longer be withdrawn."),
            code="already_announced",
        )
    if (
        source in DECIDED
        and to != S.WITHDRAWN
        and locked.cycle.results_announced
        and (source, to) not in AFTER_ANNOUNCEMENT
    ):
        raise TransitionError(
            _("The results have been announced; this decision is final."),
            code="already_announced",
        )


def _apply_transition(
    locked: Application,
    *,
    to: str,
    actor: User,
    note: str,
    now: datetime,
    extra_fields: Iterable[str] = (),
) -> None:
    source = locked.status
    locked.status = to
    locked.save(update_fields=["status", *extra_fields])
    StatusChange.objects.create(
        application=locked,
        from_status=source,
        to_status=to,
        actor=actor,
        note=note,
        created_at=now,
    )
    # In the same transaction: the notices are recorded with the change or not at all
    # (only their e-mails wait for the commit).
    events.status_changed(application=locked, source=source, target=to, actor=actor)


def application_transition(
    *, application: Application, to: str, actor: User, note: str = "", now: datetime | None = None
) -> Application:
    """Move ``application`` to status ``to``: the one way a status changes.

    Locks the row, checks the transition table and the actor (company member for the
    applicant's transitions, program manager for the others), saves the status, writes a
    ``StatusChange`` row and, after commit, emits the event notifications listen to.
    Submitting has its own checks: use ``application_submit``.
    """
    if to == S.SUBMITTED:
        # A programming error, not a user's: submitting has its own service and checks.
        raise TransitionError("Use application_submit to submit.", code="use_submit")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, to, actor)
        _apply_transition(locked, to=to, actor=actor, note=note, now=now)
    _copy(locked, application)
    return application


def application_submit(
    *,
    application: Application,
    actor: User,
    consents: Iterable[str],
    now: datetime | None = None,
) -> Application:
    """Submit a draft.

    Checked on the server, at ``now`` (the moment the request arrived, see
    ``common.http.request_arrived_at``): the call accepts applications (up to
    ``SUBMISSION_GRACE_SECONDS`` after the deadline, a grace never shown to applicants),
    every required answer and document is there, and both required consents are
    given (the optional provision to a partner is recorded when given and asked, see
    ``partner_consent_asked``). All failures are raised together as
    ``SubmissionRefused``; the draft is left exactly as it was. Side effects on success:
    the reference (track-cycle-sequence, e.g.
    ``OI-2027R1-0042``, the sequence counted per cycle under a lock of the cycle row),
    ``submitted_at``, a ``Consent`` row per kind with the text version agreed to, a
    ``StatusChange`` row, and after commit a receipt to every member of the company.

    Over 60 lines on purpose: every refusal is collected before any write, then the
    writes happen in one transaction.
    """
    now = now or timezone.now()
    given = set(consents)
    with transaction.atomic():
        locked = _lock(application)
        _check_transition(locked, S.SUBMITTED, actor)
        # Locking the cycle serialises reference numbers within it (and reads its phase as
        # it is now, should a manager be closing the call at this very moment).
        cycle = Cycle.objects.select_for_update().get(pk=locked.cycle_id)
        locked.cycle = cycle
        refused = SubmissionRefused(
            deadline_passed=not cycle.is_accepting_applications(
                now, grace=timedelta(seconds=settings.SUBMISSION_GRACE_SECONDS)
            ),
            problems=submission_problems(locked),
            missing_consents=[kind for kind in REQUIRED_CONSENTS if kind not in given],
        )
        if refused.deadline_passed or refused.problems or refused.missing_consents:
            raise refused
        recorded = [*REQUIRED_CONSENTS]
        # The provision to a partner is recorded only where there is a partner to provide
        # to (an answered challenge or a named technology), and only if given.
        if ConsentKind.PARTNER_PROVISION in given and partner_consent_asked(locked):
            recorded.append(ConsentKind.PARTNER_PROVISION)
        for kind in recorded:
            Consent.objects.get_or_create(
                application=locked,
                kind=kind,
                text_version=CONSENT_TEXTS[kind].version,
                defaults={"user": actor, "given_at": now},
            )
        if locked.sequence is None:
            last = Application.objects.filter(cycle=cycle).aggregate(last=Max("sequence"))["last"]
            locked.sequence = (last or 0) + 1
            prefix = TRACK_REFERENCE_PREFIX[Track(cycle.program.track)]
            locked.reference = f"{prefix}-{cycle.code}-{locked.sequence:04d}"
        locked.submitted_at = now
        locked.version += 1
        _apply_transition(
            locked,
            to=S.SUBMITTED,
            actor=actor,
            note="",
            now=now,
            extra_fields=["sequence", "reference", "submitted_at", "version"],
        )
    _copy(locked, application)
    return application


def application_withdraw(
    *, application: Application, actor: User, reason: str = "", now: datetime | None = None
) -> Application:
    """Withdraw a sent-in application before its outcome is announced (any member).

    Side effects: status ``withdrawn`` (the reference is kept), a ``StatusChange`` row with
    the reason, and after commit a notice to the company's members.
    """
    return application_transition(
        application=application, to=S.WITHDRAWN, actor=actor, note=reason.strip(), now=now
    )


def application_screen(
    *,
    application: Application,
    actor: User,
    eligible: bool,
    reason: str = "",
    now: datetime | None = None,
) -> Application:
    """A manager's screening: eligible → ``under_review``; not → ``ineligible``, which
    needs a reason (told to the company at once, by e-mail and on its page: screening out
    is not staged). Side effects as ``application_transition``."""
    if not eligible and not reason.strip():
        raise ValidationError({"reason": _("Say why the application is ineligible.")})
    return application_transition(
        application=application,
        to=S.UNDER_REVIEW if eligible else S.INELIGIBLE,
        actor=actor,
        note=reason.strip(),
        now=now,
    )


def application_decide(
    *,
    application: Application,
    actor: User,
    decision: str,
    note: str = "",
    now: datetime | None = None,
) -> Application:
    """A manager's decision: ``selected``, ``waitlisted`` or ``rejected``, from under review
    or from another decision (staged: the company sees it once the cycle is announced;
    after that only the waitlist moves). Side effects as ``application_transition``.

    Pages, the API and the admin call ``reviews.services.decisions_set``, which wraps this
    with the cycle's phase, the quota and the joint approvals."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose selected, waitlisted or not selected.")})
    return application_transition(
        application=application, to=decision, actor=actor, note=note.strip(), now=now
    )
