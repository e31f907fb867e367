"""Reads of the notifications domain: the one place inbox querysets are built."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404

from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications, unread first, then newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(recipient=user)
        .annotate(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at", "-pk")
    )


def notification_for(user, pk: int) -> Notification:
    """One of the user's notifications, or 404: someone else's looks like a missing one."""
    notification = notifications_for(user).filter(pk=pk).first()
    if notification is None or not user.has_perm("notifications.view_notification", notification):
        raise Http404
    return notification


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one COUNT query)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
