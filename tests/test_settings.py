"""Production mode refuses to start without its variables and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "SECRET_KEY": "x7!kq2#p9@v5m8z1w4r6t0y3u" * 3,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mou_portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "portal.example.org",
}


def _manage(*args, env):
    dropped = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when PRODUCTION=true" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_malformed_boolean_fails_fast():
    result = _manage("check", env={"DEBUG": "maybe"})

    assert result.returncode != 0
    # Refused for that reason, naming the variable and the value (not some other failure).
    assert "ImproperlyConfigured: DEBUG must be true or false, not 'maybe'." in result.stderr


def test_production_language_cookie_is_secure_and_a_csp_is_set():
    code = (
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, "
        "'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )

    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "True True True [\"'self'\"]" in result.stdout.splitlines()


def test_production_response_carries_the_csp_and_a_secure_language_cookie(client, settings, db):
    settings.LANGUAGE_COOKIE_SECURE = True  # as production sets it (checked above)

    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})

    assert response.cookies["django_language"]["secure"] is True
    page = client.get("/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_proxy_settings_are_read_and_a_negative_count_fails_fast():
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.SUBMISSION_GRACE_SECONDS)",
        env={"TRUSTED_PROXY_COUNT": "1", "SUBMISSION_GRACE_SECONDS": "10"},
    )
    refused = _manage("check", env={"TRUSTED_PROXY_COUNT": "-1"})

    assert shown.stdout.split()[-3:] == ["1", "1", "10"], shown.stderr
    assert refused.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in refused.stderr
