"""The Content-Security-Policy holds on every main page: each persona opens its pages in
Chromium and not one CSP violation is reported (``securitypolicyviolation`` events and
console errors), with the policy header present on each."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.enums import CyclePhase, Organisation, Track
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    complete_application,
    draft_application,
    open_cycle,
    program_for,
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

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _visit_all(browser, live_server, paths, user=None):
    context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul")
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    try:
        if user is not None:
            page.goto(f"{live_server.url}{reverse('account_login')}")
            page.fill("input[name=login]", user.email)
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            expect(page.locator("#inbox-link")).to_be_visible()
        violations = {}
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert "default-src 'self'" in response.headers["content-security-policy"], path
            page.wait_for_load_state("networkidle")
            found = page.evaluate("window.__cspViolations") + console
            console.clear()
            if found:
                violations[path] = found
        return violations
    finally:
        context.close()


def test_public_pages_have_no_csp_violations(browser, live_server):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    paths = [
        "/",
        f"/programs/{cycle.program.slug}/",
        f"/programs/{cycle.program.slug}/{cycle.slug}/",
        "/technologies/",
        "/challenges/",
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        "/api/docs/",  # its own, wider policy; still no violation
    ]
    assert _visit_all(browser, live_server, paths) == {}


def test_applicant_pages_have_no_csp_violations(browser, live_server):
    applicant = UserFactory()
    application = complete_application(draft_application(user=applicant))
    edit = "applications:edit"
    paths = [
        reverse("applications:dashboard"),
        reverse(edit, kwargs={"pk": application.pk, "step": "project"}),
        reverse(edit, kwargs={"pk": application.pk, "step": "track"}),
        reverse(edit, kwargs={"pk": application.pk, "step": "documents"}),
        reverse(edit, kwargs={"pk": application.pk, "step": "review"}),
        application.get_absolute_url(),
        reverse("notifications:inbox"),
        reverse("accounts:settings"),
    ]
    assert _visit_all(browser, live_server, paths, user=applicant) == {}


def test_reviewer_and_manager_pages_have_no_csp_violations(browser, live_server):
    cycle = review_cycle()
    set_phase(cycle, CyclePhase.OPEN)
    application = under_review(cycle)
    reviewer = ReviewerFactory(organisation=Organisation.MSS)
    assignment = assigned(application, reviewer)
    manager = ProgramManagerFactory(organisation=Organisation.MSS, programs=[cycle.program])

    reviewer_paths = [
        reverse("reviews:reviewer_dashboard"),
        reverse("reviews:review", kwargs={"pk": assignment.pk}),
    ]
    manager_paths = [
        reverse("reviews:manage_cycles"),
        reverse("reviews:manage_cycle", kwargs={"cycle_pk": cycle.pk}),
        reverse("reviews:screening", kwargs={"cycle_pk": cycle.pk}),
        reverse("reviews:assignment", kwargs={"cycle_pk": cycle.pk}),
        reverse("reviews:ranking", kwargs={"cycle_pk": cycle.pk}),
        reverse("reviews:dashboard", kwargs={"cycle_pk": cycle.pk}),
    ]
    assert _visit_all(browser, live_server, reviewer_paths, user=reviewer.user) == {}
    assert _visit_all(browser, live_server, manager_paths, user=manager.user) == {}
