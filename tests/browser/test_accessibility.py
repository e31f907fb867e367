"""axe-core on every page of every persona, in English, Korean and Japanese.

One live server, one browser, the demo data seeded once: each persona logs in once and
visits its pages in a loop, once per language. A page passes when axe reports no serious
and no critical violation; the failure lists every violation by rule and by page.

To cover a new page, add a line to ``PAGES`` below: ``Page(persona, label, url)`` where
``url`` takes the seeded ``Scene`` and returns the path.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from applications import services as application_services
from applications.enums import ApplicationStatus
from applications.models import Application, Company
from partners import selectors as partner_selectors
from partners import services as partner_services
from programs.enums import CyclePhase, Track
from programs.models import Challenge, Cycle, Program, Technology
from reviews.enums import AssignmentStatus
from reviews.models import Assignment, Reviewer
from tests.support.reviewing import private_media  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("private_media")

LANGUAGES = ["en", "ko", "ja"]
BLOCKING = {"serious", "critical"}

APPLICANT = "applicant@demo.mou-portal.example"
OTHER_APPLICANT = "ceo@nurigene.demo.mou-portal.example"
MSS_REVIEWER = "reviewer.mss@demo.mou-portal.example"
IPARK_REVIEWER = "reviewer.ipark@demo.mou-portal.example"
MANAGER = "manager.mss@demo.mou-portal.example"
SPONSOR = "sponsor@demo.mou-portal.example"
PASSWORDS = {
    SPONSOR: "demo-partner-2027",
    APPLICANT: "demo-applicant-2027",
    OTHER_APPLICANT: "demo-applicant-2027",
    MSS_REVIEWER: "demo-reviewer-2027",
    IPARK_REVIEWER: "demo-reviewer-2027",
    MANAGER: "demo-manager-2027",
}


@dataclass
class Scene:
    """What the pages are about, found once in the seeded demo data."""

    open_cycle: Cycle  # the open startup-support call
    pilot: Cycle  # the pilot call under review, with rankings and reviews
    draft: Application  # the demo applicant's draft
    submitted: Application  # another company's submitted application
    company: Company  # the demo applicant's company
    submitted_review: Assignment  # an iPark assignment whose review is submitted
    draft_review: Assignment  # an iPark assignment whose review is still a draft
    unpledged: Cycle  # a call the MSS reviewer has not yet pledged for
    partner_call: Cycle  # the open innovation call, whose agreement the sponsor accepted
    proposal: Application  # a proposal to the sponsor's challenge, screened and consented


@dataclass(frozen=True)
class Page:
    persona: str | None  # the user's e-mail, None for a visitor
    label: str
    url: Callable[[Scene], str]
    status: int = 200


def _cycle_url(cycle: Cycle) -> str:
    return reverse("programs:cycle", args=[cycle.program.slug, cycle.slug])


def _edit(step: str) -> Callable[[Scene], str]:
    return lambda s: reverse("applications:edit", args=[s.draft.pk, step])


def _manage(name: str) -> Callable[[Scene], str]:
    return lambda s: reverse(f"reviews:{name}", args=[s.pilot.pk])


def _new(step: str) -> Callable[[Scene], str]:
    """A step of the open innovation application the demo company has not started yet."""

    def url(scene: Scene) -> str:
        cycle = Cycle.objects.get(program__track=Track.OPEN_INNOVATION, phase=CyclePhase.OPEN)
        return reverse("applications:new", args=[cycle.pk, scene.company.pk, step])

    return url


PAGES: list[Page] = [
    # Visitors
    Page(None, "home", lambda s: reverse("programs:home")),
    *(
        Page(
            None,
            f"program {track}",
            lambda s, t=track: Program.objects.get(track=t).get_absolute_url(),
        )
        for track in Track
    ),
    Page(None, "call", lambda s: _cycle_url(s.open_cycle)),
    Page(
        None,
        "call (joint R&D)",
        lambda s: _cycle_url(Cycle.objects.get(program__track=Track.JOINT_RND, phase="open")),
    ),
    Page(None, "technology catalogue", lambda s: reverse("programs:technologies")),
    Page(
        None,
        "technology",
        lambda s: reverse("programs:technology", args=[Technology.objects.first().pk]),
    ),
    Page(None, "challenge board", lambda s: reverse("programs:challenges")),
    Page(
        None,
        "challenge",
        lambda s: reverse("programs:challenge", args=[Challenge.objects.first().pk]),
    ),
    Page(None, "sign up", lambda s: reverse("account_signup")),
    Page(None, "log in", lambda s: reverse("account_login")),
    Page(None, "password reset", lambda s: reverse("account_reset_password")),
    Page(None, "password reset sent", lambda s: reverse("account_reset_password_done")),
    Page(
        None,
        "password reset, bad link",
        lambda s: reverse("account_reset_password_from_key", args=["x", "bad-key"]),
    ),
    Page(None, "verification sent", lambda s: reverse("account_email_verification_sent")),
    Page(None, "404", lambda s: "/no-such-page/", status=404),
    # Applicant
    Page(APPLICANT, "dashboard", lambda s: reverse("applications:dashboard")),
    Page(APPLICANT, "company", lambda s: reverse("applications:company", args=[s.company.pk])),
    Page(
        APPLICANT,
        "company edit",
        lambda s: reverse("applications:company_edit", args=[s.company.pk]),
    ),
    Page(APPLICANT, "company new", lambda s: reverse("applications:company_create")),
    Page(
        APPLICANT,
        "start (choose company)",
        lambda s: reverse(
            "applications:start",
            args=[Cycle.objects.get(program__track=Track.JOINT_RND, phase=CyclePhase.OPEN).pk],
        ),
    ),
    *(
        Page(APPLICANT, f"wizard {step}", _edit(step))
        for step in ["company", "project", "track", "questions", "documents", "review"]
    ),
    *(
        Page(APPLICANT, f"new application {step} (before the first save)", _new(step))
        for step in ["company", "project", "track"]
    ),
    Page(APPLICANT, "draft detail", lambda s: reverse("applications:detail", args=[s.draft.pk])),
    Page(APPLICANT, "draft delete", lambda s: reverse("applications:delete", args=[s.draft.pk])),
    Page(APPLICANT, "inbox", lambda s: reverse("notifications:inbox")),
    Page(APPLICANT, "settings", lambda s: reverse("accounts:settings")),
    Page(APPLICANT, "e-mail addresses", lambda s: reverse("account_email")),
    Page(APPLICANT, "change password", lambda s: reverse("account_change_password")),
    Page(
        APPLICANT,
        "manager hub (not a manager)",
        lambda s: reverse("reviews:manage_cycles"),
        status=404,
    ),
    Page(
        OTHER_APPLICANT,
        "submitted application",
        lambda s: reverse("applications:detail", args=[s.submitted.pk]),
    ),
    Page(
        OTHER_APPLICANT,
        "withdraw",
        lambda s: reverse("applications:withdraw", args=[s.submitted.pk]),
    ),
    # Reviewers
    Page(MSS_REVIEWER, "reviewer dashboard", lambda s: reverse("reviews:reviewer_dashboard")),
    Page(
        MSS_REVIEWER,
        "reviewer dashboard (filtered)",
        lambda s: reverse("reviews:reviewer_dashboard") + "?state=not_started&q=SS",
    ),
    Page(MSS_REVIEWER, "reviewer profile", lambda s: reverse("reviews:reviewer_profile")),
    Page(MSS_REVIEWER, "pledge", lambda s: reverse("reviews:pledge", args=[s.unpledged.pk])),
    Page(
        IPARK_REVIEWER,
        "review (draft)",
        lambda s: reverse("reviews:review", args=[s.draft_review.pk]),
    ),
    Page(
        IPARK_REVIEWER,
        "review (submitted)",
        lambda s: reverse("reviews:review", args=[s.submitted_review.pk]),
    ),
    Page(
        IPARK_REVIEWER,
        "reviewed application",
        lambda s: reverse("reviews:reviewer_application", args=[s.submitted_review.application_id]),
    ),
    Page(IPARK_REVIEWER, "decline", lambda s: reverse("reviews:decline", args=[s.draft_review.pk])),
    Page(IPARK_REVIEWER, "inbox", lambda s: reverse("notifications:inbox")),
    # Managers
    Page(MANAGER, "cycles", lambda s: reverse("reviews:manage_cycles")),
    Page(MANAGER, "cycle", _manage("manage_cycle")),
    Page(MANAGER, "screening", _manage("screening")),
    Page(MANAGER, "assignment", _manage("assignment")),
    Page(MANAGER, "ranking", _manage("ranking")),
    Page(MANAGER, "decisions", _manage("decisions")),
    Page(
        MANAGER,
        "decisions (filtered, second page)",
        lambda s: reverse("reviews:decisions", args=[s.pilot.pk]) + "?q=SS&page_under_review=2",
    ),
    Page(
        MANAGER,
        "decision for every matching application (confirmation)",
        lambda s: (
            reverse("reviews:decisions_bulk", args=[s.pilot.pk])
            + "?decision=waitlisted&status=under_review"
        ),
    ),
    Page(MANAGER, "announce (confirmation)", _manage("announce_confirm")),
    Page(MANAGER, "dashboard", _manage("dashboard")),
    Page(
        MANAGER,
        "application",
        lambda s: reverse("reviews:manage_application", args=[s.submitted_review.application_id]),
    ),
    Page(
        MANAGER,
        "screen (ineligible form)",
        lambda s: reverse(
            "reviews:screen_application", args=[s.pilot.pk, s.submitted_review.application_id]
        ),
    ),
    Page(
        MANAGER,
        "403 (edit a submitted application)",
        lambda s: reverse("applications:edit", args=[s.submitted_review.application_id, "project"]),
        status=403,
    ),
    Page(MANAGER, "catalogue texts", lambda s: reverse("programs:catalogue_manage")),
    Page(
        MANAGER,
        "catalogue texts (challenges)",
        lambda s: reverse("programs:catalogue_manage") + "?kind=challenge",
    ),
    Page(
        MANAGER,
        "catalogue texts of a technology",
        lambda s: reverse(
            "programs:catalogue_edit", args=["technology", Technology.objects.first().pk]
        ),
    ),
    Page(MANAGER, "inbox", lambda s: reverse("notifications:inbox")),
    Page(MANAGER, "settings", lambda s: reverse("accounts:settings")),
    # The call's own questions (the demo's open startup-support call asks two).
    Page(MANAGER, "call set-up", lambda s: reverse("programs:call_setup", args=[s.open_cycle.pk])),
    Page(
        MANAGER, "question new", lambda s: reverse("programs:question_new", args=[s.open_cycle.pk])
    ),
    Page(
        MANAGER,
        "question edit",
        lambda s: reverse(
            "programs:question_edit", args=[s.open_cycle.pk, s.open_cycle.questions.last().pk]
        ),
    ),
    Page(MANAGER, "partners", lambda s: reverse("partners:manage")),
    # Partner (issue 16)
    Page(SPONSOR, "partner home", lambda s: reverse("partners:home")),
    Page(
        SPONSOR,
        "partner agreement",
        lambda s: reverse("partners:agreement", args=[s.partner_call.pk]),
    ),
    Page(
        SPONSOR, "partner proposals", lambda s: reverse("partners:call", args=[s.partner_call.pk])
    ),
    Page(SPONSOR, "partner proposal", lambda s: reverse("partners:proposal", args=[s.proposal.pk])),
    Page(SPONSOR, "partner conflicts", lambda s: reverse("partners:conflicts")),
    Page(SPONSOR, "partner new entry", lambda s: reverse("partners:entry_new")),
]


def _scene() -> Scene:
    call_command("seed_demo", "--quiet-logins")
    applicant = User.objects.get(email=APPLICANT)
    company = Company.objects.get(memberships__user=applicant)
    open_cycle = Cycle.objects.get(program__track=Track.STARTUP_SUPPORT, phase=CyclePhase.OPEN)
    draft, _ = application_services.application_start(
        company=company, cycle=open_cycle, actor=applicant
    )
    pilot = Cycle.objects.get(program__track=Track.STARTUP_SUPPORT, phase=CyclePhase.REVIEW)
    ipark = Reviewer.objects.get(user__email=IPARK_REVIEWER)
    assignments = Assignment.objects.filter(
        reviewer=ipark, application__cycle=pilot, status=AssignmentStatus.ACTIVE
    )
    mss = Reviewer.objects.get(user__email=MSS_REVIEWER)
    sponsor = User.objects.get(email=SPONSOR)
    partner = partner_selectors.partner_of(sponsor)
    partner_call = partner_selectors.calls_of_partner(partner).first()
    proposal = Application.objects.filter(
        cycle=partner_call, challenge__partner_entry__partner=partner
    ).first()
    application_services.application_screen(
        application=proposal, actor=User.objects.get(email=MANAGER), eligible=True
    )
    partner_services.nda_accept(actor=sponsor, partner=partner, cycle=partner_call)
    return Scene(
        partner_call=partner_call,
        proposal=proposal,
        open_cycle=open_cycle,
        pilot=pilot,
        draft=draft,
        submitted=Application.objects.filter(
            company__memberships__user__email=OTHER_APPLICANT,
            status=ApplicationStatus.SUBMITTED,
        ).first(),
        company=company,
        submitted_review=assignments.filter(review__submitted_at__isnull=False).first(),
        draft_review=assignments.filter(review__submitted_at__isnull=True).first(),
        unpledged=Cycle.objects.filter(applications__assignments__reviewer=mss)
        .exclude(pledges__reviewer=mss)
        .first(),
    )


def _log_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORDS[email])
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()


# An accessible name in plain English words ("breadcrumb", "Close", "Main navigation"):
# names of organisations ("iPark", "MSS") and references are not words of this shape.
ENGLISH_WORDS = re.compile(r"^[A-Z]?[a-z]{3,}( [a-z]{2,})*$")


def _english_labels(page) -> list[str]:
    labels = page.eval_on_selector_all(
        "[aria-label]", "nodes => nodes.map(node => node.getAttribute('aria-label'))"
    )
    return sorted({label for label in labels if ENGLISH_WORDS.match(label.strip())})


def _describe(violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
    more = len(violation["nodes"]) - len(targets)
    return f"{', '.join(targets)}{f' (+{more})' if more > 0 else ''}"


def test_every_page_of_every_persona_is_free_of_serious_axe_violations(browser, live_server):
    scene = _scene()
    axe = Axe()
    found: dict[str, list[str]] = defaultdict(list)  # "rule (impact)" -> ["page [lang]: nodes"]
    visited = 0
    by_persona: dict[str | None, list[Page]] = defaultdict(list)
    for page_spec in PAGES:
        by_persona[page_spec.persona].append(page_spec)
    for persona, pages in by_persona.items():
        context = browser.new_context(locale="en-US", timezone_id="Asia/Seoul", bypass_csp=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        if persona:
            _log_in(page, live_server.url, persona)
        for language in LANGUAGES:
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            for spec in pages:
                response = page.goto(live_server.url + spec.url(scene))
                where = f"{persona or 'visitor'} / {spec.label} [{language}]"
                if response.status != spec.status:
                    found["unexpected status"].append(f"{where}: {response.status}")
                lang = page.locator("html").get_attribute("lang")
                if lang != language:
                    found["page not in the chosen language"].append(f"{where}: lang={lang}")
                if language != "en":
                    for label in _english_labels(page):
                        found["label left in English"].append(f"{where}: {label!r}")
                results = axe.run(page)
                visited += 1
                for violation in results.response["violations"]:
                    if violation["impact"] in BLOCKING:
                        found[f"{violation['id']} ({violation['impact']})"].append(
                            f"{where}: {_describe(violation)}"
                        )
        context.close()

    report = "\n".join(
        f"{rule}: {len(pages)} page(s)\n    " + "\n    ".join(pages)
        for rule, pages in sorted(found.items())
    )
    assert visited == len(PAGES) * len(LANGUAGES)
    assert not found, f"axe found serious or critical violations:\n{report}"
