"""Browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Use the ``page`` fixture (a fresh browser context per test) and ``live_server.url``.
Every browser test is marked ``browser``; without Chromium they skip with the reason,
except under CI, where they fail.
"""

import os
from importlib import import_module

import pytest

from tests.support.services import CHROMIUM_ARGS, require_chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole
    # session; the ORM calls tests make between browser steps are still synchronous and
    # safe, so Django's async guard is lifted while the browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _three_programs(transactional_db):
    """The live server needs committed data, so each browser test flushes the tables after
    itself, the data migration's three programs included: put them back first. (Django's
    serialized rollback does not help here: its copy hangs on the database connection of
    the context that created the test database, not the one Playwright's loop runs in.)"""
    from django.apps import apps

    create_programs = import_module("programs.migrations.0002_the_three_programs").create_programs
    create_programs(apps, None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
