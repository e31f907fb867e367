"""A real Celery worker in its own process, on the Redis broker, using the test database.

The worker runs docker-compose's own worker command on a queue of its own, so stale
messages from other runs cannot reach it, and tasks queued by the test process go to it.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import pools

from mou_portal.celery import app

from .compose import ROOT, service_command


def database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError("A worker process can share only a PostgreSQL test database.")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{host}:{port}/{connection.settings_dict['NAME']}"


def worker_argv(queue: str) -> list[str]:
    argv = service_command("worker")
    # Run the venv's celery, with the compose options, on the test queue, one process.
    assert argv[0] == "celery", argv
    return [
        str(Path(sys.executable).with_name("celery")),
        *argv[1:],
        "--queues",
        queue,
        "--pool",
        "solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        f"test-{queue}@%h",
    ]


@contextmanager
def running_worker(*, redis_url: str, extra_env: dict | None = None, log_path: Path | None = None):
    """Start a worker, point the test process's Celery app at its queue, stop it after."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "mou_portal.settings",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **(extra_env or {}),
    }
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        env["DATABASE_URL"] = database_url_for_worker()
    log_path = log_path or Path(f"/tmp/celery-{queue}.log")  # noqa: S108
    log = log_path.open("w")
    process = subprocess.Popen(
        worker_argv(queue), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "task_default_queue", "broker_url", "result_backend")
    }
    app.conf.update(
        task_always_eager=False,
        task_default_queue=queue,
        broker_url=redis_url,
        result_backend=redis_url,
    )
    reset_broker_connections()
    try:
        _wait_until_ready(process, queue, log_path)
        yield queue
    finally:
        app.conf.update(saved)
        reset_broker_connections()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def reset_broker_connections() -> None:
    """Forget the pooled broker connections, so the next publish uses ``broker_url`` as
    it is now (Celery caches its connection pools on first use and resets them this way
    after a fork)."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """Tasks are published (not run eagerly) to a broker nobody listens on, as when
    Redis is down: every publish fails with a connection error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    reset_broker_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        reset_broker_connections()


def _wait_until_ready(process: subprocess.Popen, queue: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited:\n{log_path.read_text()}")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"Celery worker did not start in 60 s:\n{log_path.read_text()}")
