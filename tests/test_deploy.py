"""docker-compose.yml cannot run here (no Docker engine), so its pieces are checked by
reading it and by running its own commands as local processes."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.compose import ROOT, compose, service_command


def test_compose_defines_the_production_stack_with_health_checks():
    services = compose()["services"]

    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["PRODUCTION"] == "true"
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_worker_stop_grace_period_outlasts_an_email_attempt():
    """SIGTERM lets a worker finish the e-mail it is sending; killed during it, the e-mail
    may go out twice (the at-least-once window, README "Notifications")."""
    from notifications.services import QUIT_TIMEOUT

    services = compose()["services"]
    grace = services["worker"]["stop_grace_period"]
    assert grace.endswith("s")
    timeout = int(services["worker"]["environment"]["EMAIL_TIMEOUT"].split(":-")[1].rstrip("}"))
    assert int(grace[:-1]) > 3 * timeout + QUIT_TIMEOUT


def test_compose_commands_point_at_this_project():
    assert service_command("worker")[:4] == ["celery", "-A", "mou_portal", "worker"]
    assert service_command("beat")[:4] == ["celery", "-A", "mou_portal", "beat"]
    web = " ".join(service_command("web"))
    assert "migrate --noinput" in web
    assert "gunicorn mou_portal.wsgi" in web


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_gunicorn_command_serves_the_health_check(tmp_path):
    """Run compose's web server command (gunicorn part) and ask it for /healthz."""
    web = " ".join(service_command("web"))
    gunicorn_part = web[web.index("gunicorn") :].split("&&")[0].split()
    port = _free_port()
    bind = gunicorn_part.index("--bind")
    del gunicorn_part[bind : bind + 2]  # the container's 0.0.0.0:8000 → a free local port
    argv = [str(Path(sys.executable).with_name("gunicorn")), *gunicorn_part[1:]]
    argv += ["--bind", f"127.0.0.1:{port}"]
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    body = resp.read()
                    break
            except OSError:
                time.sleep(0.2)
        assert body == b'{"status": "ok"}', (tmp_path / "gunicorn.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_dockerfile_installs_runtime_requirements_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "pip install" in dockerfile and "requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "USER" in dockerfile  # not root
