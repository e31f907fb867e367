"""The announcement in the background: ``cycle_announce`` starts an ``AnnouncementRun``
and returns; a Celery task records and e-mails the results (``results_notify``, through
the notifications outbox) a chunk of applications per transaction.

Why no duplicate and no gap: each chunk is the next applications by id after
``last_application_id``, recorded in the same transaction that moves the cursor, under a
lock of the run's row. A worker killed in a chunk rolls it back entirely, and whoever
resumes (the redelivered task, a worker that starts, beat's sweep) starts after the last
committed chunk; notifications are idempotent per application and outcome on top.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.enums import DECIDED
from applications.models import Application
from programs.enums import ActivityKind
from programs.models import Cycle
from programs.services import activity_record

from ..enums import AnnouncementRunStatus
from ..models import AnnouncementRun

logger = logging.getLogger(__name__)


def chunk_size() -> int:
    return max(1, int(getattr(settings, "ANNOUNCEMENT_CHUNK_SIZE", 200)))


def announcement_start(*, cycle: Cycle, actor: User, now: datetime, early: bool) -> AnnouncementRun:
    """Inside the announcing transaction (cycle locked): the run, counting the decided
    applications, an ``announcement`` activity line, and the task queued after commit."""
    total = Application.objects.filter(cycle=cycle, status__in=DECIDED).count()
    run, _created = AnnouncementRun.objects.update_or_create(
        cycle=cycle,
        defaults={
            "status": AnnouncementRunStatus.RUNNING,
            "started_by": actor,
            "total": total,
            "done": 0,
            "notifications": 0,
            "last_application_id": 0,
            "started_at": now,
            "updated_at": now,
            "finished_at": None,
        },
    )
    activity_record(
        cycle=cycle,
        kind=ActivityKind.ANNOUNCEMENT,
        actor=actor,
        subject=cycle.code,
        data={"results": total, "before_announcement_date": early},
        at=now,
    )
    transaction.on_commit(lambda: announcement_queue(run.pk))
    return run


def announcement_queue(run_id: int) -> None:
    """Queue the run's task; a broker that is down leaves the run to the sweeps (a worker
    that starts, beat) rather than failing the manager's request after its commit."""
    from ..tasks import announce_results

    try:
        announce_results.delay(run_id)
    except Exception:  # the broker is unreachable: the sweep will queue it
        logger.exception("Could not queue announcement run %s; the sweep will.", run_id)


def announcement_run_step(*, run_id: int) -> bool:
    """Record and e-mail the next chunk of the run. Returns True once the run is done.

    One transaction: the run's row locked, the next ``chunk_size()`` decided applications
    by id after the cursor, their notifications recorded (``results_notify``), the cursor
    and the counts moved."""
    from .selection import results_notify

    with transaction.atomic():
        run = (
            AnnouncementRun.objects.select_for_update(of=("self",))
            .select_related("started_by")
            .get(pk=run_id)
        )
        if run.status == AnnouncementRunStatus.DONE:
            return True
        chunk = list(
            Application.objects.filter(
                cycle_id=run.cycle_id, status__in=DECIDED, pk__gt=run.last_application_id
            )
            .select_related("company", "cycle__program")
            .order_by("pk")[: chunk_size()]
        )
        now = timezone.now()
        if not chunk:
            run.status = AnnouncementRunStatus.DONE
            run.finished_at = now
            run.updated_at = now
            run.save(update_fields=["status", "finished_at", "updated_at"])
            return True
        recorded = results_notify(applications=chunk, actor=run.started_by)
        run.last_application_id = chunk[-1].pk
        run.done += len(chunk)
        run.notifications += recorded
        run.updated_at = now
        run.save(update_fields=["last_application_id", "done", "notifications", "updated_at"])
    return False


def announcement_run_process(*, run_id: int) -> None:
    """Every remaining chunk of the run, each committed on its own (a pause of
    ``ANNOUNCEMENT_CHUNK_PAUSE_SECONDS`` between chunks spreads the e-mail over time)."""
    pause = float(getattr(settings, "ANNOUNCEMENT_CHUNK_PAUSE_SECONDS", 0) or 0)
    while not announcement_run_step(run_id=run_id):
        if pause:
            time.sleep(pause)


def announcement_runs_resume(*, stalled_after: timedelta | None = None) -> int:
    """Queue every unfinished run again (a worker starting), or only those whose cursor
    has not moved for ``stalled_after`` (beat's sweep). Returns how many were queued."""
    runs = AnnouncementRun.objects.filter(status=AnnouncementRunStatus.RUNNING)
    if stalled_after is not None:
        runs = runs.filter(updated_at__lt=timezone.now() - stalled_after)
    ids = list(runs.values_list("pk", flat=True))
    for run_id in ids:
        announcement_queue(run_id)
    return len(ids)
