"""Both organisations' managers run a call's selection to its announcement in the Korean
interface, through every guard: a selection out of rank order with its reason, an
application waitlisted without its MSS review approved with an override that the iPark
approver reads first, and an announcement before the published date confirmed — without
ever visiting the Django admin. (The set-up half of the journey — copy, rubric, opening,
applying — is ``test_call_setup.py``.)"""

from django.urls import reverse
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from notifications.enums import NotificationKind
from notifications.models import Notification
from programs.enums import CyclePhase, Organisation
from reviews.aggregates import rebuild_cycle
from reviews.enums import AnnouncementRunStatus, OverrideKind
from reviews.models import AnnouncementRun, SelectionOverride
from tests.factories import ProgramManagerFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.reviews.selection_helpers import cycle_under_review

S = ApplicationStatus
RANK_REASON = "발표 심사에서 사업화 가능성이 더 높게 평가되었습니다."
OVERRIDE_REASON = "MSS 심사위원이 병가 중이며 iPark 심사로 충분합니다."


def _log_in(context, live_server, user):
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()
    return page


def test_both_managers_run_the_selection_to_the_announcement_in_korean(browser, live_server):
    mss = ProgramManagerFactory(
        user=UserFactory(email="kim@mss.example", preferred_language="ko"),
        organisation=Organisation.MSS,
    )
    ipark = ProgramManagerFactory(
        user=UserFactory(email="sato@ipark.example", preferred_language="ko"),
        organisation=Organisation.IPARK,
    )
    cycle, (first, second, third) = cycle_under_review(
        mss.user, count=3, quota=1, announcement_passed=False
    )
    # The third application has only its iPark review: the MSS one is missing.
    third.assignments.filter(reviewer__organisation=Organisation.MSS).delete()
    rebuild_cycle(cycle.pk)  # rows deleted directly: the stored aggregates follow
    visited: list[str] = []
    contexts = []

    def page_for(user):
        context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = _log_in(context, live_server, user)
        page.on("request", lambda request: visited.append(request.url))
        return page

    kim = page_for(mss.user)
    expect(kim.locator("html")).to_have_attribute("lang", "ko")
    kim.goto(live_server.url + reverse("reviews:ranking", args=[cycle.pk]))

    # Selecting the second-ranked application asks for a reason, then records it.
    kim.click(f"#decide-{second.pk}")
    kim.click(f"button[value='{second.pk}:selected']")
    expect(kim.locator("#decision-errors")).to_contain_text(first.reference)
    expect(kim.locator("#id_reason")).to_have_class("form-control is-invalid")
    kim.fill("#id_reason", RANK_REASON)
    kim.click(f"#decide-{second.pk}")
    kim.click(f"button[value='{second.pk}:selected']")
    expect(kim.locator(".alert-success")).to_contain_text(second.reference)
    for application, decision in ((first, S.REJECTED), (third, S.WAITLISTED)):
        kim.click(f"#decide-{application.pk}")
        kim.click(f"button[value='{application.pk}:{decision}']")
        expect(kim.locator(".alert-success")).to_contain_text(application.reference)

    # Approving with the waitlisted application's MSS review missing needs a reason.
    kim.goto(live_server.url + reverse("reviews:decisions", args=[cycle.pk]))
    expect(kim.locator("#missing-reviews")).to_contain_text(third.reference)
    kim.click("#approve")
    expect(kim.locator(".alert-danger")).to_contain_text(third.reference)
    kim.fill("#approve-override-reason", OVERRIDE_REASON)
    kim.click("#approve")
    expect(kim.locator("#approval-mss")).to_contain_text(mss.user.display_name)

    # The iPark approver reads both reasons before approving.
    sato = page_for(ipark.user)
    sato.goto(live_server.url + reverse("reviews:decisions", args=[cycle.pk]))
    expect(sato.locator("#overrides")).to_contain_text(RANK_REASON)
    expect(sato.locator("#overrides")).to_contain_text(OVERRIDE_REASON)
    sato.click("#approve")
    expect(sato.locator("#approval-ipark")).to_contain_text(ipark.user.display_name)

    # Announcing before the published date needs the explicit confirmation.
    kim.goto(live_server.url + reverse("reviews:announce_confirm", args=[cycle.pk]))
    expect(kim.locator("#consequences")).to_be_visible()
    kim.click("#confirm")
    expect(kim.locator(".alert-danger")).to_be_visible()
    expect(kim.locator("#confirm-early")).to_be_visible()
    kim.check("#confirm-early")
    kim.click("#confirm")
    expect(kim.locator("#announced")).to_be_visible()
    expect(kim.locator("#announcement-progress")).to_contain_text("3")

    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.ANNOUNCED
    assert AnnouncementRun.objects.get(cycle=cycle).status == AnnouncementRunStatus.DONE
    assert sorted(SelectionOverride.objects.values_list("kind", flat=True)) == sorted(
        [OverrideKind.RANK_ORDER, OverrideKind.MISSING_REVIEWS]
    )
    assert Notification.objects.filter(kind=NotificationKind.RESULTS_ANNOUNCED).count() == 3
    for context in contexts:
        context.close()
    assert visited
    assert not [url for url in visited if "/admin/" in url]
