"""Browser harness: Playwright driving Debian's Chromium against pytest-django's live server.

Use the ``page`` fixture (a fresh browser context per test) and ``live_server.url``.
Every browser test is marked ``browser``; without Chromium they skip with the reason,
except under CI, where they fail.
"""

import os

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
    serialized = _serialized_contents()
    try:
        with sync_playwright() as playwright:
            # With Playwright's event loop running in this thread, Django's connection
            # handler hands out new connection objects, which lack the database contents
            # serialized at set-up; without them a transactional test could not restore
            # the data migrations' rows that an earlier one flushed.
            _restore_serialized_contents(serialized)
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _serialized_contents() -> dict[str, str]:
    from django.db import connections

    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }


def _restore_serialized_contents(serialized: dict[str, str]) -> None:
    from django.db import connections

    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
