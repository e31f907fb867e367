"""The Celery application: broker and schedule come from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mou_portal.settings")

app = Celery("mou_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="mou_portal.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """Round-trip check used by the health check and the Celery smoke test."""
    return value
