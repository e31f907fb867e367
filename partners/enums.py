"""Enumerations of the partners domain, and the approval of entries as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus


class PartnerKind(models.TextChoices):
    SPONSOR = "sponsor", _("Pharmaceutical sponsor")
    HOLDER = "holder", _("Technology holder")


class EntryKind(models.TextChoices):
    CHALLENGE = "challenge", _("Challenge")
    TECHNOLOGY = "technology", _("Technology")


# A sponsor poses challenges; a holder offers technologies.
ENTRY_KIND_OF: dict[str, str] = {
    PartnerKind.SPONSOR: EntryKind.CHALLENGE,
    PartnerKind.HOLDER: EntryKind.TECHNOLOGY,
}


class EditState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Rejected")


# A proposed edit is decided once. Data, tested as data.
EDIT_TRANSITIONS: dict[str, frozenset[str]] = {
    EditState.PENDING: frozenset({EditState.APPROVED, EditState.REJECTED}),
    EditState.APPROVED: frozenset(),
    EditState.REJECTED: frozenset(),
}


class Interest(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    WOULD_DISCUSS = "would_discuss", _("Would discuss")
    NOT_A_FIT = "not_a_fit", _("Not a fit")


# Screened eligible and not withdrawn: what a partner may see (never before screening,
# never the staged outcome itself).
SCREENED_ELIGIBLE = frozenset(
    {
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.SELECTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.REJECTED,
    }
)
