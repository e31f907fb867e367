"""A program manager sets up and opens a call in the portal, in Korean, without ever
visiting the Django admin; an applicant then applies to it."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from programs.enums import CyclePhase, Organisation, Track
from programs.models import Cycle
from tests.factories import (
    CriterionFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    cycle_for,
    program_for,
    submitted_application,
)
from tests.factories.accounts import PASSWORD


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_mss_manager_copies_a_call_edits_the_rubric_and_opens_it_in_korean(page, live_server):
    source = cycle_for(
        Track.STARTUP_SUPPORT,
        name_en="2027 Round 1",
        name_ko="2027년 1차",
        name_ja="2027年 第1回",
        code="2027R1",
        required_document_kinds=["business_plan"],
    )
    source.criteria.all().delete()
    CriterionFactory(cycle=source, name_en="Innovation", name_ko="혁신성", name_ja="革新性",
                     weight=Decimal(60), order=1)  # fmt: skip
    CriterionFactory(cycle=source, name_en="Team", name_ko="팀 역량", name_ja="チーム",
                     weight=Decimal(40), order=2)  # fmt: skip
    manager = ProgramManagerFactory(
        user=UserFactory(email="kim@mss.example", preferred_language="ko", is_staff=False),
        organisation=Organisation.MSS,
        programs=[program_for(Track.STARTUP_SUPPORT)],
    )
    ReviewerFactory(organisation=Organisation.MSS)
    ReviewerFactory(organisation=Organisation.IPARK)
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    now = timezone.now()

    _log_in(page, live_server, manager.user)
    page.goto(live_server.url + reverse("reviews:manage_cycles"))
    page.click("#copy-call")
    page.select_option("select[name=copy_from]", str(source.pk))
    page.fill("input[name=name_en]", "2027 Round 2")
    page.fill("input[name=name_ko]", "2027년 2차")
    page.fill("input[name=name_ja]", "2027年 第2回")
    page.fill("input[name=code]", "2027R2")
    page.fill("input[name=opens_at]", _local(now - timedelta(minutes=5)))
    page.fill("input[name=closes_at]", _local(now + timedelta(days=20)))
    page.fill("input[name=review_due_at]", _local(now + timedelta(days=40)))
    page.fill("input[name=announce_at]", _local(now + timedelta(days=50)))
    page.click("#create-call")

    # The set-up page, in Korean, with the copied rubric.
    expect(page.locator("h1")).to_have_text("2027년 2차")
    expect(page.locator("#cycle-phase")).to_have_text("준비 중")
    expect(page.locator("input[name='rubric-0-name_ko']")).to_have_value("혁신성")
    # Edit the rubric: reweight the first criterion, add a third in three languages.
    page.fill("input[name='rubric-0-weight']", "50")
    page.fill("input[name='rubric-2-name_en']", "Market")
    page.fill("input[name='rubric-2-name_ko']", "시장성")
    page.fill("input[name='rubric-2-name_ja']", "市場性")
    page.fill("input[name='rubric-2-weight']", "10")
    page.fill("input[name='rubric-2-max_score']", "10")
    page.fill("input[name='rubric-2-ORDER']", "3")
    page.click("#save-rubric")
    expect(page.locator(".alert-success")).to_contain_text("평가 기준을 저장했습니다.")

    # Open it through the confirmation page and its checklist.
    page.click("#phase-open")
    expect(page.locator("#checklist .check-failed")).to_have_count(0)
    expect(page.locator("#consequences")).to_contain_text("공모가 공개됩니다")
    page.click("#confirm")
    expect(page.locator("#cycle-phase")).to_have_text("모집 중")

    cycle = Cycle.objects.get(code="2027R2")
    assert cycle.phase == CyclePhase.OPEN
    assert [(c.name_ko, c.weight) for c in cycle.criteria.order_by("order")] == [
        ("혁신성", Decimal(50)),
        ("팀 역량", Decimal(40)),
        ("시장성", Decimal(10)),
    ]

    # An applicant finds the call with its new rubric and applies.
    applicant_page = page.context.browser.new_page()
    applicant_page.on("request", lambda request: visited.append(request.url))
    applicant_page.goto(live_server.url + cycle.get_absolute_url())
    expect(applicant_page.locator("main")).to_contain_text("Market")
    application = submitted_application(cycle=cycle)
    assert application.status == ApplicationStatus.SUBMITTED

    # The activity log shows what the manager did, for both organisations.
    page.click("#open-activity")
    expect(page.locator("#activity tbody tr")).to_have_count(3)  # created, rubric, opened
    applicant_page.close()

    assert not [url for url in visited if "/admin/" in url]
