"""``make loadtest``: the deadline minute against the production processes.

Creates a fresh PostgreSQL database, prepares ``--applicants`` ready drafts (prepare.py),
starts gunicorn and a Celery worker with docker-compose's own command lines, runs locust
headless (all applicants arrive within ``--within`` seconds and each submits once), waits
for the receipts to be e-mailed, then checks: 0 failed requests, submit p95 ≤ 2 s, exactly
one submission per applicant with unique, gapless references, one receipt per member.
Exits non-zero when a check fails. Not part of ``make test``: it loads the whole machine.

Needs PostgreSQL (``LOADTEST_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/
mou_loadtest``, dropped and re-created) and Redis (``REDIS_URL``).
"""

import argparse
import csv
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def compose_command(service: str) -> list[str]:
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][service]
    argv = shlex.split(command["command"])
    if argv[:2] == ["sh", "-c"]:  # "migrate && gunicorn …": the gunicorn part
        argv = shlex.split(argv[2].split("&&")[-1])
    return [str(BIN / argv[0]), *argv[1:]]


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def p95_and_failures(stats_csv: Path) -> dict[str, tuple[int, int, float, float]]:
    """Request name → (requests, failures, median ms, p95 ms)."""
    rows = {}
    with stats_csv.open() as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = (
                int(row["Request Count"]),
                int(row["Failure Count"]),
                float(row["50%"] or 0),
                float(row["95%"] or 0),
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--within", type=int, default=60, help="seconds to start them all")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOADTEST_PORT", 8116)))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mou-loadtest-"))
    database = os.environ.get(
        "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mou_loadtest"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_URL": f"filemail:///{work}/mail",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "mou_portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    python = str(BIN / "python")
    recreate_database(database)
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    applicants = work / "applicants.json"
    # The call closes a little after the last applicant has started: the deadline minute.
    closes_in = 120 + args.within
    subprocess.run(
        [python, "-m", "loadtest.prepare", str(args.applicants), str(applicants), str(closes_in)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    web = compose_command("web")
    web[web.index("--bind") + 1] = f"127.0.0.1:{args.port}"
    web = [arg for arg in web if arg not in ("--access-logfile", "-")]
    worker = compose_command("worker")
    processes = [
        subprocess.Popen(web, cwd=ROOT, env=env, start_new_session=True),
        subprocess.Popen(worker, cwd=ROOT, env=env, start_new_session=True),
    ]
    host = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(1)
        started = time.time()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                host,
                "--users",
                str(args.applicants),
                "--spawn-rate",
                str(args.applicants / args.within),
                "--run-time",
                f"{args.within + 30}s",
                "--stop-timeout",
                "30",
                "--csv",
                str(work / "locust"),
                "--only-summary",
            ],
            cwd=ROOT,
            env={**env, "LOADTEST_APPLICANTS": str(applicants)},
            check=False,
        )
        elapsed = time.time() - started
        stats = p95_and_failures(work / "locust_stats.csv")
        check = subprocess.run(
            [python, "-m", "loadtest.verify", str(args.applicants)],
            cwd=ROOT,
            env=env,
            check=False,
        )
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)

    requests, failures, median, p95 = stats["submit"]
    print(f"\nlocust ran {elapsed:.0f} s; work files in {work}")
    print(
        f"submit: {requests} requests, {failures} failures, "
        f"median {median:.0f} ms, p95 {p95:.0f} ms"
    )
    print(f"all requests: failures {stats['Aggregated'][1]}")
    ok = (
        check.returncode == 0
        and requests == args.applicants
        and stats["Aggregated"][1] == 0
        and p95 <= 2000
    )
    print("LOAD TEST PASSED" if ok else "LOAD TEST FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
