"""Event kinds and delivery states of notifications.

Adding an event kind is one member of ``NotificationKind`` plus three templates in
``notifications/templates/notifications/<kind>/``: ``subject.txt``, ``body.txt`` and
``body.html`` (see ``notifications.rendering``); add it to ``ESSENTIAL_KINDS`` too when
the recipient must get it by e-mail even after opting out of non-essential e-mail.
No migration is needed: the ``kind`` column deliberately has no ``choices`` (see
``Notification.kind``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What happened. The value names the template folder, so keep it a slug."""

    WELCOME = "welcome", _("Welcome")
    TEST_MESSAGE = "test_message", _("Test message")
    APPLICATION_SUBMITTED = "application_submitted", _("Application received")
    APPLICATION_STATUS_CHANGED = "application_status_changed", _("Application status changed")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    DRAFT_REMINDER = "draft_reminder", _("Draft not submitted before the deadline")
    # Reviewing (issue 5).
    APPLICATION_INELIGIBLE = "application_ineligible", _("Application found ineligible")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Applications assigned to you for review")
    REVIEW_REOPENED = "review_reopened", _("Review reopened by a manager")
    REVIEW_REMINDER = "review_reminder", _("Reviews due soon")
    RESULTS_ANNOUNCED = "results_announced", _("Result of an application")
    # Addressed to an e-mail address, not (only) to an account: see ``notify_address``.
    INVITATION = "invitation", _("Invitation to join a company's team")
    ACCOUNT_EMAIL = "account_email", _("Account e-mail (verification, password reset)")
    # Running a call (issue 10).
    CALL_DEADLINE_CHANGED = "call_deadline_changed", _("Closing date of a call changed")
    # Partners (issue 16).
    PARTNER_INVITATION = "partner_invitation", _("Invitation to a partner on the portal")
    PARTNER_NEW_PROPOSAL = "partner_new_proposal", _("New proposal to your challenge or technology")
    PARTNER_REMINDER = "partner_reminder", _("Selection meeting soon: mark your interest")
    PARTNER_MATCH = "partner_match", _("Selected proposal to your challenge or technology")
    PARTNER_MATCH_COMPANY = "partner_match_company", _("Your partner's contact person")


# Always e-mailed, whatever the recipient's opt-out: receipts and results, and the
# operator's delivery check (whose whole point is to reach the inbox).
# A withdrawal is irreversible and done by one member for the whole company: every member
# must learn of it.
ESSENTIAL_KINDS: frozenset[str] = frozenset(
    {
        NotificationKind.TEST_MESSAGE,
        NotificationKind.APPLICATION_SUBMITTED,
        NotificationKind.APPLICATION_WITHDRAWN,
        # Screening out is an outcome, told at once with its reason.
        NotificationKind.APPLICATION_INELIGIBLE,
        NotificationKind.RESULTS_ANNOUNCED,
        NotificationKind.INVITATION,
        NotificationKind.ACCOUNT_EMAIL,
        # A draft's deadline moved: missing it means not being reviewed at all.
        NotificationKind.CALL_DEADLINE_CHANGED,
        NotificationKind.PARTNER_INVITATION,
    }
)


class DeliveryState(models.TextChoices):
    """Where the e-mail of a notification stands. The inbox row exists in every state.

    ``skipped`` means the e-mail was deliberately not sent: the recipient opted out of
    non-essential e-mail, or their account was deactivated before delivery.
    """

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not e-mailed")


# Delivery moves only forward from pending; an operator may put a failed e-mail back in
# the queue (admin action "retry delivery"). Data, tested as data.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliveryState.PENDING: frozenset(
        {DeliveryState.SENT, DeliveryState.FAILED, DeliveryState.SKIPPED}
    ),
    DeliveryState.FAILED: frozenset({DeliveryState.PENDING}),
    DeliveryState.SENT: frozenset(),
    DeliveryState.SKIPPED: frozenset(),
}


def kind_label(kind: str) -> str:
    """The human label of a stored kind; a kind no longer in the enum shows its slug."""
    try:
        return str(NotificationKind(kind).label)
    except ValueError:
        return kind
