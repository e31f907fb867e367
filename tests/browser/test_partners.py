"""A sponsor's journey in the Japanese interface: accepts the call's confidentiality
agreement, reads the two proposals to its challenge whose companies consented, cannot open
a third that did not, marks interest; the manager sees it in the ranking. And the partner
pages are axe-clean in English, Korean and Japanese."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import NdaAcceptance, PartnerInterest
from tests.factories.accounts import PASSWORD
from tests.partners.world import build_world
from tests.support.reviewing import private_media  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("private_media")

BLOCKING = {"serious", "critical"}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()


def test_sponsor_accepts_the_agreement_reads_consented_proposals_and_marks_interest(
    page, browser, live_server, manager
):
    world = build_world(manager, accept_nda=False)
    log_in(page, live_server, world.sponsor_user)

    page.click("#nav-partner")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_contain_text("Example Pharma")
    page.click("text=読んで同意する")

    # The agreement first: refused without the tick, then recorded with its version.
    expect(page.locator("#nda")).to_contain_text("秘密保持契約")
    page.click("#nda-form button[type=submit]")
    expect(page.locator("#div_id_accept")).to_contain_text("チェックを入れてください")
    page.check("#id_accept")
    page.click("#nda-form button[type=submit]")
    expect(page.locator(".alert-success").first).to_contain_text("閲覧できるようになりました")
    assert NdaAcceptance.objects.get(user=world.sponsor_user).text_version == "2027-03"

    # Exactly the two consented proposals to its challenge.
    rows = page.locator("#proposals tbody tr")
    expect(rows).to_have_count(2)
    table = page.locator("#proposals")
    expect(table).to_contain_text(world.own.reference)
    expect(table).to_contain_text(world.own_second.reference)
    expect(table).not_to_contain_text(world.refusing.reference)

    page.click(f"text={world.own_second.reference}")
    expect(page.locator("h1")).to_contain_text("Second consented")
    page.go_back()
    page.click(f"text={world.own.reference}")
    expect(page.locator("h1")).to_contain_text("First consented proposal")
    expect(page.locator("#documents")).to_contain_text(".pdf")
    expect(page.locator("body")).not_to_contain_text("Innovation")  # no rubric, no score

    # The third, whose company refused the provision: not even by its URL.
    response = page.goto(live_server.url + reverse("partners:proposal", args=[world.refusing.pk]))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Refusing")

    # Interest, with a comment.
    page.goto(live_server.url + reverse("partners:proposal", args=[world.own.pk]))
    page.check("input[name=level][value=interested]")
    page.fill("textarea[name=comment]", "PoCを第3四半期に")
    page.click("#interest-form button[type=submit]")
    expect(page.locator(".alert-success").first).to_contain_text("関心を保存しました")
    assert PartnerInterest.objects.get().level == "interested"

    # The manager sees it in the ranking, in its own column.
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    manager_page = context.new_page()
    log_in(manager_page, live_server, manager.user)
    manager_page.goto(live_server.url + reverse("reviews:ranking", args=[world.cycle.pk]))
    cell = manager_page.locator(f"#row-{world.own.pk} .partner-interest")
    expect(cell).to_have_text("Example Pharma: Interested — PoCを第3四半期に")
    expect(manager_page.locator(f"#row-{world.refusing.pk} .partner-interest")).to_have_text("")
    context.close()


def test_partner_pages_are_free_of_serious_axe_violations(browser, live_server, manager):
    world = build_world(manager)
    edit_world_entry = world.sponsor.entries.first()
    pages = {
        world.sponsor_user: [
            reverse("partners:home"),
            reverse("partners:agreement", args=[world.cycle.pk]),
            reverse("partners:call", args=[world.cycle.pk]),
            reverse("partners:proposal", args=[world.own.pk]),
            reverse("partners:conflicts"),
            reverse("partners:entry_new"),
            reverse("partners:entry_edit", args=[edit_world_entry.pk]),
        ],
        manager.user: [
            reverse("partners:manage"),
            reverse("partners:manage_partner", args=[world.sponsor.pk]),
        ],
    }
    axe = Axe()
    found = []
    for user, urls in pages.items():
        context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul", bypass_csp=True)
        page = context.new_page()
        log_in(page, live_server, user)
        for language in ("en", "ko", "ja"):
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            for url in urls:
                response = page.goto(live_server.url + url)
                assert response.status == 200, url
                assert page.locator("html").get_attribute("lang") == language
                for violation in axe.run(page).response["violations"]:
                    if violation["impact"] in BLOCKING:
                        found.append(f"{url} [{language}]: {violation['id']}")
        context.close()
    assert found == []
