from celery import shared_task

from . import services


@shared_task(name="partners.notify")
def partners_notify() -> dict[str, int]:
    """Periodic (beat): new proposals, reminders before the selection meeting, matches."""
    return services.partners_notify()
