"""A manager asks for the ranking as Excel from the ranking page's menu, with the keyboard:
the export page shows the progress (htmx polling, no inline script: not one CSP
violation), the download link when the file is ready, and is free of serious axe
violations in English, Korean and Japanese."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from reviews.enums import ExportKind, ExportStatus
from reviews.models import ExportFile
from reviews.services import export_build
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import ProgramManagerFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.reviews.selection_helpers import cycle_under_review
from tests.support.reviewing import private_media  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.usefixtures("private_media"), pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _manager_page(browser, live_server, manager):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", manager.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()
    return context, page


def test_manager_builds_and_downloads_the_ranking_as_excel(browser, live_server):
    manager = ProgramManagerFactory(user=UserFactory(email="exports@example.com"))
    cycle, _apps = cycle_under_review(manager.user, count=3, announcement_passed=False)
    context, page = _manager_page(browser, live_server, manager)
    try:
        page.goto(live_server.url + reverse("reviews:ranking", args=[cycle.pk]))
        page.locator("#exports-menu").focus()
        page.keyboard.press("Enter")
        excel = page.get_by_role("button", name="Excel (.xlsx), built in the background").first
        expect(excel).to_be_visible()
        excel.focus()
        page.keyboard.press("Enter")

        status = page.get_by_role("status")
        expect(status).to_contain_text("Ready: 3 rows.")
        link = page.locator("#export-download")
        link.focus()
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith("-ranking.xlsx")

        axe = Axe()
        problems = []
        for language in ("en", "ko", "ja"):
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page.reload()
            assert page.locator("html").get_attribute("lang") == language
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in {"serious", "critical"}:
                    problems.append(f"{language}: {violation['id']}")
        assert not problems
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()


def test_the_page_follows_the_progress_until_the_link_appears(browser, live_server):
    manager = ProgramManagerFactory(user=UserFactory(email="progress@example.com"))
    cycle, _apps = cycle_under_review(manager.user, count=2, announcement_passed=False)
    export = ExportFile.objects.create(
        cycle=cycle, kind=ExportKind.RANKING, status=ExportStatus.RUNNING, total=2
    )
    context, page = _manager_page(browser, live_server, manager)
    try:
        page.goto(
            live_server.url
            + reverse(
                "reviews:export_detail", kwargs={"cycle_pk": cycle.pk, "export_pk": export.pk}
            )
        )
        expect(page.get_by_role("status")).to_contain_text("0 of 2 rows written")
        expect(page.locator("#export-download")).to_have_count(0)

        ExportFile.objects.filter(pk=export.pk).update(status=ExportStatus.PENDING)
        export_build(export_id=export.pk)

        expect(page.get_by_role("status")).to_contain_text("Ready: 2 rows.", timeout=10_000)
        expect(page.locator("#export-download")).to_be_visible()
        assert page.evaluate("window.__cspViolations") == []
    finally:
        context.close()
