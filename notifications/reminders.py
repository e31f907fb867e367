"""Periodic reminders before a deadline, declared in a few lines and each sent once.

A reminder is a selector of what has a deadline coming, the event kind to notify, and
the offsets before the deadline at which to remind. Declare it in your app's
``reminders.py`` (every installed app's ``reminders`` module is imported at start-up)::

    from datetime import timedelta

    from notifications.enums import NotificationKind
    from notifications.reminders import Due, reminder


    @reminder(kind=NotificationKind.DRAFT_REMINDER, offsets=[timedelta(days=3), timedelta(days=1)])
    def drafts_before_close(*, now, until):
        # Unsubmitted drafts of cycles closing soon, to every member of the company.
        drafts = Application.objects.filter(
            status=ApplicationStatus.DRAFT, cycle__closes_at__gt=now, cycle__closes_at__lte=until
        ).select_related("cycle", "company")
        for draft in drafts:
            yield Due(
                target=draft,
                deadline=draft.cycle.closes_at,
                recipients=draft.company.members.all(),
            )

and add the kind (enum member and three templates, which get ``deadline`` and
``time_left`` in their context besides ``Due.context``). Nothing else: one Celery beat
task (``notifications.send_reminders``, every 15 minutes, see ``CELERY_BEAT_SCHEDULE``)
walks the registry.

Each run sends, for every due item, the reminder of the *smallest* offset whose time has
come, with the event key ``reminder:<name>:<offset>:<deadline>``. So running every
15 minutes sends each reminder once; an item that turns up late (a draft started twelve
hours before the close) gets the nearest reminder only, not every one it missed; and a
deadline that moves (an extended call) gets its own reminders again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import models
from django.utils import timezone

from .enums import NotificationKind

logger = logging.getLogger(__name__)

NAME_MAX_LENGTH = 40


@dataclass(frozen=True)
class Due:
    """Something with a deadline coming, and who to remind about it."""

    target: models.Model
    deadline: datetime
    recipients: Iterable
    context: dict = field(default_factory=dict)


Selector = Callable[..., Iterable[Due]]


@dataclass(frozen=True)
class Reminder:
    """``select(now=..., until=...)`` yields what is due with a deadline in
    ``(now, until]``; ``until`` is ``now`` plus the largest offset."""

    name: str
    kind: str
    offsets: tuple[timedelta, ...]
    select: Selector

    def offset_for(self, deadline: datetime, now: datetime) -> timedelta | None:
        """The smallest offset whose moment (``deadline - offset``) has come, if any."""
        come = [offset for offset in self.offsets if deadline - offset <= now]
        return min(come) if come else None

    def event_key(self, offset: timedelta, deadline: datetime) -> str:
        moment = deadline.astimezone(UTC)
        return f"reminder:{self.name}:{offset_label(offset)}:{moment:%Y%m%dT%H%MZ}"


REMINDERS: dict[str, Reminder] = {}


def register(reminder_: Reminder) -> Reminder:
    """Add a reminder to the registry; a second, different one of that name is an error."""
    NotificationKind(reminder_.kind)
    if not reminder_.offsets or any(offset <= timedelta(0) for offset in reminder_.offsets):
        raise ValueError(f"Reminder {reminder_.name!r} needs positive offsets.")
    if len(reminder_.name) > NAME_MAX_LENGTH:
        raise ValueError(f"Reminder name {reminder_.name!r} is over {NAME_MAX_LENGTH} chars.")
    existing = REMINDERS.get(reminder_.name)
    if existing is not None and existing != reminder_:
        raise ValueError(f"A different reminder is already registered as {reminder_.name!r}.")
    REMINDERS[reminder_.name] = reminder_
    return reminder_


def reminder(
    *, kind: str, offsets: Iterable[timedelta], name: str = ""
) -> Callable[[Selector], Reminder]:
    """Decorator registering a selector as a reminder (named after it unless ``name``)."""

    def decorate(select: Selector) -> Reminder:
        return register(
            Reminder(
                name=name or select.__name__,
                kind=NotificationKind(kind).value,
                offsets=tuple(sorted(offsets, reverse=True)),
                select=select,
            )
        )

    return decorate


def offset_label(offset: timedelta) -> str:
    """``3d``, ``12h``, ``90m``: short and stable, for event keys.

    >>> offset_label(timedelta(days=3)), offset_label(timedelta(hours=36))
    ('3d', '36h')
    """
    seconds = int(offset.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def reminders_send(
    *, now: datetime | None = None, registry: dict[str, Reminder] | None = None
) -> int:
    """Send what has come due of every registered reminder; returns how many
    notifications were created. One failing item is logged and does not stop the rest."""
    from .services import notify

    now = now or timezone.now()
    created = 0
    for item in (REMINDERS if registry is None else registry).values():
        until = now + max(item.offsets)
        for due in item.select(now=now, until=until):
            if not now < due.deadline <= until:
                continue
            offset = item.offset_for(due.deadline, now)
            if offset is None:
                continue
            try:
                created += len(
                    notify(
                        kind=item.kind,
                        target=due.target,
                        recipients=due.recipients,
                        context={**due.context, "deadline": due.deadline, "time_left": offset},
                        event_key=item.event_key(offset, due.deadline),
                    )
                )
            except Exception:
                logger.exception("Reminder %s failed for %r.", item.name, due.target)
    return created
