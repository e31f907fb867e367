"""Celery tasks of the reviews domain: thin, taking ids and calling a service."""

import logging
from datetime import timedelta

from celery import shared_task

from .services import announcing, exporting

logger = logging.getLogger(__name__)

# A run whose cursor has not moved for this long is taken to have lost its worker.
STALLED_AFTER = timedelta(minutes=2)


@shared_task(
    name="reviews.announce_results",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def announce_results(run_id: int) -> None:
    """Record and e-mail the results of an announcement run, chunk by chunk, from where
    it stands (``announcing.announcement_run_process``)."""
    announcing.announcement_run_process(run_id=run_id)


@shared_task(name="reviews.resume_announcements", ignore_result=True)
def resume_announcements() -> int:
    """Beat's sweep: queue again the runs that stalled (their worker died)."""
    return announcing.announcement_runs_resume(stalled_after=STALLED_AFTER)


def resume_on_worker_start(**_kwargs) -> None:
    """Connected to Celery's ``worker_ready``: a worker that starts resumes every
    unfinished announcement run. Never raises (the worker must start anyway)."""
    try:
        queued = announcing.announcement_runs_resume()
        logger.info("Worker start: %s unfinished announcement run(s) queued.", queued)
    except Exception:
        logger.exception("Resuming announcement runs at worker start failed.")


@shared_task(name="reviews.build_export", ignore_result=True)
def build_export(export_id: int) -> None:
    """Build a manager's .xlsx export (``exporting.export_build``)."""
    exporting.export_build(export_id=export_id)


@shared_task(name="reviews.sweep_expired_exports", ignore_result=True)
def sweep_expired_exports() -> int:
    """Beat, hourly: delete the files of expired exports."""
    return exporting.exports_sweep_expired()
