"""Where the real services are, and what to do when one is missing.

A test that needs PostgreSQL, Redis or Chromium skips with the reason when the service is
absent, except under ``CI``: there a missing service fails the test, never a silent skip.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def missing(reason: str) -> None:
    """Skip the test, or fail it when CI promises every service is there."""
    if in_ci():
        pytest.fail(f"CI is set but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    return settings.REDIS_URL


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def require_redis() -> str:
    url = redis_url()
    if not url:
        missing("REDIS_URL is not set: this test needs a real Redis broker.")
    if not port_open(url, 6379):
        missing(f"Redis at {url} does not answer.")
    return url


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        missing("this test needs PostgreSQL (set DATABASE_URL=postgres://…).")


def require_chromium() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium).")
    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
