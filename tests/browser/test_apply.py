"""The applicant journey in a real browser: sign up, verify, register the company, apply to
each program through every step, and nothing typed is ever lost."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import Track
from programs.models import Cycle
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_bytes,
)
from tests.factories.accounts import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _wait_for_mail(to: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if to in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail to {to}")


def sign_up_and_verify(page, live_server, email: str) -> None:
    """allauth's sign-up and e-mail verification, through stable field names only."""
    page.goto(live_server.url + reverse("account_signup"))
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", "Kim Min-ji")
    page.fill("input[name=password1]", "a-Long-passphrase-2027")
    page.fill("input[name=password2]", "a-Long-passphrase-2027")
    page.press("input[name=password2]", "Enter")
    # The "check your inbox" page: the sign-up request has finished (and committed).
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    message = _wait_for_mail(email)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    # allauth signs the key with the time it renders the form: match the path only.
    page.locator("form[action^='/accounts/confirm-email/'] [type=submit]").click()
    expect(page.locator("#main-nav")).to_contain_text("My applications")


def log_in(page, live_server, user, next_url: str = "/") -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}?next={next_url}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#main-nav")).to_contain_text("My applications")


def register_company(page, *, name: str, business_number: str) -> None:
    page.fill("input[name=name_ko]", "한빛셀 테라퓨틱스")
    page.fill("input[name=name_en]", name)
    page.fill("input[name=business_number]", business_number)
    page.fill("input[name=founded_on]", "2021-04-01")
    page.fill("input[name=employees]", "14")
    page.select_option("select[name=field]", "cell_therapy")
    page.fill("input[name=website]", "https://hanbit.example")
    page.fill("input[name=representative]", "Kim Min-ji")
    page.fill("input[name=address]", "123 Teheran-ro, Gangnam-gu, Seoul")
    page.fill("textarea[name=description]", "Allogeneic CAR-NK cell therapies for solid tumours.")
    page.get_by_role("button", name="Register the company").click()


def step_ready(page) -> None:
    """The step's form is set up for autosave (a person would not type faster than this,
    a test would)."""
    expect(page.locator("#step-form[data-state]")).to_have_count(1)


def wait_saved(page) -> None:
    """Every edit made so far is saved (not just an earlier one)."""
    expect(page.locator("#step-form")).to_have_attribute("data-state", "saved")
    expect(page.locator("#autosave-status .autosave-saved")).to_be_visible()


def fill_track_section(page, track: str) -> None:
    if track == Track.STARTUP_SUPPORT:
        page.select_option("select[name=biotech_field]", "cell_therapy")
        page.select_option("select[name=development_stage]", "preclinical")
        page.fill("textarea[name=ipark_needs]", "GMP cell processing suite and a CRO partner.")
        page.fill("textarea[name=clinical_plan]", "First-in-human study at two Kanagawa sites.")
        return ("clinical_plan", "First-in-human study at two Kanagawa sites.")
    if track == Track.JOINT_RND:
        page.locator("input[name=technology]").first.check()
        page.fill("textarea[name=collaboration_plan]", "Joint optimisation over 18 months.")
        return ("collaboration_plan", "Joint optimisation over 18 months.")
    page.locator("input[name=challenge]").first.check()
    page.fill("textarea[name=proposed_solution]", "A federated drop-out risk model.")
    page.fill("textarea[name=poc_plan]", "Six months on de-identified trial data.")
    return ("poc_plan", "Six months on de-identified trial data.")


PROGRAM_LINK = {
    Track.STARTUP_SUPPORT: "Advanced Biotech Startup Support",
    Track.JOINT_RND: "Korea–Japan Joint R&D",
    Track.OPEN_INNOVATION: "Japan–Korea Open Innovation",
}
PREFIX = {Track.STARTUP_SUPPORT: "SS", Track.JOINT_RND: "JR", Track.OPEN_INNOVATION: "OI"}


@pytest.mark.parametrize("track", list(Track))
def test_new_user_goes_from_home_page_to_a_submitted_application(page, live_server, track):
    cycle_for(
        track=track,
        name="2027 Round 1",
        code="2027R1",
        required_document_kinds=["business_plan", "pitch_deck"],
    )
    page.on("dialog", lambda dialog: dialog.accept())
    email = f"founder-{track}@example.com"

    sign_up_and_verify(page, live_server, email)

    # From the home page to the call, and "Apply".
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=PROGRAM_LINK[track]).first.click()
    page.get_by_role("link", name="2027 Round 1").click()
    page.locator("#apply-button").click()

    # No company yet: register it, then start the application for it.
    expect(page).to_have_url(re.compile(r"/companies/new/\?cycle="))
    register_company(page, name="Hanbit Cell Therapeutics", business_number="124-81-00998")
    page.get_by_role("button", name="Start the application").click()

    # 1. Company check.
    expect(page.locator(".step-progress .nav-link.active")).to_contain_text("Company")
    expect(page.locator(".company-profile")).to_contain_text("124-81-00998")
    page.get_by_role("link", name="Continue").click()

    # 2. Project.
    step_ready(page)
    page.fill("input[name=title]", "Off-the-shelf CAR-NK for solid tumours")
    page.fill("textarea[name=summary]", "NK cells engineered to home to solid tumours.")
    page.fill("textarea[name=team]", "Dr. Kim (CSO) and 12 scientists.")
    page.fill("input[name=budget_krw]", "300000000")
    page.fill("textarea[name=timeline]", "Preclinical package by Q4 2027.")
    page.get_by_role("button", name="Save and continue").click()

    # 3. The track's own section; autosave, then a reload finds the draft intact.
    expect(page.locator(".step-progress .nav-link.active")).to_have_attribute("data-step", "track")
    step_ready(page)
    field, text = fill_track_section(page, track)
    wait_saved(page)
    page.reload()
    expect(page.locator(f"textarea[name={field}]")).to_have_value(text)
    page.get_by_role("button", name="Save and continue").click()

    # 4. Documents: a renamed PNG is refused with a clear message; real PDFs are taken.
    page.select_option("select[name=kind]", "business_plan")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PNG}],
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload")).to_contain_text("This file is not a PDF")
    for kind in ("business_plan", "pitch_deck"):
        page.select_option("select[name=kind]", kind)
        page.set_input_files(
            "input[name=file]",
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.locator(f"#uploaded-documents .document-row[data-kind={kind}]")).to_be_visible()
    page.get_by_role("link", name="Continue").click()

    # 5. Review and submit, with both consents.
    expect(page.locator("#ready")).to_be_visible()
    page.check("#id_consent_personal_data")
    page.check("#id_consent_overseas_transfer")
    page.locator("#submit-button").click()

    expect(page.locator("#reference")).to_have_text(f"{PREFIX[track]}-2027R1-0001")
    expect(page.locator("#status")).to_contain_text("Submitted")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.documents.count() == 2
    assert application.consents.count() == 2

    # The receipt, in the inbox (and by e-mail: receipts are always e-mailed).
    reference = f"{PREFIX[track]}-2027R1-0001"
    page.locator("#inbox-link").click()
    expect(page.locator("main")).to_contain_text(f"Application received: {reference}")
    assert any(reference in message.subject for message in mail.outbox if email in message.to)

    page.get_by_role("link", name="My applications").first.click()
    row = page.locator(f".application-row[data-application='{application.pk}']")
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text(reference)


def test_submit_after_the_deadline_is_refused_and_the_draft_kept(page, live_server):
    user = UserFactory()
    application = complete_application(draft_application(user=user))
    log_in(page, live_server, user)
    page.goto(
        live_server.url
        + reverse("applications:edit", kwargs={"pk": application.pk, "step": "review"})
    )
    page.check("#id_consent_personal_data")
    page.check("#id_consent_overseas_transfer")

    # The deadline passes while the applicant reads the consent texts.
    Cycle.objects.filter(pk=application.cycle_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)  # longer ago than the grace
    )
    page.locator("#submit-button").click()

    expect(page.locator("#deadline-refusal")).to_contain_text("no longer accepts applications")
    expect(page.locator("#deadline-refusal")).to_contain_text("Your draft is kept as it is.")
    expect(page.locator("#id_consent_personal_data")).to_be_checked()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.reference is None
    assert application.title and application.documents.count() == 1


def test_expired_session_loses_nothing(page, live_server):
    user = UserFactory()
    application = draft_application(user=user)
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
    log_in(page, live_server, user, next_url=url)
    step_ready(page)
    page.fill("input[name=title]", "Saved before the session expired")
    wait_saved(page)

    page.context.clear_cookies(name="sessionid")
    page.fill("textarea[name=summary]", "Two hours of careful writing")

    expect(page.locator("#autosave-status .autosave-expired")).to_contain_text(
        "Your session expired"
    )
    expect(page.locator("textarea[name=summary]")).to_have_value("Two hours of careful writing")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")

    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("#restored-notice")).to_be_visible()
    step_ready(page)
    expect(page.locator("textarea[name=summary]")).to_have_value("Two hours of careful writing")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Saved.")
    application.refresh_from_db()
    assert application.summary == "Two hours of careful writing"
    assert application.title == "Saved before the session expired"


def test_login_in_another_tab_then_save_again_works(page, live_server):
    user = UserFactory()
    application = draft_application(user=user)
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
    log_in(page, live_server, user, next_url=url)
    step_ready(page)
    page.context.clear_cookies(name="sessionid")
    page.fill("textarea[name=team]", "Typed while logged out")
    expect(page.locator("#autosave-status .autosave-expired")).to_be_visible()

    other_tab = page.context.new_page()
    log_in(other_tab, live_server, user)
    other_tab.close()
    page.fill("textarea[name=team]", "Typed while logged out, saved after logging in")

    wait_saved(page)
    application.refresh_from_db()
    assert application.team == "Typed while logged out, saved after logging in"


def test_two_members_editing_at_once_are_told_and_nothing_is_silently_overwritten(
    browser, live_server
):
    owner = UserFactory(display_name="Kim")
    application = draft_application(user=owner)
    colleague = MembershipFactory(
        company=application.company, user=UserFactory(display_name="Lee")
    ).user
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
    pages = []
    for user in (owner, colleague):
        context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
        context.set_default_timeout(15_000)
        tab = context.new_page()
        tab.on("dialog", lambda dialog: dialog.accept())
        log_in(tab, live_server, user, next_url=url)
        step_ready(tab)
        pages.append(tab)
    kim, lee = pages

    kim.fill("textarea[name=summary]", "Kim's summary")
    wait_saved(kim)
    lee.fill("textarea[name=summary]", "Lee's summary")

    expect(lee.locator("#autosave-status .autosave-conflict")).to_contain_text(
        "Kim saved a different version"
    )
    application.refresh_from_db()
    assert application.summary == "Kim's summary"
    lee.get_by_role("button", name="Save", exact=True).click()
    expect(lee.locator("#conflict-notice")).to_contain_text("Kim's summary")
    expect(lee.locator("textarea[name=summary]")).to_have_value("Lee's summary")
    lee.get_by_role("button", name="Save my version").click()
    expect(lee.locator(".alert-success")).to_contain_text("Saved.")
    application.refresh_from_db()
    assert application.summary == "Lee's summary"
    for tab in pages:
        tab.context.close()


def test_typing_then_continuing_at_once_is_not_a_conflict(page, live_server):
    user = UserFactory()
    application = draft_application(user=user, track=Track.OPEN_INNOVATION)
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
    log_in(page, live_server, user, next_url=url)
    step_ready(page)
    page.on("dialog", lambda dialog: dialog.accept())

    held = []  # autosave requests held back, to submit while one is in flight
    for round_, moment in enumerate(("before the autosave", "during it", "after it")):
        if moment == "during it":
            page.route("**/autosave/**", lambda route: held.append(route))
        page.fill("input[name=title]", f"Quick title {round_}")
        if moment == "during it":
            expect(page.locator("#step-form")).to_have_attribute("data-state", "saving")
        elif moment == "after it":
            wait_saved(page)
        page.get_by_role("button", name="Save and continue").click()
        if moment == "during it":
            # The form waits for the save in flight (its version), then submits.
            expect(page.locator("#step-form")).to_have_attribute("data-state", "saving")
            assert len(held) == 1
            held.pop().continue_()
            page.unroute("**/autosave/**")
        expect(page.locator(".step-progress .nav-link.active")).to_have_attribute(
            "data-step", "track"
        )
        page.get_by_role("button", name="Back").click()
        expect(page.locator(".step-progress .nav-link.active")).to_have_attribute(
            "data-step", "project"
        )
        step_ready(page)

    application.refresh_from_db()
    assert application.title == "Quick title 2"


def test_the_first_autosave_creates_the_draft_and_the_page_continues_on_it(page, live_server):
    user = UserFactory()
    company = CompanyFactory(owner=user)
    cycle = cycle_for()
    log_in(page, live_server, user, next_url=reverse("applications:start", args=[cycle.pk]))
    page.get_by_role("button", name="Start the application").click()
    page.get_by_role("link", name="Continue").click()
    step_ready(page)
    assert not Application.objects.exists()

    page.fill("input[name=title]", "Typed first")
    wait_saved(page)
    application = Application.objects.get()
    page.fill("textarea[name=summary]", "Typed next")
    wait_saved(page)

    edit = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
    expect(page).to_have_url(live_server.url + edit)
    application.refresh_from_db()
    assert (application.company, application.title) == (company, "Typed first")
    assert application.summary == "Typed next"
    assert Application.objects.count() == 1
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".step-progress .nav-link.active")).to_have_attribute("data-step", "track")
    assert Application.objects.count() == 1
