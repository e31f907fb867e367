"""Writes of the partners domain. Keyword-only, take the acting user, atomic; each lists
its side effects. Refusals: ``PermissionDenied`` (not this actor), ``ValidationError`` (bad
input or state)."""

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus, MembershipRole
from applications.models import Application, Company, Membership
from common.exceptions import TransitionError
from notifications.enums import NotificationKind
from notifications.services import Event, notify_address, notify_many
from programs.enums import ANNOUNCED_PHASES, CyclePhase
from programs.models import Challenge, Cycle, Technology

from . import selectors
from .enums import EDIT_TRANSITIONS, EditState, EntryKind, Interest, PartnerKind
from .models import (
    NdaAcceptance,
    PartnerConflict,
    PartnerEntry,
    PartnerEntryEdit,
    PartnerInterest,
    PartnerInvitation,
    PartnerMembership,
    PartnerOrganisation,
)
from .nda import NDA

# The fields a partner writes, per kind of entry; the rest (company, holder, active) are the
# portal's.
ENTRY_FIELDS: dict[str, tuple[str, ...]] = {
    EntryKind.CHALLENGE: ("title", "problem_statement", "expected_outcome", "field", "poc_terms"),
    EntryKind.TECHNOLOGY: ("title", "holder_type", "field", "trl", "ip_status", "summary"),
}
# Partner users are reminded this long before the call's selection meeting (the review
# due date, when managers rank and decide).
REMINDER_BEFORE = timedelta(days=3)


def _require_manager(actor, partner: PartnerOrganisation) -> None:
    if not selectors.manages_partner(actor, partner):
        raise PermissionDenied(_("Only the program's managers can do this for this partner."))


def _require_member(actor, partner: PartnerOrganisation) -> None:
    if not partner.memberships.filter(user=actor).exists():
        raise PermissionDenied(_("Only the partner's own users can do this."))


# --- organisations and people -------------------------------------------------------------


def partner_create(
    *, actor, name: str, kind: str, contact_name: str, contact_email: str
) -> PartnerOrganisation:
    """A manager registers a partner (sponsors by the open innovation program's managers,
    holders by joint R&D's). Side effect: the row."""
    partner = PartnerOrganisation(
        name=name.strip(),
        kind=PartnerKind(kind),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
    )
    _require_manager(actor, partner)
    partner.full_clean()
    partner.save()
    return partner


def partner_invite(
    *, actor, partner: PartnerOrganisation, email: str, language: str = "ja"
) -> PartnerInvitation:
    """Invite ``email`` (with or without an account) to the partner (its managers only).

    Side effects: a ``PartnerInvitation`` replacing an open one for the same address, and
    its e-mail in the outbox (``notify_address``) in the same transaction.
    """
    _require_manager(actor, partner)
    email = email.strip().lower()
    if partner.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a user of this partner.") % {"email": email}}
        )
    with transaction.atomic():
        partner.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
        invitation = PartnerInvitation.objects.create(
            partner=partner, email=email, invited_by=actor, language=language
        )
        notify_address(
            kind=NotificationKind.PARTNER_INVITATION,
            email=email,
            language=language,
            target=invitation,
            context={
                "invitation": invitation,
                "partner": partner,
                "inviter": actor,
                "url": invitation.get_absolute_url(),
                "signup_url": settings.SITE_URL + reverse("account_signup"),
            },
        )
    return invitation


def partner_invitation_accept(
    *, invitation: PartnerInvitation, actor, now: datetime | None = None
) -> PartnerMembership:
    """Join the partner: the actor is logged in with a verified account of the invited
    address and the invitation is open. Side effects: a ``PartnerMembership``, the
    invitation marked accepted."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = PartnerInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."), code="used")
        if invitation.is_expired(now):
            raise ValidationError(
                _("This invitation has expired. Ask the program manager for a new one."),
                code="expired",
            )
        if not EmailAddress.objects.filter(
            user=actor, email__iexact=invitation.email, verified=True
        ).exists():
            raise PermissionDenied(
                _("This invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        membership, _created = PartnerMembership.objects.get_or_create(
            partner=invitation.partner, user=actor
        )
        invitation.accepted_at = now
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- entries: proposed by the partner, published by a manager ------------------------------


def _item_for(kind: str, partner: PartnerOrganisation, data: dict, instance=None):
    """The challenge or technology the data describes, unsaved, validated like the model."""
    model = Challenge if kind == EntryKind.CHALLENGE else Technology
    item = instance or model()
    for field in ENTRY_FIELDS[kind]:
        setattr(item, field, data.get(field, ""))
    if kind == EntryKind.CHALLENGE:
        item.company = partner.name
    else:
        item.holder = partner.name
    item.full_clean()
    return item


def entry_propose(
    *, actor, partner: PartnerOrganisation, data: dict, entry: PartnerEntry | None = None
) -> PartnerEntryEdit:
    """A partner user proposes a new challenge or technology (``entry`` None) or a change of
    one of its own; nothing is published until a manager approves. A pending edit of the
    same entry is replaced. Side effect: a pending ``PartnerEntryEdit`` (the history)."""
    _require_member(actor, partner)
    if entry is not None and entry.partner_id != partner.pk:
        raise PermissionDenied(_("Only the partner's own users can do this."))
    kind = partner.entry_kind
    clean = {field: data.get(field, "") for field in ENTRY_FIELDS[kind]}
    _item_for(kind, partner, clean)  # refuse what could never be published
    with transaction.atomic():
        if entry is not None:
            entry.edits.filter(state=EditState.PENDING).delete()
        return PartnerEntryEdit.objects.create(
            partner=partner, entry=entry, kind=kind, data=clean, proposed_by=actor
        )


def entry_edit_decide(
    *, actor, edit: PartnerEntryEdit, approve: bool, note: str = "", now: datetime | None = None
) -> PartnerEntryEdit:
    """A manager approves (the challenge or technology is created or changed and published)
    or rejects (with a note) a partner's proposed edit, once.

    Side effects: the edit's state, decider and time; on approval the published item and,
    for a new entry, the ``PartnerEntry`` that makes it the partner's own."""
    now = now or timezone.now()
    _require_manager(actor, edit.partner)
    target = EditState.APPROVED if approve else EditState.REJECTED
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the edit is rejected.")})
    with transaction.atomic():
        locked = PartnerEntryEdit.objects.select_for_update().get(pk=edit.pk)
        if target not in EDIT_TRANSITIONS[locked.state]:
            raise TransitionError(_("This edit has already been decided."), code="decided")
        if approve:
            entry = locked.entry
            instance = entry.item if entry else None
            item = _item_for(locked.kind, edit.partner, locked.data, instance)
            item.is_active = True
            item.save()
            if entry is None:
                field = "challenge" if locked.kind == EntryKind.CHALLENGE else "technology"
                entry = PartnerEntry.objects.create(partner=edit.partner, **{field: item})
                locked.entry = entry
        locked.state = target
        locked.decided_by = actor
        locked.decided_at = now
        locked.note = note.strip()
        locked.save(update_fields=["entry", "state", "decided_by", "decided_at", "note"])
    edit.refresh_from_db()
    return edit


def entry_link(
    *, actor, partner: PartnerOrganisation, item: Challenge | Technology
) -> PartnerEntry:
    """A manager hands an already published challenge or technology to its partner (the
    board existed before partners had accounts). Side effect: the ``PartnerEntry``."""
    _require_manager(actor, partner)
    field = "challenge" if isinstance(item, Challenge) else "technology"
    if field != partner.entry_kind:
        raise ValidationError(_("A sponsor owns challenges; a holder owns technologies."))
    entry, _created = PartnerEntry.objects.get_or_create(partner=partner, **{field: item})
    return entry


# --- confidentiality, conflicts, interest ---------------------------------------------------


def nda_accept(
    *, actor, partner: PartnerOrganisation, cycle: Cycle, now: datetime | None = None
) -> NdaAcceptance:
    """A partner user accepts the call's confidentiality agreement (current version), once
    per call. Side effect: the ``NdaAcceptance`` row."""
    _require_member(actor, partner)
    if not selectors.calls_of_partner(partner).filter(pk=cycle.pk).exists():
        raise PermissionDenied(_("This call offers none of your challenges or technologies."))
    acceptance, _created = NdaAcceptance.objects.get_or_create(
        user=actor,
        partner=partner,
        cycle=cycle,
        defaults={"text_version": NDA.version, "accepted_at": now or timezone.now()},
    )
    return acceptance


def conflict_declare(
    *, actor, partner: PartnerOrganisation, company: Company, reason: str = ""
) -> PartnerConflict:
    """A partner declares a conflict with a company; from then on it sees nothing of it.
    Side effect: the ``PartnerConflict`` row (once)."""
    _require_member(actor, partner)
    conflict, _created = PartnerConflict.objects.get_or_create(
        partner=partner,
        company=company,
        defaults={"reason": reason.strip()[:300], "declared_by": actor},
    )
    return conflict


def conflict_declare_by_number(
    *, actor, partner: PartnerOrganisation, business_number: str, reason: str = ""
) -> PartnerConflict:
    """As ``conflict_declare``, naming the company by its business registration number.
    Whether the company exists is not revealed: an unknown number is recorded nowhere and
    answers the same."""
    digits = "".join(ch for ch in business_number if ch.isdigit())
    if len(digits) != 10:
        raise ValidationError({"business_number": _("Enter the 10 digits of the number.")})
    company = Company.objects.filter(business_number=digits).first()
    if company is None:
        _require_member(actor, partner)
        return PartnerConflict(partner=partner, reason=reason)
    return conflict_declare(actor=actor, partner=partner, company=company, reason=reason)


def interest_mark(
    *, actor, application: Application, level: str, comment: str = "", now=None
) -> PartnerInterest:
    """A partner user marks interest in a proposal they may read (interested, would discuss,
    not a fit) with a comment; marking again replaces it. Side effect: the row."""
    proposal = selectors.proposals_visible_to(actor).filter(pk=application.pk).first()
    if proposal is None:
        raise PermissionDenied(_("You cannot mark interest in this proposal."))
    level = Interest(level)
    interest, _created = PartnerInterest.objects.update_or_create(
        partner_id=proposal.owner_partner_id,
        application=proposal,
        defaults={
            "level": level,
            "comment": comment.strip()[:2000],
            "marked_by": actor,
            "marked_at": now or timezone.now(),
        },
    )
    return interest


# --- notifications (periodic task ``partners.notify``) -------------------------------------


def _partner_users(partner_ids) -> dict[int, list]:
    users: dict[int, list] = {}
    for membership in PartnerMembership.objects.filter(
        partner_id__in=partner_ids, user__is_active=True
    ).select_related("user"):
        users.setdefault(membership.partner_id, []).append(membership.user)
    return users


def partners_notify(*, now: datetime | None = None) -> dict[str, int]:
    """Tell partners, through the outbox, each at most once:

    - ``partner_new_proposal``: each consented proposal to their entries, once screened
      eligible (before the agreement is accepted the e-mail names only the call);
    - ``partner_reminder``: the calls whose selection meeting (review due date) is within
      ``REMINDER_BEFORE``, with proposals still without interest;
    - ``partner_match`` / ``partner_match_company``: at the announcement, each selected
      proposal's partner and company, with each other's contact person.

    Returns how many notifications of each kind were created."""
    now = now or timezone.now()
    provided = selectors.provided_to_partners().select_related("cycle", "company")
    created = {"new": _notify_new_proposals(provided), "reminder": _notify_reminders(provided, now)}
    created["match"], created["match_company"] = _notify_matches(provided)
    return created


def _notify_new_proposals(provided) -> int:
    """``partner_new_proposal``: each screened consented proposal, to its partner."""
    fresh = list(
        provided.filter(cycle__phase__in=[CyclePhase.CLOSED, CyclePhase.REVIEW, CyclePhase.DECIDED])
    )
    users = _partner_users({a.owner_partner_id for a in fresh})
    events = [
        Event(
            target=application,
            recipients=users.get(application.owner_partner_id, []),
            context={"cycle": application.cycle, "url": reverse("partners:home")},
            event_key=f"partner:{application.owner_partner_id}",
        )
        for application in fresh
    ]
    return len(notify_many(kind=NotificationKind.PARTNER_NEW_PROPOSAL, events=events))


def _notify_reminders(provided, now: datetime) -> int:
    """``partner_reminder``: per partner and call whose selection meeting is near, while
    proposals still have no interest recorded."""
    due = Cycle.objects.filter(
        phase=CyclePhase.REVIEW, review_due_at__gt=now, review_due_at__lte=now + REMINDER_BEFORE
    )
    waiting = provided.filter(cycle__in=due).exclude(partner_interests__isnull=False)
    pairs = {(a.owner_partner_id, a.cycle_id): a.cycle for a in waiting}
    users = _partner_users({partner_id for partner_id, _cycle in pairs})
    events = [
        Event(
            target=cycle,
            recipients=users.get(partner_id, []),
            context={"cycle": cycle, "url": reverse("partners:home")},
            event_key=f"partner:{partner_id}:reminder",
        )
        for (partner_id, _cycle_id), cycle in pairs.items()
    ]
    return len(notify_many(kind=NotificationKind.PARTNER_REMINDER, events=events))


def _notify_matches(provided) -> tuple[int, int]:
    """``partner_match`` / ``partner_match_company``: each announced selected proposal's
    partner and company, with each other's contact person."""
    matched = list(
        provided.filter(status=ApplicationStatus.SELECTED, cycle__phase__in=ANNOUNCED_PHASES)
    )
    partners = {
        p.pk: p
        for p in PartnerOrganisation.objects.filter(pk__in={a.owner_partner_id for a in matched})
    }
    users = _partner_users(partners)
    members: dict[int, list] = {}
    owners: dict[int, object] = {}
    for membership in Membership.objects.filter(
        company_id__in={a.company_id for a in matched}
    ).select_related("user"):
        members.setdefault(membership.company_id, []).append(membership.user)
        if membership.role == MembershipRole.OWNER:
            owners[membership.company_id] = membership.user
    to_partners, to_companies = [], []
    for application in matched:
        partner = partners[application.owner_partner_id]
        owner = owners.get(application.company_id)
        context = {"partner": partner, "application": application, "owner": owner}
        to_partners.append(
            Event(
                target=application,
                recipients=users.get(partner.pk, []),
                context={**context, "url": reverse("partners:proposal", args=[application.pk])},
                event_key=f"partner:{partner.pk}",
            )
        )
        to_companies.append(
            Event(
                target=application,
                recipients=members.get(application.company_id, []),
                context={**context, "url": reverse("partners:matches")},
                event_key=f"partner:{partner.pk}",
            )
        )
    return (
        len(notify_many(kind=NotificationKind.PARTNER_MATCH, events=to_partners)),
        len(notify_many(kind=NotificationKind.PARTNER_MATCH_COMPANY, events=to_companies)),
    )
