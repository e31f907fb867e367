"""Browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Use the ``page`` fixture (a fresh browser context per test) and ``live_server.url``.
Every browser test is marked ``browser``; without Chromium they skip with the reason,
except under CI, where they fail.
"""

import os

import pytest
from django.db import connections

from tests.support.services import CHROMIUM_ARGS, require_chromium


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The live server needs committed data, so each test flushes the tables after
            # itself; serialized rollback restores what the migrations created (the three
            # programs) before the next one.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


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
        # What the test database was created with, for serialized rollback, as seen from
        # outside Playwright's event loop (see below).
        serialized = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
        with sync_playwright() as playwright:
            # Django's connections are context-local: once Playwright's loop runs in this
            # thread the ORM gets fresh connection objects, which lack the serialized
            # contents when the database was set up by an earlier, non-browser test; serialized
            # rollback would then restore nothing (the programs of the data migration).
            for alias, contents in serialized.items():
                connections[alias]._test_serialized_contents = contents
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
