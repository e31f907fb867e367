"""Companies, teams and invitations (invitation e-mails go through the outbox)."""

from datetime import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .. import events
from ..enums import (
    MembershipRole,
)
from ..models import (
    Company,
    Invitation,
    Membership,
)
from ..rules import is_company_member, is_company_owner
from ..validators import normalize_business_number

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


def _require_member(actor: User, company: Company) -> None:
    if not is_company_member(actor, company):
        raise PermissionDenied(_("You are not a member of this company."))


def company_create(*, actor: User, data: dict) -> Company:
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


def company_update(*, company: Company, actor: User, data: dict) -> Company:
    """Change the company's profile (any member may). Returns the saved row.

    ``data`` is compared with the row as stored (locked), never with ``company``: a
    ModelForm bound to it has already written the new values into it, which would make
    every change look like none. Side effect: the changed fields saved.
    """
    _require_member(actor, company)
    with transaction.atomic():
        stored = Company.objects.select_for_update().get(pk=company.pk)
        changed = []
        for key in COMPANY_FIELDS:
            if key not in data:
                continue
            value = data[key]
            if key == "business_number":
                value = normalize_business_number(value)
            if getattr(stored, key) != value:
                setattr(stored, key, value)
                changed.append(key)
        if changed:
            # Validate (and check the uniqueness of) what changes, nothing else.
            stored.full_clean(
                exclude=[f.name for f in Company._meta.fields if f.name not in changed]
            )
            stored.save(update_fields=[*changed, "updated_at"])
    return stored


def invitation_create(
    *, company: Company, actor: User, email: str, language: str = "en"
) -> Invitation:
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


def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    """Cancel an open invitation (owner only). Side effect: the row is deleted, unless it
    was accepted meanwhile (checked on the row, not on ``invitation``)."""
    if not is_company_owner(actor, invitation.company):
        raise PermissionDenied(_("Only the company's owner can cancel invitations."))
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def invitation_accept(
    *, invitation: Invitation, actor: User, now: datetime | None = None
) -> Membership:
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


def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member from the company (owner only; the owner cannot be removed).

    Side effect: the ``Membership`` row is deleted; the person loses access at once.
    """
    if not is_company_owner(actor, membership.company):
        raise PermissionDenied(_("Only the company's owner can remove members."))
    if membership.role == MembershipRole.OWNER:
        raise ValidationError(_("The owner cannot be removed from the company."), code="owner")
    membership.delete()
