"""The reviewer's journey and the manager's screening and assignment, in a real browser."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from applications.models import Application
from programs.enums import CyclePhase, Organisation
from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
from reviews.models import Assignment, PledgeAcceptance, Review
from reviews.services import review_save, review_submit
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    submitted_application,
)
from tests.factories.accounts import PASSWORD
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    set_phase,
    under_review,
)

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()  # logged in


def test_reviewer_pledges_scores_saves_a_draft_submits_and_then_sees_the_others(page, live_server):
    cycle = review_cycle()
    application = under_review(cycle, name_en="Hanbit Cell Therapeutics")
    reviewer = ReviewerFactory(
        organisation=Organisation.MSS,
        user=UserFactory(email="lee@mss.example", display_name="Lee Seo-yeon"),
    )
    colleague = ReviewerFactory(
        organisation=Organisation.IPARK,
        user=UserFactory(email="tanaka@ipark.example", display_name="Tanaka Kenji"),
    )
    mine = assigned(application, reviewer, pledged=False)
    theirs = assigned(application, colleague)
    innovation, team = cycle.criteria.order_by("order")
    review_save(
        assignment=theirs,
        actor=colleague.user,
        scores={innovation.pk: 4, team.pk: 3},
        comment_to_applicant="The iPark plan lacks a partner.",
        internal_comment="Tanaka's private doubts",
        recommendation=Recommendation.DO_NOT_SUPPORT,
    )
    review_submit(assignment=theirs, actor=colleague.user)

    log_in(page, live_server, reviewer.user)
    page.click("#nav-reviews")
    expect(page.locator(".progress-label")).to_have_text("0 of 1 done")
    expect(page.locator(".assignment-row")).to_contain_text("Shown once you accept the pledge")
    expect(page.locator("body")).not_to_contain_text("Hanbit")

    # The pledge, then the application opens.
    page.click("text=Read and accept the pledge")
    expect(page.locator("#pledge")).to_contain_text("No contact with applicants")
    page.click("#pledge-form button[type=submit]")
    expect(page.locator("#div_id_accept")).to_contain_text("Tick the box")
    page.check("input[name=accept]")
    page.click("#pledge-form button[type=submit]")
    expect(page.locator(".assignment-row")).to_contain_text(application.title)
    assert PledgeAcceptance.objects.filter(reviewer=reviewer, cycle=cycle).exists()
    page.click(".assignment-row >> text=Open")
    expect(page).to_have_url(re.compile(rf"/reviews/assignments/{mine.pk}/$"))
    expect(page.locator("#company-name")).to_have_text("Hanbit Cell Therapeutics")
    expect(page.locator("#documents")).to_contain_text("business_plan.pdf")
    expect(page.locator("body")).to_contain_text(
        "The other reviewers' scores are shown once you submit your own."
    )
    expect(page.locator("body")).not_to_contain_text("The iPark plan lacks a partner.")

    # Score, save a draft (autosave and the button), reload: it is all there.
    page.fill(f"input[name=score_{innovation.pk}]", "8")
    page.fill("textarea[name=comment_to_applicant]", "Strong data; find a CRO early.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    page.fill(f"input[name=score_{team.pk}]", "11")
    expect(page.locator("#autosave-status")).to_contain_text("Not saved, please correct")
    page.fill(f"input[name=score_{team.pk}]", "7")
    page.fill("textarea[name=internal_comment]", "Lee's internal note")
    page.select_option("select[name=recommendation]", Recommendation.SUPPORT)
    page.click("button[value=save]")
    expect(page.locator(".alert-success")).to_contain_text("Draft saved.")
    page.reload()
    expect(page.locator(f"input[name=score_{innovation.pk}]")).to_have_value("8")
    expect(page.locator(f"input[name=score_{team.pk}]")).to_have_value("7")
    expect(page.locator("textarea[name=comment_to_applicant]")).to_have_value(
        "Strong data; find a CRO early."
    )
    expect(page.locator("select[name=recommendation]")).to_have_value(Recommendation.SUPPORT)
    review = Review.objects.get(assignment=mine)
    assert review.status == ReviewStatus.DRAFT

    # Submit: locked, and the other reviewer's review appears.
    page.click("button[value=submit]")
    expect(page.locator("#locked-badge")).to_be_visible()
    expect(page.locator("#review-form")).to_have_count(0)
    expect(page.locator("#review-state")).to_contain_text("Submitted")
    others = page.locator("#other-reviews")
    expect(others).to_contain_text("Tanaka Kenji")
    expect(others).to_contain_text("The iPark plan lacks a partner.")
    expect(others).to_contain_text("Tanaka's private doubts")
    expect(others.locator(f".score[data-criterion='{innovation.pk}']")).to_have_text("4")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    assert dict(review.scores.values_list("criterion_id", "score")) == {
        innovation.pk: 8,
        team.pk: 7,
    }

    # The dashboard counts it done.
    page.click("text=My reviews >> nth=0")
    expect(page.locator(".progress-label")).to_have_text("1 of 1 done")


def test_manager_screens_proposes_adjusts_and_confirms(page, live_server):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    applications = [submitted_application(cycle=cycle) for _ in range(3)]
    set_phase(cycle, CyclePhase.CLOSED)
    manager = ProgramManagerFactory(programs=[cycle.program])
    mss = [ReviewerFactory(organisation=Organisation.MSS) for _ in range(2)]
    ipark = [ReviewerFactory(organisation=Organisation.IPARK) for _ in range(2)]
    spare = ReviewerFactory(organisation=Organisation.IPARK, user=UserFactory(display_name="Spare"))

    log_in(page, live_server, manager.user)
    page.goto(live_server.url + reverse("reviews:manage_cycle", args=[cycle.pk]))
    page.click("#phase-button")  # closed → review, through its confirmation page
    page.click("#confirm")
    expect(page.locator("#cycle-phase")).to_have_text("Under review")

    # Screening: one ineligible with a reason, the others eligible in bulk.
    page.click("#screening-link")
    expect(page.locator(".screening-row")).to_have_count(3)
    out = applications[0]
    page.locator(f".screening-row[data-application='{out.pk}'] >> text=Ineligible…").click()
    page.click("#ineligible-form button[type=submit]")
    expect(page.locator("#ineligible-form")).to_contain_text("This field is required")
    page.fill("textarea[name=reason]", "Not registered in Korea.")
    page.click("#ineligible-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("the company has been told why")
    expect(page.locator(".screening-row")).to_have_count(2)
    page.locator(".screening-row input[type=checkbox]").first.check()
    page.locator(".screening-row input[type=checkbox]").last.check()
    page.click("#bulk-eligible")
    expect(page.locator(".alert-success")).to_contain_text("2 applications marked eligible")
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses[out.pk] == ApplicationStatus.INELIGIBLE
    assert (
        statuses[applications[1].pk]
        == statuses[applications[2].pk]
        == (ApplicationStatus.UNDER_REVIEW)
    )

    # Assignment: propose, swap one reviewer by hand, confirm.
    page.goto(live_server.url + reverse("reviews:assignment", args=[cycle.pk]))
    page.click("#propose-button")
    expect(page.locator(".alert-success")).to_contain_text("4 assignments proposed")
    expect(page.locator("#incomplete-count")).to_have_text("0 / 2")
    row = page.locator(f"#row-{applications[1].pk}")
    ipark_item = row.locator(".assigned-reviewer", has_text="iPark")
    ipark_item.locator(".remove-reviewer").click()
    expect(page.locator("#incomplete-count")).to_have_text("1 / 2")
    row = page.locator(f"#row-{applications[1].pk}")
    expect(row).to_contain_text("No iPark")
    row.locator("select[name=reviewer]").select_option(str(spare.pk))
    row.locator(".add-reviewer button").click()
    expect(page.locator("#incomplete-count")).to_have_text("0 / 2")
    page.click("#confirm-button")
    expect(page.locator(".alert-success")).to_contain_text("4 assignments confirmed")
    active = Assignment.objects.filter(status=AssignmentStatus.ACTIVE)
    assert active.count() == 4
    assert active.filter(application=applications[1], reviewer=spare, is_manual=True).exists()
    assert {a.reviewer.organisation for a in active.filter(application=applications[2])} == {
        Organisation.MSS,
        Organisation.IPARK,
    }
    assert set(active.values_list("reviewer", flat=True)) <= {r.pk for r in [*mss, *ipark, spare]}


def test_review_typed_after_the_session_expired_comes_back_after_signing_in(page, live_server):
    cycle = review_cycle()
    application = under_review(cycle)
    reviewer = ReviewerFactory(organisation=Organisation.MSS)
    assignment = assigned(application, reviewer)
    innovation, _team = cycle.criteria.order_by("order")
    url = reverse("reviews:review", args=[assignment.pk])
    log_in(page, live_server, reviewer.user)
    page.goto(live_server.url + url)
    expect(page.locator("#review-form[data-state]")).to_have_count(1)
    page.fill(f"input[name=score_{innovation.pk}]", "9")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")

    page.context.clear_cookies(name="sessionid")
    page.fill("textarea[name=comment_to_applicant]", "Written while signed out.")
    expect(page.locator("#autosave-status .autosave-expired")).to_contain_text(
        "Your session expired"
    )
    page.on("dialog", lambda dialog: dialog.accept())  # leaving with unsaved text
    log_in(page, live_server, reviewer.user)
    page.goto(live_server.url + url)

    expect(page.locator("textarea[name=comment_to_applicant]")).to_have_value(
        "Written while signed out."
    )
    expect(page.locator("#review-form")).to_have_attribute("data-state", "saved")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    review = Review.objects.get(assignment=assignment)
    assert review.comment_to_applicant == "Written while signed out."
    assert review.scores.get(criterion=innovation).score == 9
