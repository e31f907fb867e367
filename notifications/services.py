"""Writes of the notifications domain: the one way the portal tells anyone anything.

Record first, deliver second. ``notify`` writes one ``Notification`` per recipient in the
caller's transaction and hands the new rows to Celery once that transaction commits; the
delivery task (``notification_deliver``) locks the row and e-mails it only while it is
still pending. A broker that is down when the action commits costs nothing but time: the
rows stay pending and ``notifications_requeue_pending`` (Celery beat, every minute)
queues them again.

Over 500 lines on purpose: recording and delivery share the outbox row's states and its
claim; split, each half would have to re-state the other's invariants.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from .enums import DELIVERY_TRANSITIONS, ESSENTIAL_KINDS, DeliveryState, NotificationKind
from .models import Notification
from .rendering import Rendered, absolute_url, render_notification

logger = logging.getLogger(__name__)

UserModel = get_user_model()

if TYPE_CHECKING:  # the type only: accounts builds on notifications, not the reverse
    from accounts.models import User

EVENT_KEY_MAX_LENGTH = 100
# Delivery attempts before a notification is marked failed, and the backoff between
# them: 1, 2, 4, 8, 16, 30, 30 minutes (about an hour and a half in all), so that an
# SMTP outage of that length loses nothing.
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 30 * 60
# A task may run this much earlier than ``next_attempt_at`` and still count as due
# (clock skew between worker hosts, ETA rounding).
DUE_TOLERANCE = timedelta(seconds=5)
# The sweep leaves pending rows alone this long after they were due: their task is most
# probably on its way.
REQUEUE_AFTER = timedelta(minutes=1)
REQUEUE_BATCH = 500
# Seconds a server may take to answer QUIT once it has accepted the message.
QUIT_TIMEOUT = 5


# --- notify -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event for ``notify_many``: what happened to (``target``), whom to tell, the
    template context, and the ``event_key`` that tells it apart from other events of the
    same kind on the same object."""

    target: models.Model
    recipients: Iterable[User] | User
    context: dict | None = None
    event_key: str = ""


# Idempotency keys per query, so that no query exceeds a backend's limit of parameters.
KEY_BATCH = 500


def notify(
    *,
    kind: str,
    target: models.Model,
    recipients: Iterable[User] | User,
    context: dict | None = None,
    event_key: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Tell ``recipients`` that event ``kind`` happened to ``target``.

    Writes one ``Notification`` per recipient in the caller's transaction (a savepoint
    inside it), and queues their e-mails with ``transaction.on_commit``: a rolled-back
    action leaves no row and sends nothing.

    * Idempotent on (``kind``, ``target``, ``event_key``, recipient): repeating an event
      creates and sends nothing new. ``event_key`` tells apart distinct events of one
      kind on one object, e.g. ``"status:ineligible"`` or ``"reminder:3d"``.
    * Duplicate recipients are collapsed; inactive users are skipped.
    * Subject and bodies are rendered now, in each recipient's ``preferred_language``,
      from the templates of ``kind`` (see ``notifications.rendering``). ``context`` is
      extra template context; its ``"url"`` entry (a portal path such as
      ``reverse(...)`` or a full URL), or else ``target.get_absolute_url()``, is where the
      notification leads: stored for the inbox and given to templates as the absolute
      ``url``.

    Returns the notifications this call created, in the order of ``recipients`` (empty
    when the event was already notified). Raises ``ValueError`` for a kind that is not a
    ``NotificationKind``.
    """
    return notify_many(
        kind=kind,
        events=[Event(target=target, recipients=recipients, context=context, event_key=event_key)],
        actor=actor,
    )


def notify_many(
    *, kind: str, events: Iterable[Event], actor: User | None = None
) -> list[Notification]:
    """``notify`` for many events of one kind at once (an announcement to every applicant
    of a cycle): the same rows, rules and guarantees, with a constant number of queries
    per ``KEY_BATCH`` recipients instead of a few per event. Returns the notifications
    created, in the order of the events and their recipients.

    Over 60 lines on purpose: planning, de-duplicating, rendering and inserting are one
    pass over the same planned rows in one transaction, and the query count per batch is
    easiest to check when they are read together.
    """
    kind = NotificationKind(kind).value
    essential = kind in ESSENTIAL_KINDS
    planned = []  # (key, person, event, context, link, target type), in order
    for event in events:
        if len(event.event_key) > EVENT_KEY_MAX_LENGTH:
            raise ValueError(f"event_key is longer than {EVENT_KEY_MAX_LENGTH} characters.")
        if event.target is None or event.target.pk is None:
            raise ValueError("A notification needs a saved target object.")
        context = dict(event.context or {})
        link = str(context.pop("url", "") or _default_link(event.target))
        target_type = ContentType.objects.get_for_model(event.target)
        for person in _unique_active(event.recipients):
            key = idempotency_key(
                kind=kind, target_type=target_type, target_id=event.target.pk,
                event_key=event.event_key, recipient_id=person.pk,
            )  # fmt: skip
            planned.append((key, person, event, context, link, target_type))
    if not planned:
        return []

    with transaction.atomic():
        keys = [item[0] for item in planned]
        existing = {
            key
            for batch in _batches(keys)
            for key in Notification.objects.filter(idempotency_key__in=batch).values_list(
                "idempotency_key", flat=True
            )
        }
        now = timezone.now()
        rows = []
        for key, person, event, context, link, target_type in planned:
            if key in existing:
                continue
            existing.add(key)  # the same event twice in one call is still one row
            language = person.preferred_language or settings.LANGUAGE_CODE
            rendered = render_notification(
                kind=kind,
                language=language,
                context={
                    **context,
                    "recipient": person,
                    "target": event.target,
                    "actor": actor,
                    "site_url": settings.SITE_URL,
                    "url": absolute_url(link) if link else "",
                    "essential": essential,
                },
            )
            rows.append(
                Notification(
                    recipient=person,
                    kind=kind,
                    event_key=event.event_key,
                    target_type=target_type,
                    target_id=event.target.pk,
                    actor=actor,
                    idempotency_key=key,
                    language=language,
                    subject=rendered.subject,
                    body=rendered.body,
                    body_html=rendered.body_html,
                    link=link,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
        if not rows:
            return []
        # A concurrent identical event may have inserted some keys since the check above;
        # those are skipped here and delivered by whoever wrote them.
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=KEY_BATCH)
        position = {row.idempotency_key: index for index, row in enumerate(rows)}
        created = sorted(
            (
                notification
                for batch in _batches(list(position))
                for notification in Notification.objects.filter(
                    idempotency_key__in=batch
                ).select_related("recipient")
            ),
            key=lambda notification: position[notification.idempotency_key],
        )
        transaction.on_commit(partial(_queue_after_commit, [row.pk for row in created]))
    return created


def notify_address(
    *,
    kind: str,
    email: str,
    language: str,
    target: models.Model | None = None,
    context: dict | None = None,
    event_key: str = "",
    rendered: Rendered | None = None,
    recipient: User | None = None,
) -> Notification | None:
    """E-mail an address through the outbox: someone who may have no account yet (an
    invitation), or a message that must not sit in an inbox (an account e-mail with a
    password reset link). One ``Notification`` with ``email`` set and no inbox entry
    (``recipient`` only records whose account it concerns, if any); recorded in the
    caller's transaction, delivered after commit with the retries of every notification.
    A failing or hanging SMTP server never reaches the caller.

    Rendered from the templates of ``kind`` in ``language`` (context: ``email``,
    ``target``, ``site_url``, ``url`` and ``context``), or given already ``rendered``
    (allauth renders its own e-mails). Idempotent on (``kind``, ``target``,
    ``event_key``, ``email``) when there is a target; without one every call is a new
    e-mail. Returns the notification, or ``None`` if that event was already recorded.

    Over 60 lines on purpose: de-duplication, rendering in the language and the insert
    read as one recording step, like ``notify_many``.
    """
    kind = NotificationKind(kind).value
    email = email.strip()
    if not email:
        raise ValueError("notify_address needs an e-mail address.")
    context = dict(context or {})
    link = str(context.pop("url", "") or (_default_link(target) if target is not None else ""))
    if target is not None:
        target_type = ContentType.objects.get_for_model(target)
        label = f"{target_type.app_label}.{target_type.model}"
        key = f"{kind}:{label}:{target.pk}:{event_key}:{email.lower()}"
    else:
        target_type = None
        key = f"{kind}:{uuid.uuid4().hex}:{event_key}"[:400]
    if rendered is None:
        rendered = render_notification(
            kind=kind,
            language=language,
            context={
                **context,
                "email": email,
                "target": target,
                "site_url": settings.SITE_URL,
                "url": absolute_url(link) if link else "",
                "essential": kind in ESSENTIAL_KINDS,
            },
        )
    now = timezone.now()
    with transaction.atomic():
        if Notification.objects.filter(idempotency_key=key[:400]).exists():
            return None
        notification = Notification.objects.create(
            recipient=None,
            email=email,
            kind=kind,
            event_key=event_key,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            idempotency_key=key[:400],
            language=language,
            subject=" ".join(rendered.subject.split())[:255],
            body=rendered.body,
            body_html=rendered.body_html,
            link=link,
            created_at=now,
            next_attempt_at=now,
        )
        transaction.on_commit(partial(_queue_after_commit, [notification.pk]))
    return notification


def _batches(items: list) -> Iterable[list]:
    for start in range(0, len(items), KEY_BATCH):
        yield items[start : start + KEY_BATCH]


def idempotency_key(
    *, kind: str, target_type: ContentType, target_id: int, event_key: str, recipient_id: int
) -> str:
    """``status_changed:applications.application:42:status:ineligible:7`` – readable in
    the admin and unique per event, object and recipient."""
    label = f"{target_type.app_label}.{target_type.model}"
    return f"{kind}:{label}:{target_id}:{event_key}:{recipient_id}"


def _unique_active(recipients) -> list[User]:
    if isinstance(recipients, UserModel):
        recipients = [recipients]
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        people.append(person)
    return people


def _default_link(target: models.Model) -> str:
    get_absolute_url = getattr(target, "get_absolute_url", None)
    return get_absolute_url() if callable(get_absolute_url) else ""


def _queue_after_commit(notification_ids: list[int]) -> None:
    # Imported here: tasks sit above services in the layers.
    from .tasks import queue_deliveries

    queue_deliveries(notification_ids)


# --- delivery ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What one delivery attempt did; ``retry_in`` (seconds) when it should try again."""

    outcome: str
    retry_in: int | None = None


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> Delivery:
    """E-mail one notification: claim, send outside any transaction, record the outcome.

    1. **Claim** with one conditional update: only a row still pending and due is taken,
       and taking it moves ``next_attempt_at`` a lease (``claim_lease()``) into the future
       and counts the attempt. Two tasks for one notification (a retry and a sweep, a
       message delivered twice) cannot both claim it: the second finds it not due.
    2. **Send** with no transaction open and no row locked, so a slow SMTP server holds
       nothing in the database; QUIT gets only ``QUIT_TIMEOUT`` seconds, and a failure
       after the server accepted the message does not count as a failure.
    3. **Record** the outcome with a conditional update (the row must still be ours):
       sent → ``state=sent``, ``sent_at``; permanent refusal (every recipient refused with
       a 5xx) or ``MAX_ATTEMPTS`` reached → ``state=failed``; anything else → ``last_error``
       and ``next_attempt_at`` after an exponential backoff, ``retry_in`` in the result.

    A recipient who opted out of non-essential e-mail, or was deactivated, is
    ``skipped`` (the inbox row stays).

    The remaining window (at least once, not exactly once): a worker killed after the
    server accepted the message and before step 3 leaves the row pending; once the lease
    has passed the sweep sends it again. The same ``Message-ID`` on every attempt lets mail
    systems drop that duplicate.

    Over 60 lines on purpose: the three numbered steps above, side by side.
    """
    now = now or timezone.now()
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return Delivery("missing")
    if notification.state != DeliveryState.PENDING:
        return Delivery(f"already {notification.state}")
    if notification.next_attempt_at > now + DUE_TOLERANCE:
        # Another message (a scheduled retry) owns this attempt, or it is being sent now.
        return Delivery("not due")
    due = Q(
        pk=notification_id, state=DeliveryState.PENDING, next_attempt_at__lte=now + DUE_TOLERANCE
    )
    recipient = notification.recipient
    if recipient is not None and (
        not recipient.is_active
        or (recipient.email_opt_out and notification.kind not in ESSENTIAL_KINDS)
    ):
        _move(notification, DeliveryState.SKIPPED)
        Notification.objects.filter(due).update(state=DeliveryState.SKIPPED)
        return Delivery(DeliveryState.SKIPPED)
    lease_until = now + claim_lease()
    claimed = Notification.objects.filter(due).update(
        next_attempt_at=lease_until, attempts=F("attempts") + 1
    )
    if not claimed:
        return Delivery("not due")
    notification.attempts += 1
    notification.next_attempt_at = lease_until
    ours = Q(pk=notification_id, state=DeliveryState.PENDING, next_attempt_at=lease_until)
    try:
        send_now(email_message(notification))
    except Exception as exc:
        return _record_failure(notification, exc, now=now, ours=ours)
    _move(notification, DeliveryState.SENT)
    Notification.objects.filter(ours).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), last_error=""
    )
    return Delivery(DeliveryState.SENT)


def claim_lease() -> timedelta:
    """How long a claimed notification is left to its worker before the sweep may queue it
    again: longer than the slowest possible attempt (connect, EHLO, MAIL, RCPT and DATA
    can each wait ``EMAIL_TIMEOUT``), so a slow send is never doubled by the sweep."""
    return timedelta(seconds=6 * settings.EMAIL_TIMEOUT + QUIT_TIMEOUT + 60)


def send_now(message: EmailMultiAlternatives) -> None:
    """Send one message on a connection of its own, and close it with a short QUIT: once
    the server has accepted the message (the 250 after DATA), a server slow or failing
    on QUIT changes nothing, and must not keep the worker (or count as a failure)."""
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        _close_quickly(connection)


def _close_quickly(connection) -> None:
    smtp = getattr(connection, "connection", None)
    sock = getattr(smtp, "sock", None)
    if sock is not None:
        sock.settimeout(QUIT_TIMEOUT)
    try:
        connection.close()
    except Exception as exc:  # the message is sent (or its failure already raised)
        logger.info("Closing the SMTP connection failed (ignored): %s", exc)
        if smtp is not None:
            smtp.close()
        connection.connection = None


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification, from its stored rendering."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    message = EmailMultiAlternatives(
        subject=settings.EMAIL_SUBJECT_PREFIX + notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        headers={
            # The same Message-ID on every attempt lets mail systems drop a duplicate
            # if an attempt's outcome was lost after the server accepted it.
            "Message-ID": (
                f"<notification-{notification.pk}."
                f"{int(notification.created_at.timestamp())}@{domain}>"
            ),
            "Content-Language": notification.language,
            # RFC 3834: no out-of-office replies to machine mail.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            # The event type, whatever the language: for recipients' mail filters.
            "X-MOU-Portal-Kind": notification.kind,
        },
    )
    message.attach_alternative(notification.body_html, "text/html")
    return message


def backoff_seconds(attempts: int) -> int:
    """Wait before attempt ``attempts + 1``: 60 s doubled each time, at most 30 minutes.

    >>> [backoff_seconds(n) for n in range(1, 8)]
    [60, 120, 240, 480, 960, 1800, 1800]
    """
    return min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)


def is_permanent_failure(exc: Exception) -> bool:
    """Only a refusal that retrying cannot change: every recipient refused with 5xx."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def _record_failure(
    notification: Notification, exc: Exception, *, now: datetime, ours: Q
) -> Delivery:
    notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if is_permanent_failure(exc) or notification.attempts >= MAX_ATTEMPTS:
        logger.error(
            "Notification %s failed for good after %s attempt(s): %s",
            notification.pk,
            notification.attempts,
            notification.last_error,
        )
        _move(notification, DeliveryState.FAILED)
        Notification.objects.filter(ours).update(
            state=DeliveryState.FAILED, last_error=notification.last_error
        )
        return Delivery(DeliveryState.FAILED)
    delay = backoff_seconds(notification.attempts)
    notification.next_attempt_at = now + timedelta(seconds=delay)
    Notification.objects.filter(ours).update(
        last_error=notification.last_error, next_attempt_at=notification.next_attempt_at
    )
    logger.warning(
        "Notification %s not sent (attempt %s), retrying in %s s: %s",
        notification.pk,
        notification.attempts,
        delay,
        notification.last_error,
        exc_info=not isinstance(exc, OSError | smtplib.SMTPException),
    )
    return Delivery("retry", retry_in=delay)


def _move(notification: Notification, to: str) -> None:
    if to not in DELIVERY_TRANSITIONS[notification.state]:
        raise ValueError(f"A notification cannot go from {notification.state} to {to}.")
    notification.state = to


# --- sweep and operator retry -------------------------------------------------------------


def notifications_requeue_pending(
    *,
    now: datetime | None = None,
    limit: int = REQUEUE_BATCH,
    overdue_by: timedelta = REQUEUE_AFTER,
) -> int:
    """Queue again the pending notifications overdue by more than a minute: their message
    was never published (broker down at commit) or got lost. Rows being delivered right
    now are locked and skipped. Sets their ``next_attempt_at`` to now, so a row is
    re-queued at most once a minute however long the broker stays away. Returns how many
    were handed to the broker."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now - overdue_by)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(next_attempt_at=now)
    if not ids:
        return 0
    logger.info("Re-queueing %s pending notification(s).", len(ids))
    from .tasks import queue_deliveries

    return queue_deliveries(ids)


def notification_retry(*, notification: Notification, actor: User) -> Notification:
    """Put a failed e-mail back in the queue (an operator, once the cause is fixed).

    Site operators (superusers) only. Resets ``attempts`` and ``last_error``; delivery
    is queued after commit.
    """
    if not (actor.is_active and actor.is_superuser):
        raise PermissionDenied
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        _move(locked, DeliveryState.PENDING)
        locked.attempts = 0
        locked.last_error = ""
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
        transaction.on_commit(partial(_queue_after_commit, [locked.pk]))
    return locked


# --- the inbox ------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """Mark one of the actor's own notifications read (a conditional update: marking twice
    keeps the first time). Raises ``PermissionDenied`` for someone else's."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
            read_at=timezone.now()
        )
