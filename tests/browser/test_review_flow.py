"""The whole review and selection flow in a real browser: a manager screens and
auto-assigns, an MSS and an iPark reviewer each accept the pledge and score, the manager
ranks and decides, both organisations' managers approve, the results are announced, and
the applicant reads the result and the reviewers' feedback."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.enums import CyclePhase, Field, Organisation
from reviews.enums import AssignmentStatus, Recommendation
from reviews.models import Assignment
from tests.factories import (
    CompanyFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    submitted_application,
)
from tests.factories.accounts import PASSWORD
from tests.support.reviewing import (
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    set_phase,
)

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def open_as(browser, live_server):
    """``open_as(user)``: a browser page of its own, logged in as ``user``."""
    contexts = []

    def open_as(user):
        context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('account_login')}")
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        expect(page.locator("#inbox-link")).to_be_visible()  # logged in
        return page

    yield open_as
    for context in contexts:
        context.close()


def _score(page, live_server, assignment, scores, comment, internal):
    innovation, team = assignment.application.cycle.criteria.order_by("order")
    page.goto(live_server.url + reverse("reviews:review", args=[assignment.pk]))
    page.fill(f"input[name=score_{innovation.pk}]", str(scores[0]))
    page.fill(f"input[name=score_{team.pk}]", str(scores[1]))
    page.fill("textarea[name=comment_to_applicant]", comment)
    page.fill("textarea[name=internal_comment]", internal)
    page.select_option("select[name=recommendation]", Recommendation.SUPPORT)
    page.click("button[value=submit]")
    expect(page.locator("#locked-badge")).to_be_visible()


def test_a_cycle_runs_from_submissions_to_announced_results(page, live_server, open_as):
    # Two companies submitted to a call that has closed.
    cycle = review_cycle(selection_quota=1, reviews_per_application=2)
    set_phase(cycle, CyclePhase.OPEN)
    applicant = UserFactory(email="founder@hanbit.example", display_name="Kim Min-ji")
    winner = submitted_application(
        cycle=cycle,
        company=CompanyFactory(owner=applicant, name_en="Hanbit Cell Therapeutics"),
        user=applicant,
    )
    other = submitted_application(cycle=cycle)
    set_phase(cycle, CyclePhase.CLOSED)
    mss_manager = ProgramManagerFactory(
        organisation=Organisation.MSS, programs=[cycle.program], user__display_name="Park"
    )
    ipark_manager = ProgramManagerFactory(
        organisation=Organisation.IPARK, programs=[cycle.program], user__display_name="Sato"
    )
    lee = ReviewerFactory(
        organisation=Organisation.MSS,
        expertise=[Field.CELL_THERAPY],
        user=UserFactory(email="lee@mss.example", display_name="Lee Seo-yeon"),
    )
    tanaka = ReviewerFactory(
        organisation=Organisation.IPARK,
        expertise=[Field.CELL_THERAPY],
        user=UserFactory(email="tanaka@ipark.example", display_name="Tanaka Kenji"),
    )

    # The MSS manager opens the review, screens both in and auto-assigns.
    manager_page = open_as(mss_manager.user)
    manager_page.goto(live_server.url + reverse("reviews:manage_cycle", args=[cycle.pk]))
    manager_page.click("#phase-button")
    manager_page.click("#confirm")
    expect(manager_page.locator("#cycle-phase")).to_have_text("Under review")
    manager_page.click("#screening-link")
    expect(manager_page.locator(".screening-row")).to_have_count(2)
    for box in manager_page.locator(".screening-row input[type=checkbox]").all():
        box.check()
    manager_page.click("#bulk-eligible")
    expect(manager_page.locator(".alert-success")).to_contain_text("2 applications marked eligible")
    manager_page.goto(live_server.url + reverse("reviews:assignment", args=[cycle.pk]))
    manager_page.click("#propose-button")
    expect(manager_page.locator(".alert-success")).to_contain_text("4 assignments proposed")
    manager_page.click("#confirm-button")
    expect(manager_page.locator(".alert-success")).to_contain_text("4 assignments confirmed")
    assert Assignment.objects.filter(status=AssignmentStatus.ACTIVE).count() == 4

    # Each reviewer accepts the pledge, then scores both applications and submits.
    scores = {
        lee: {winner.pk: (9, 8), other.pk: (5, 4)},
        tanaka: {winner.pk: (8, 8), other.pk: (6, 5)},
    }
    comments = {lee: "Strong preclinical package.", tanaka: "A good fit with iPark's labs."}
    for reviewer in (lee, tanaka):
        reviewer_page = open_as(reviewer.user)
        reviewer_page.click("#nav-reviews")
        expect(reviewer_page.locator(".progress-label")).to_have_text("0 of 2 done")
        reviewer_page.click("text=Read and accept the pledge")
        reviewer_page.check("input[name=accept]")
        reviewer_page.click("#pledge-form button[type=submit]")
        for assignment in Assignment.objects.filter(reviewer=reviewer).select_related(
            "application__cycle"
        ):
            _score(
                reviewer_page,
                live_server,
                assignment,
                scores[reviewer][assignment.application_id],
                comments[reviewer] if assignment.application_id == winner.pk else "Keep going.",
                f"INTERNAL note of {reviewer.user.display_name}",
            )
        reviewer_page.goto(live_server.url + reverse("reviews:reviewer_dashboard"))
        expect(reviewer_page.locator(".progress-label")).to_have_text("2 of 2 done")

    # The manager ranks and decides: the winner first (MSS 86, iPark 80 → 83.00).
    manager_page.goto(live_server.url + reverse("reviews:ranking", args=[cycle.pk]))
    first = manager_page.locator("#ranking tbody tr").first
    expect(first).to_have_attribute("data-reference", winner.reference)
    expect(first).to_contain_text("83.00")
    expect(first).to_contain_text("2 of 2")
    manager_page.click(f"#decide-{winner.pk}")
    manager_page.click(f"button[value='{winner.pk}:selected']")
    expect(manager_page.locator(".alert-success")).to_contain_text("is now “Selected”")
    expect(manager_page.locator("#quota")).to_have_text(re.compile(r"Selected 1 of 1"))
    # A second selection would exceed the quota of one: refused, with the numbers.
    manager_page.click(f"#decide-{other.pk}")
    manager_page.click(f"button[value='{other.pk}:selected']")
    expect(manager_page.locator("#decision-errors")).to_contain_text(
        "The quota is 1 and 1 are already selected"
    )
    manager_page.click(f"#decide-{other.pk}")
    manager_page.click(f"button[value='{other.pk}:rejected']")
    expect(manager_page.locator(".alert-success")).to_contain_text("is now “Not selected”")

    # Both organisations approve; then the MSS manager announces.
    manager_page.click("#selection-tabs >> text=Decisions and announcement")
    manager_page.click("#approve")
    expect(manager_page.locator(".alert-success")).to_contain_text(
        "You approved the decisions for MSS"
    )
    expect(manager_page.locator("#announce")).to_be_disabled()
    ipark_page = open_as(ipark_manager.user)
    ipark_page.goto(live_server.url + reverse("reviews:decisions", args=[cycle.pk]))
    ipark_page.click("#approve")
    expect(ipark_page.locator("#approval-ipark")).to_contain_text("approved by Sato")
    manager_page.reload()
    manager_page.click("#announce")
    # The confirmation page says what announcing does and to whom.
    expect(manager_page.locator("#consequences")).to_contain_text("1 selected")
    # Before the published announcement date, announcing asks for an explicit "yes".
    manager_page.check("#confirm-early")
    manager_page.click("#confirm")
    expect(manager_page.locator("#announced")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED

    # The applicant reads the result and the reviewers' comments, and nothing internal.
    applicant_page = open_as(applicant)
    applicant_page.goto(live_server.url + reverse("applications:detail", args=[winner.pk]))
    expect(applicant_page.locator("#decision")).to_contain_text("Selected")
    feedback = applicant_page.locator("#reviewer-comments")
    expect(feedback).to_contain_text("Strong preclinical package.")
    expect(feedback).to_contain_text("A good fit with iPark's labs.")
    body = applicant_page.locator("body")
    for hidden in ("INTERNAL", "Lee Seo-yeon", "Tanaka Kenji"):
        expect(body).not_to_contain_text(hidden)
    applicant_page.click("#inbox-link")
    expect(applicant_page.locator("main")).to_contain_text(
        f"{winner.reference}: the results are announced — Selected"
    )
    statuses = dict(
        type(winner).objects.filter(pk__in=[winner.pk, other.pk]).values_list("pk", "status")
    )
    assert statuses == {winner.pk: ApplicationStatus.SELECTED, other.pk: ApplicationStatus.REJECTED}
    assert Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED).count() == 2
