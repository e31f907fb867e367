"""Who may see and mark a notification: its recipient, nobody else (not even staff, whose
tool for the outbox is the Django admin)."""

import rules


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and notification.recipient_id == user.pk


rules.add_perm("notifications.view_notification", rules.is_authenticated & is_recipient)
rules.add_perm("notifications.mark_notification_read", rules.is_authenticated & is_recipient)
