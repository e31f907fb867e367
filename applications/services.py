"""Writes of the applications domain. Keyword-only, take the acting user, one transaction
each; side effects are listed in each docstring. Notifications go out after commit."""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import TransitionError
from programs.enums import TRACK_REFERENCE_PREFIX, DocumentKind
from programs.models import Cycle

from . import events
from .consent import CONSENT_TEXTS
from .enums import (
    AFTER_ANNOUNCEMENT,
    APPLICATION_TRANSITIONS,
    DECIDED,
    DECISIONS,
    EDITABLE,
    LIVE,
    STAGED,
    TRANSITION_ACTORS,
    Actor,
    ApplicationStatus,
    ConsentKind,
    MembershipRole,
)
from .models import (
    Application,
    Company,
    Consent,
    Document,
    Invitation,
    Membership,
    StatusChange,
)
from .requirements import DOCUMENTS, Problem, answer_fields, submission_problems
from .rules import is_company_member, is_company_owner, manages_program
from .validators import normalize_business_number, validate_pdf

S = ApplicationStatus

# --- Errors -------------------------------------------------------------------------------


class NotEditable(TransitionError):
    """The application is no longer a draft: its answers and documents are frozen."""


class StaleVersion(Exception):
    """Someone saved the application since the editor loaded it (optimistic concurrency).

    ``current`` is the application as it is now, to show what changed.
    """

    def __init__(self, current: Application):
        super().__init__("stale version")
        self.current = current


class SubmissionRefused(ValidationError):
    """Submission checks failed. Each failure says where it belongs: ``deadline_passed``
    (the call), ``problems`` (a step and field each) and ``missing_consents`` (kinds)."""

    def __init__(
        self,
        *,
        deadline_passed: bool = False,
        problems: list[Problem] | None = None,
        missing_consents: list[str] | None = None,
    ):
        self.deadline_passed = deadline_passed
        self.problems = problems or []
        self.missing_consents = missing_consents or []
        messages = []
        if deadline_passed:
            messages.append(_("The call is no longer accepting applications."))
        messages.extend(problem.message for problem in self.problems)
        if self.missing_consents:
            messages.append(_("Both consents are needed to submit."))
        super().__init__(messages, code="submission_refused")

    # For clients (the API's error contract, ``common.api``): a late submission is refused
    # by the state of the call (409, ``deadline_passed``); otherwise the draft is
    # incomplete (400, ``submission_incomplete``) and each problem names its field.
    @property
    def api_status(self) -> int:
        return 409 if self.deadline_passed else 400

    @property
    def api_code(self) -> str:
        return "deadline_passed" if self.deadline_passed else "submission_incomplete"

    @property
    def api_fields(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            key = f"documents.{problem.field}" if problem.step == DOCUMENTS.slug else problem.field
            fields.setdefault(key, []).append(str(problem.message))
        if self.missing_consents:
            fields["consents"] = [str(_("Both consents are needed to submit."))]
        return fields


# --- Companies and teams ------------------------------------------------------------------

COMPANY_FIELDS = [
    "name_ko",
    "name_en",
    "business_number",
    "founded_on",
    "employees",
    "field",
    "website",
    "representative",
    "address",
    "description",
]


def _require_member(actor, company: Company) -> None:
    if not is_company_member(actor, company):
        raise PermissionDenied(_("You are not a member of this company."))


def company_create(*, actor, data: dict) -> Company:
    """Create a company with ``actor`` as its owner.

    Side effects: a ``Company`` row and the owner's ``Membership``. The business number is
    stored as ten digits; its validity and uniqueness are checked (``ValidationError``).
    """
    values = {key: data[key] for key in COMPANY_FIELDS if key in data}
    values["business_number"] = normalize_business_number(values.get("business_number", ""))
    with transaction.atomic():
        company = Company(**values, created_by=actor)
        company.full_clean()
        company.save()
        Membership.objects.create(company=company, user=actor, role=MembershipRole.OWNER)
    return company


def company_update(*, company: Company, actor, data: dict) -> Company:
    """Change the company's profile (any member may). Side effect: the row is saved."""
    _require_member(actor, company)
    changed = []
    for key in COMPANY_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "business_number":
            value = normalize_business_number(value)
        if getattr(company, key) != value:
            setattr(company, key, value)
            changed.append(key)
    if changed:
        with transaction.atomic():
            company.full_clean()
            company.save(update_fields=[*changed, "updated_at"])
    return company


def invitation_create(*, company: Company, actor, email: str, language: str = "en") -> Invitation:
    """Invite ``email`` to join the company (owner only).

    Side effects: an ``Invitation`` row replacing any open one for the same address, and
    its e-mail recorded in the outbox (``notify_address``), delivered after commit.
    """
    if not is_company_owner(actor, company):
        raise PermissionDenied(_("Only the company's owner can invite members."))
    email = email.strip().lower()
    if company.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this company.") % {"email": email}}
        )
    with transaction.atomic():
        company.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
        invitation = Invitation.objects.create(
            company=company, email=email, invited_by=actor, language=language
        )
        events.invitation_created(invitation=invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> None:
    """Cancel an open invitation (owner only). Side effect: the row is deleted."""
    if not is_company_owner(actor, invitation.company):
        raise PermissionDenied(_("Only the company's owner can cancel invitations."))
    if invitation.accepted_at is None:
        invitation.delete()


def invitation_accept(*, invitation: Invitation, actor, now: datetime | None = None) -> Membership:
    """Join the company through an invitation.

    The actor must be logged in with a verified account of the invited address, and the
    invitation open (neither used nor expired). Side effects: a member ``Membership`` and
    the invitation marked accepted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."), code="used")
        if invitation.is_expired(now):
            raise ValidationError(
                _("This invitation has expired. Ask the company's owner for a new one."),
                code="expired",
            )
        verified = EmailAddress.objects.filter(
            user=actor, email__iexact=invitation.email, verified=True
        ).exists()
        if not verified:
            raise PermissionDenied(
                _("This invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        membership, _created = Membership.objects.get_or_create(
            company=invitation.company, user=actor, defaults={"role": MembershipRole.MEMBER}
        )
        invitation.accepted_at = now
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def membership_remove(*, membership: Membership, actor) -> None:
    """Remove a member from the company (owner only; the owner cannot be removed).

    Side effect: the ``Membership`` row is deleted; the person loses access at once.
    """
    if not is_company_owner(actor, membership.company):
        raise PermissionDenied(_("Only the company's owner can remove members."))
    if membership.role == MembershipRole.OWNER:
        raise ValidationError(_("The owner cannot be removed from the company."), code="owner")
    membership.delete()


# --- Drafts -------------------------------------------------------------------------------


def application_start(
    *, company: Company, cycle: Cycle, actor, now: datetime | None = None
) -> tuple[Application, bool]:
    """Start a draft for ``company`` in ``cycle``, or return its live application.

    Returns ``(application, created)``. Refuses when the call is not accepting
    applications. Side effects when created: the ``Application`` (draft) and its first
    ``StatusChange`` row. The database constraint decides a race between two members.
    """
    _require_member(actor, company)
    existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    if not cycle.is_accepting_applications(now):
        raise TransitionError(
            _("This call is not accepting applications."), code="cycle_not_accepting"
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                company=company, cycle=cycle, created_by=actor, updated_by=actor, updated_at=now
            )
            StatusChange.objects.create(
                application=application,
                from_status="",
                to_status=S.DRAFT,
                actor=actor,
                created_at=now,
            )
    except IntegrityError:
        existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
        if existing is None:
            raise
        return existing, False
    return application, True


def application_update(
    *, application: Application, actor, data: dict, expected_version: int
) -> Application:
    """Save answers of a draft (partial saves allowed: nothing here is required).

    ``expected_version`` is the version the editor loaded. When someone saved since and
    the data differs from what is stored, ``StaleVersion`` is raised and nothing is
    written; saving values identical to the stored ones is a no-op and never a conflict.
    Side effects: the answers, ``version`` + 1, ``updated_at`` and ``updated_by``.
    """
    allowed = set(answer_fields(application.track))
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Not answers of this track: {sorted(unknown)}")
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("This application has been submitted and can no longer be changed."),
                code="not_editable",
            )
        changed = [key for key, value in data.items() if getattr(locked, key) != value]
        if not changed:
            _copy(locked, application)
            return application
        if locked.version != expected_version:
            raise StaleVersion(locked)
        for key in changed:
            setattr(locked, key, data[key])
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.updated_by = actor
        locked.save(update_fields=[*changed, "version", "updated_at", "updated_by"])
    _copy(locked, application)
    return application


def _copy(source: Application, target: Application) -> None:
    if source is target:
        return
    for field in Application._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def application_delete(*, application: Application, actor) -> None:
    """Delete a draft (any member). Side effects: the row, its documents' rows and, after
    commit, their files are deleted; the place in the cycle is free again."""
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("Only a draft can be deleted; withdraw a submitted application instead."),
                code="not_editable",
            )
        names = list(locked.documents.values_list("file", flat=True))
        locked.delete()
        transaction.on_commit(lambda: _delete_files(names), robust=True)


# --- Documents ----------------------------------------------------------------------------


def _delete_files(names: Iterable[str]) -> None:
    storage = Document._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def document_upload(*, application: Application, actor, kind: str, file) -> Document:
    """Attach a PDF to a draft, replacing the one of the same kind (except "other").

    The file is checked by its content (``validators.validate_pdf``: ``ValidationError``
    with a clear message). Side effects: the file stored under an unguessable name, a
    ``Document`` row; the replaced document's row goes and its file after commit.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    _require_member(actor, application.company)
    validate_pdf(file)
    original_name = (getattr(file, "name", "") or "document.pdf").rsplit("/", 1)[-1][:255]
    size = file.size
    sha256 = _sha256(file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.status not in EDITABLE:
                raise NotEditable(
                    _("This application has been submitted; its documents are final."),
                    code="not_editable",
                )
            replaced_names = []
            if kind != DocumentKind.OTHER:
                for old in locked.documents.filter(kind=kind):
                    replaced_names.append(old.file.name)
                    old.delete()
            document = Document(
                application=locked,
                kind=kind,
                original_name=original_name,
                size=size,
                sha256=sha256,
                uploaded_by=actor,
            )
            document.file.save(original_name, file, save=False)
            stored.append(document.file.name)
            document.save()
            transaction.on_commit(lambda: _delete_files(replaced_names), robust=True)
    except BaseException:
        _delete_files(stored)
        raise
    return document


def document_delete(*, document: Document, actor) -> None:
    """Remove a document from a draft. Side effects: the row, then the file after commit."""
    _require_member(actor, document.application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=document.application_id)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("This application has been submitted; its documents are final."),
                code="not_editable",
            )
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda: _delete_files([name]), robust=True)


# --- Status machine -----------------------------------------------------------------------


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cycle__program", "company")
        .get(pk=application.pk)
    )


def _check_transition(locked: Application, to: str, actor) -> None:
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
    actor,
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
    *, application: Application, to: str, actor, note: str = "", now: datetime | None = None
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
    actor,
    consents: Iterable[str],
    now: datetime | None = None,
) -> Application:
    """Submit a draft.

    Checked on the server, at ``now`` (the moment the request arrived, see
    ``common.http.request_arrived_at``): the call accepts applications (up to
    ``SUBMISSION_GRACE_SECONDS`` after the deadline, a grace never shown to applicants),
    every required answer and document is there, and both consents are
    given. All failures are raised together as ``SubmissionRefused``; the draft is left
    exactly as it was. Side effects on success: the reference (track-cycle-sequence, e.g.
    ``OI-2027R1-0042``, the sequence counted per cycle under a lock of the cycle row),
    ``submitted_at``, a ``Consent`` row per kind with the text version agreed to, a
    ``StatusChange`` row, and after commit a receipt to every member of the company.
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
            missing_consents=[kind for kind in ConsentKind.values if kind not in given],
        )
        if refused.deadline_passed or refused.problems or refused.missing_consents:
            raise refused
        for kind in ConsentKind.values:
            Consent.objects.get_or_create(
                application=locked,
                kind=kind,
                text_version=CONSENT_TEXTS[kind].version,
                defaults={"user": actor, "given_at": now},
            )
        if locked.sequence is None:
            last = Application.objects.filter(cycle=cycle).aggregate(last=Max("sequence"))["last"]
            locked.sequence = (last or 0) + 1
            prefix = TRACK_REFERENCE_PREFIX[cycle.program.track]
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
    *, application: Application, actor, reason: str = "", now: datetime | None = None
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
    actor,
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
    actor,
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
