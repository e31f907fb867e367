"""The monitor's health report: database, broker and the state of the outbox."""

import time

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .enums import DeliveryState
from .models import Notification


@never_cache
def healthz_full(request):
    """For a monitor: the database, the broker, the age of the oldest pending notification
    and the number of failed ones. 200 when all is well, 503 when the database or the
    broker does not answer, or past ``HEALTH_MAX_PENDING_AGE`` / ``HEALTH_MAX_FAILED``.
    Counts only, nothing about anyone: safe to expose to the monitoring network."""
    report: dict = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except Exception as exc:
        report["database"] = f"error: {type(exc).__name__}"
        return JsonResponse({"status": "error", **report}, status=503)
    report["broker"] = _broker_status()
    healthy &= report["broker"] == "ok"
    now = timezone.now()
    oldest = Notification.objects.filter(state=DeliveryState.PENDING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    age = int((now - oldest).total_seconds()) if oldest else 0
    failed = Notification.objects.filter(state=DeliveryState.FAILED).count()
    report["oldest_pending_notification_seconds"] = age
    report["failed_notifications"] = failed
    problems = []
    if age > settings.HEALTH_MAX_PENDING_AGE:
        problems.append("notifications are waiting too long")
    if failed > settings.HEALTH_MAX_FAILED:
        problems.append("some notifications failed")
    if report["broker"] != "ok":
        problems.append("the broker does not answer")
    healthy &= not problems
    return JsonResponse(
        {"status": "ok" if healthy else "error", "problems": problems, **report},
        status=200 if healthy else 503,
    )


def _broker_status() -> str:
    from mou_portal.celery import app

    if app.conf.task_always_eager:
        return "ok"  # embedded mode: no broker, tasks run in the web process
    started = time.monotonic()
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__} after {time.monotonic() - started:.1f} s"
    return "ok"
