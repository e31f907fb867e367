from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread_notifications(request):
    """``unread_notifications_count`` for the header badge on every page: one COUNT query,
    made only if a template shows it (never for anonymous visitors)."""
    return {"unread_notifications_count": SimpleLazyObject(lambda: unread_count(request.user))}
