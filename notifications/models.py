"""The notification outbox: one row per recipient and event, the inbox and the e-mail."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ESSENTIAL_KINDS, DeliveryState, kind_label


class Notification(models.Model):
    """Something the portal told one person: an inbox row and (usually) an e-mail.

    Written by ``services.notify`` in the transaction of the action it reports, and
    delivered by a Celery task after commit. ``idempotency_key`` is unique per event,
    object and recipient, so a repeated event or a re-run task cannot notify twice.
    Subject and bodies are rendered when the event happens, in the recipient's language,
    so the e-mail says what was true then even if it goes out later.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        help_text=_("Empty for an e-mail to an address (an invitation, an account e-mail)."),
    )
    # Set for e-mails addressed to someone who may have no account yet (an invitation) or
    # that must not appear in an inbox (a password reset link): ``notify_address``.
    email = models.EmailField(_("e-mail address"), blank=True)
    # No ``choices=`` on purpose: event kinds are added by the apps that emit them, and
    # choices on the column would make every new kind a migration of this app, written on
    # several branches at once and conflicting. The service validates against
    # ``NotificationKind``; labels come from the enum (``kind_label``).
    kind = models.CharField(_("kind"), max_length=64)
    event_key = models.CharField(
        _("event key"),
        max_length=100,
        blank=True,
        help_text=_("Tells apart distinct events of one kind on one object."),
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about (type)"),
    )
    # Every model of the portal has an integer primary key (DEFAULT_AUTO_FIELD).
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=400, unique=True)

    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    body_html = models.TextField(_("HTML body"))
    link = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Where the notification leads: a path in the portal or a full URL."),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    state = models.CharField(
        _("e-mail"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    # When the delivery task may next try; the sweep re-queues pending rows that are
    # overdue (their message was lost, or the broker was down when they were queued).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_an_addressee",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The header badge counts unread rows on every page.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The sweep looks only at pending rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="notification_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient or self.email}"

    @property
    def address(self) -> str:
        """Where the e-mail goes: the given address, else the recipient's."""
        return self.email or self.recipient.email

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_essential(self) -> bool:
        return self.kind in ESSENTIAL_KINDS
