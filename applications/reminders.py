"""Reminders of the applications domain (walked by ``notifications.send_reminders``)."""

from datetime import timedelta

from notifications.enums import NotificationKind
from notifications.reminders import Due, reminder

from .enums import ApplicationStatus
from .events import members
from .models import Application


@reminder(kind=NotificationKind.DRAFT_REMINDER, offsets=[timedelta(days=3), timedelta(days=1)])
def drafts_before_close(*, now, until):
    """Unsubmitted drafts of calls closing soon, to every member of the company."""
    drafts = Application.objects.filter(
        status=ApplicationStatus.DRAFT,
        cycle__closes_at__gt=now,
        cycle__closes_at__lte=until,
    ).select_related("cycle__program", "company")
    for draft in drafts:
        yield Due(target=draft, deadline=draft.cycle.closes_at, recipients=members(draft.company))
