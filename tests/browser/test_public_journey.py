import re

from playwright.sync_api import expect

from programs.enums import Track
from tests.factories import open_cycle, program_for


def test_visitor_goes_from_home_to_an_open_cycle_and_switches_language(page, live_server):
    cycle = open_cycle(program=program_for(Track.JOINT_RND), name="2027 Round 1")

    page.goto(live_server.url + "/")
    expect(
        page.get_by_role("heading", name="Korea–Japan advanced biotech programs")
    ).to_be_visible()
    page.get_by_role("link", name="Korea–Japan Joint R&D").first.click()
    expect(page).to_have_url(re.compile(r"/programs/joint-rnd/$"))
    page.get_by_role("link", name="2027 Round 1").click()

    expect(page).to_have_url(re.compile(rf"/programs/joint-rnd/{cycle.slug}/$"))
    expect(page.locator("#apply-box")).to_contain_text("Open for applications")
    expect(page.locator(".criterion-row")).to_have_count(2)
    expect(page.locator("#rubric")).to_contain_text("60.0%")

    page.select_option("#language-select", "ko")

    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page).to_have_url(re.compile(rf"/programs/joint-rnd/{cycle.slug}/$"))
    expect(page.locator(".breadcrumb")).to_contain_text("한일 공동 R&D")

    page.select_option("#language-select", "ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator(".breadcrumb")).to_contain_text("日韓共同研究開発")
