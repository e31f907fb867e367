"""Partner organisations (pharmaceutical sponsors, technology holders), their users and
invitations, their entries on the challenge board or technology catalogue with the edits a
manager approves, the call's confidentiality agreement per partner user, conflicts and the
interest marked on proposals (issue 16).

Written only by ``partners.services``.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Company
from programs.models import Challenge, Cycle, Technology

from .enums import EditState, EntryKind, Interest, PartnerKind

INVITATION_VALID_FOR = timedelta(days=14)


def _token() -> str:
    return secrets.token_urlsafe(32)


def _expiry():
    return timezone.now() + INVITATION_VALID_FOR


class PartnerOrganisation(models.Model):
    """A Japanese partner: a pharmaceutical company posing challenges (sponsor) or a
    university, institute or company offering technologies (holder)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def entry_kind(self) -> str:
        return EntryKind.CHALLENGE if self.kind == PartnerKind.SPONSOR else EntryKind.TECHNOLOGY


class PartnerMembership(models.Model):
    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("partner"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_memberships",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner user")
        verbose_name_plural = _("partner users")
        ordering = ["partner", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="partner_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.partner}"


class PartnerInvitation(models.Model):
    """A manager's invitation of a person (who may have no account yet) to a partner."""

    partner = models.ForeignKey(
        PartnerOrganisation,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("partner"),
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "email"],
                condition=Q(accepted_at__isnull=True),
                name="partner_invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.partner}"

    def get_absolute_url(self) -> str:
        return reverse("partners:invitation", kwargs={"token": self.token})

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class PartnerEntry(models.Model):
    """A published challenge or technology that belongs to a partner: what "its own" means."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="entries"
    )
    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="partner_entry"
    )
    technology = models.OneToOneField(
        Technology, on_delete=models.CASCADE, null=True, blank=True, related_name="partner_entry"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner entry")
        verbose_name_plural = _("partner entries")
        ordering = ["partner", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(challenge__isnull=True, technology__isnull=False)
                | Q(challenge__isnull=False, technology__isnull=True),
                name="partner_entry_one_item",
            )
        ]

    def __str__(self) -> str:
        return str(self.item)

    @property
    def item(self) -> Challenge | Technology:
        return self.challenge or self.technology


class PartnerEntryEdit(models.Model):
    """A partner's proposed new entry or change of one (``entry`` set), published only once
    a program manager approves it. The rows of an entry are its history."""

    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="edits")
    entry = models.ForeignKey(
        PartnerEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="edits"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    data = models.JSONField(_("proposed content"))
    state = models.CharField(
        _("state"), max_length=16, choices=EditState.choices, default=EditState.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("partner entry edit")
        verbose_name_plural = _("partner entry edits")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.data.get('title', '')} ({self.state})"


class NdaAcceptance(models.Model):
    """A partner user's acceptance of a call's confidentiality agreement (see ``nda.py``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_ndas"
    )
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.CASCADE, related_name="ndas")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="partner_ndas")
    text_version = models.CharField(_("agreement text version"), max_length=64)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        constraints = [
            models.UniqueConstraint(fields=["user", "partner", "cycle"], name="nda_once_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.cycle} ({self.text_version})"


class PartnerConflict(models.Model):
    """A partner's conflict with a company (e.g. it invests in it): it sees nothing of it."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="conflicts"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="partner_conflicts")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner conflict")
        verbose_name_plural = _("partner conflicts")
        constraints = [
            models.UniqueConstraint(fields=["partner", "company"], name="partner_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner} ✕ {self.company}"


class PartnerInterest(models.Model):
    """A partner's interest in a proposal. Shown to managers; no part of the score."""

    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.CASCADE, related_name="interests"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="partner_interests"
    )
    level = models.CharField(_("interest"), max_length=16, choices=Interest.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner interest")
        verbose_name_plural = _("partner interests")
        constraints = [
            models.UniqueConstraint(fields=["partner", "application"], name="partner_interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.application} — {self.level}"
