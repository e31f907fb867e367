"""Keyboard only: an applicant applies and a reviewer scores with Tab, Shift+Tab, Enter,
Space and typing — no mouse, no `fill`, no `click` — and whatever has the focus always
shows it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import Organisation, Track
from reviews.enums import Recommendation, ReviewStatus
from reviews.models import Review
from tests.factories import CompanyFactory, ReviewerFactory, UserFactory, cycle_for, pdf_bytes
from tests.factories.accounts import PASSWORD
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    under_review,
)

pytestmark = pytest.mark.usefixtures("private_media")

# Whether the focused element shows it: an outline, or a box-shadow ring, that is drawn.
FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return "body";
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== "none";
  return outline || ring ? "" : element.outerHTML.slice(0, 120);
}"""
MATCHES = "selector => !!document.activeElement && document.activeElement.matches(selector)"


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until ``selector`` has the focus; every element passed on
    the way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        hidden = page.evaluate(FOCUS_SHOWN)
        assert hidden in ("", "body"), f"focus not visible on {hidden}"
        if page.evaluate(MATCHES, selector):
            return
    raise AssertionError(f"{selector} cannot be reached with {key}")


def press_and_load(page, key: str = "Enter") -> None:
    """A key that leads to another page: wait until that page has loaded."""
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, selector: str, text: str, **kwargs) -> None:
    tab_to(page, selector, **kwargs)
    page.keyboard.type(text)


def log_in(page, live_server, user) -> None:
    page.goto(live_server.url + reverse("account_login"))
    type_into(page, "input[name=login]", user.email)
    type_into(page, "input[name=password]", PASSWORD)
    press_and_load(page)
    expect(page.locator("#inbox-link")).to_be_visible()


def test_applicant_applies_and_submits_with_the_keyboard_only(page, live_server):
    cycle = cycle_for(Track.OPEN_INNOVATION, required_document_kinds=["business_plan"])
    user = UserFactory(email="keyboard@example.com")
    CompanyFactory(owner=user, name_en="Hanbit Cell Therapeutics")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, user)

    page.goto(live_server.url + cycle.get_absolute_url())
    tab_to(page, "#apply-button")
    press_and_load(page)
    tab_to(page, "button[type=submit].btn-primary")  # "Start the application"
    press_and_load(page)

    # 1. Company: continue.
    expect(page.locator(".step-progress .nav-link.active")).to_have_attribute(
        "data-step", "company"
    )
    tab_to(page, "main .btn-primary")
    press_and_load(page)

    # 2. Project: type every answer, then "Save and continue" with Enter.
    expect(page.locator("#step-form[data-state]")).to_have_count(1)
    type_into(page, "input[name=title]", "Federated drop-out risk model")
    type_into(page, "textarea[name=summary]", "Flags at-risk trial participants early.")
    type_into(page, "textarea[name=team]", "Two data scientists and a clinician.")
    type_into(page, "input[name=budget_krw]", "120000000")
    type_into(page, "textarea[name=timeline]", "Six months.")
    # Back to the title with Shift+Tab to correct it.
    tab_to(page, "input[name=title]", backwards=True)
    page.keyboard.press("End")
    page.keyboard.type(" for oncology")
    tab_to(page, "button[value=continue]")
    press_and_load(page)

    # 3. The challenge (a choice card: a radio, chosen with Space) and the plans.
    expect(page.locator(".step-progress .nav-link.active")).to_have_attribute("data-step", "track")
    expect(page.locator("#step-form[data-state]")).to_have_count(1)
    tab_to(page, "input[name=challenge]")
    page.keyboard.press("Space")
    type_into(page, "textarea[name=proposed_solution]", "A federated model on site data.")
    type_into(page, "textarea[name=poc_plan]", "Six months on de-identified data.")
    tab_to(page, "button[value=continue]")
    press_and_load(page)

    # 4. Documents: the kind by typing, the file chooser opened with Space, upload with Enter.
    expect(page.locator("#upload-form")).to_be_visible()
    tab_to(page, "select[name=kind]")
    page.keyboard.type("Business plan")
    tab_to(page, "input[name=file]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    tab_to(page, "#upload-form button[type=submit]")
    press_and_load(page)
    expect(
        page.locator("#uploaded-documents .document-row[data-kind=business_plan]")
    ).to_be_visible()
    tab_to(page, "main .d-flex.justify-content-between.mt-4 .btn-primary")  # "Continue"
    press_and_load(page)

    # 5. Review: both consents with Space, submit with Enter.
    expect(page.locator("#ready")).to_be_visible()
    tab_to(page, "#id_consent_personal_data")
    page.keyboard.press("Space")
    tab_to(page, "#id_consent_overseas_transfer")
    page.keyboard.press("Space")
    tab_to(page, "#submit-button")
    press_and_load(page)

    expect(page.locator("#status")).to_contain_text("Submitted")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.title == "Federated drop-out risk model for oncology"
    assert application.challenge == cycle.challenges.get()
    assert application.poc_plan == "Six months on de-identified data."
    assert application.documents.get().kind == "business_plan"
    assert application.consents.count() == 2


def test_reviewer_scores_and_submits_with_the_keyboard_only(page, live_server):
    cycle = review_cycle()
    application = under_review(cycle)
    reviewer = ReviewerFactory(
        organisation=Organisation.MSS, user=UserFactory(email="lee@mss.example")
    )
    assignment = assigned(application, reviewer, pledged=False)
    innovation, team = cycle.criteria.order_by("order")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, reviewer.user)

    # The pledge first: the box with Space, the button with Enter.
    page.goto(live_server.url + reverse("reviews:reviewer_dashboard"))
    tab_to(page, f"a[href*='/reviews/cycles/{cycle.pk}/pledge/']")
    press_and_load(page)
    tab_to(page, "input[name=accept]")
    page.keyboard.press("Space")
    tab_to(page, "#pledge-form button[type=submit]")
    press_and_load(page)

    # The assignment, from the dashboard.
    tab_to(page, f".assignment-row a[href$='/reviews/assignments/{assignment.pk}/']")
    press_and_load(page)
    type_into(page, f"input[name=score_{innovation.pk}]", "8")
    type_into(page, f"input[name=score_{team.pk}]", "6")
    type_into(page, "textarea[name=comment_to_applicant]", "Strong data; find a CRO early.")
    type_into(page, "textarea[name=internal_comment]", "Solid team.")
    tab_to(page, "select[name=recommendation]")
    page.keyboard.type(str(Recommendation.SUPPORT.label))
    tab_to(page, "button[value=submit]")
    press_and_load(page)

    expect(page.locator("#locked-badge")).to_be_visible()
    # The submitted review's panel scrolls: the keyboard reaches it.
    tab_to(page, ".review-panel")
    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.recommendation == Recommendation.SUPPORT
    assert dict(review.scores.values_list("criterion_id", "score")) == {
        innovation.pk: 8,
        team.pk: 6,
    }
