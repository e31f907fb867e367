"""Celery tasks of the notifications domain: thin, they take ids and call services."""

import logging
from datetime import timedelta

from celery import shared_task
from kombu.exceptions import OperationalError

from . import reminders, services

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="notifications.deliver", ignore_result=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> str:
    """E-mail one notification (at most once; see ``services.notification_deliver``).

    Retries with exponential backoff are scheduled from the row's own attempt count, so
    a notification re-queued by the sweep does not start its count again.
    """
    delivery = services.notification_deliver(notification_id=notification_id)
    # Run eagerly (embedded mode, tests) there is no worker to hold a countdown: the row
    # keeps its ``next_attempt_at`` and the sweep picks it up when that has passed.
    if delivery.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome


@shared_task(name="notifications.requeue_pending", ignore_result=True)
def requeue_pending_notifications() -> int:
    """Celery beat, every minute: queue pending notifications whose message was lost."""
    return services.notifications_requeue_pending()


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_due_reminders() -> int:
    """Celery beat: send every registered reminder that has come due (see ``reminders``)."""
    return reminders.reminders_send()


def queue_deliveries(notification_ids: list[int]) -> int:
    """Hand notifications to the broker, one message each. Never raises: if the broker
    cannot take them, the rows stay pending for the sweep and the caller's request goes
    on. Stops at the first broker failure (the broker is down for the rest too, and each
    try costs a connection attempt). Returns how many were queued.

    In embedded mode (``task_always_eager``) "queueing" runs the delivery right here;
    an error in it is logged, never raised into the request.
    """
    queued = 0
    for notification_id in notification_ids:
        try:
            # No publish retries: the sweep is the retry, and a web request must not
            # wait on a dead broker. Results are ignored, so no result-backend round trip.
            deliver_notification.apply_async((notification_id,), retry=False)
        except OperationalError as exc:
            # One line, no traceback: during an outage this is logged on every action.
            logger.error(
                "Could not queue %s notification(s) (first: %s): the broker is "
                "unreachable (%s). They stay pending; the sweep will queue them again.",
                len(notification_ids) - queued,
                notification_id,
                exc,
            )
            break
        except Exception:
            logger.exception("Delivery of notification %s failed.", notification_id)
            continue
        queued += 1
    return queued


def sweep_on_worker_start(**_kwargs) -> None:
    """Connected to Celery's ``worker_ready``: a worker that starts queues every pending
    notification that is due, so that nothing waits for beat (which may be down too).
    Never raises: a failing sweep must not keep the worker from starting."""
    try:
        queued = 0
        while batch := services.notifications_requeue_pending(overdue_by=timedelta(0)):
            queued += batch
            if batch < services.REQUEUE_BATCH:
                break
        logger.info("Worker start: %s pending notification(s) queued.", queued)
    except Exception:
        logger.exception("The sweep at worker start failed; beat's sweep will retry.")
