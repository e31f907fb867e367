"""The background announcement with real workers on Redis: a worker killed (SIGKILL) in
the middle of a run is replaced, and the new one finishes the run from where it stood —
every member of every decided company e-mailed once, no duplicate, no gap."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from applications.enums import ApplicationStatus
from mou_portal.celery import app
from notifications.enums import DeliveryState, NotificationKind
from notifications.models import Notification
from reviews.enums import AnnouncementRunStatus
from reviews.models import AnnouncementRun
from reviews.services import cycle_announce, decisions_approve, decisions_set
from tests.factories import MembershipFactory
from tests.reviews.selection_helpers import cycle_under_review
from tests.support.celery_worker import (
    _wait_until_ready,
    database_url_for_worker,
    reset_broker_connections,
    worker_argv,
)
from tests.support.compose import ROOT
from tests.support.mail import read_mail_dir, subject
from tests.support.services import require_postgresql, require_redis

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
S = ApplicationStatus
APPLICATIONS = 6


def _wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


class Workers:
    """Workers on one queue of their own, started and killed by the test."""

    def __init__(self, redis_url: str, maildir: Path):
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "mou_portal.settings",
            "REDIS_URL": redis_url,
            "DATABASE_URL": database_url_for_worker(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_URL": f"filemail:///{maildir}",
            # Two applications per chunk, a second between chunks: time to kill mid-run.
            "ANNOUNCEMENT_CHUNK_SIZE": "2",
            "ANNOUNCEMENT_CHUNK_PAUSE_SECONDS": "1",
        }
        self.processes: list[subprocess.Popen] = []
        self.logs = []

    def start(self) -> subprocess.Popen:
        path = Path(f"/tmp/celery-{self.queue}-{len(self.processes)}.log")  # noqa: S108
        log = path.open("w")
        process = subprocess.Popen(
            worker_argv(self.queue), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        self.logs.append(log)
        _wait_until_ready(process, self.queue, path)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for log in self.logs:
            log.close()


@pytest.fixture
def workers(maildir):
    require_postgresql()
    redis_url = require_redis()
    workers = Workers(redis_url, maildir)
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")
    }
    app.conf.update(
        task_always_eager=False,
        task_default_queue=workers.queue,
        broker_url=redis_url,
        result_backend=redis_url,
    )
    reset_broker_connections()
    try:
        yield workers
    finally:
        app.conf.update(saved)
        reset_broker_connections()
        workers.stop()


def test_a_worker_killed_mid_announcement_is_resumed_without_duplicate_or_gap(
    workers, maildir, manager, ipark_manager
):
    cycle, apps = cycle_under_review(manager.user, count=APPLICATIONS, quota=2)
    for application in apps:
        MembershipFactory(company=application.company)  # two people per company
    decisions_set(cycle=cycle, applications=apps[:2], decision=S.SELECTED, actor=manager.user)
    decisions_set(cycle=cycle, applications=apps[2:], decision=S.REJECTED, actor=manager.user)
    decisions_approve(cycle=cycle, actor=manager.user)
    decisions_approve(cycle=cycle, actor=ipark_manager.user)
    first = workers.start()

    cycle_announce(cycle=cycle, actor=manager.user)  # returns at once; the worker runs it
    run = AnnouncementRun.objects.get(cycle=cycle)
    _wait_until(lambda: AnnouncementRun.objects.get(pk=run.pk).done >= 2)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    run.refresh_from_db()
    assert run.status == AnnouncementRunStatus.RUNNING
    assert 2 <= run.done < APPLICATIONS  # killed in the middle

    workers.start()  # a new worker resumes the unfinished run when it starts
    _wait_until(lambda: AnnouncementRun.objects.get(pk=run.pk).status == AnnouncementRunStatus.DONE)
    results = Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED)
    _wait_until(lambda: results.filter(state=DeliveryState.SENT).count() >= 2 * APPLICATIONS)

    run.refresh_from_db()
    assert (run.done, run.total, run.notifications) == (APPLICATIONS, APPLICATIONS, 12)
    assert results.count() == 2 * APPLICATIONS
    assert results.values("recipient", "target_id").distinct().count() == 2 * APPLICATIONS
    assert set(results.values_list("target_id", flat=True)) == {a.pk for a in apps}
    mails = [m for m in read_mail_dir(maildir) if "results are announced" in subject(m)]
    assert sorted(subject(m) for m in mails) == sorted(
        f"[MOU Portal] {a.reference}: the results are announced — "
        + ("Selected" if a in apps[:2] else "Not selected")
        for a in apps
        for _person in range(2)
    )
