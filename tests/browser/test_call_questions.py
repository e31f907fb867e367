"""A call's own questions, end to end: a manager adds three in English (one shown only
after a "yes", one a PDF), an applicant answers them in the Japanese interface, the iPark
reviewer reads them beside the rubric, and the applications export has their columns."""

import csv
import io

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications import services as application_services
from applications.enums import ApplicationStatus, ConsentKind
from applications.models import Answer, Application
from programs.enums import CyclePhase, Organisation, Track
from programs.models import Question
from reviews.models import Assignment
from tests.factories import (
    CompanyFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_bytes,
    program_for,
)
from tests.factories.accounts import PASSWORD
from tests.support.reviewing import assigned, private_media, set_phase  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_media")


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    expect(page.locator("#inbox-link")).to_be_visible()


def _add_question(page, live_server, cycle, **fields) -> None:
    page.goto(live_server.url + reverse("programs:call_setup", args=[cycle.pk]))
    page.click("#add-question")
    page.select_option("select[name=kind]", fields.pop("kind"))
    for name, value in fields.items():
        if name in ("required",):
            page.check(f"input[name={name}]")
        elif name == "condition_question":
            page.select_option("select[name=condition_question]", label=value)
        elif name == "choices_text" or name.startswith("help_text"):
            page.fill(f"textarea[name={name}]", value)
        else:
            page.fill(f"input[name={name}]", value)
    page.click("#save-question")
    expect(page.locator(".alert-success")).to_contain_text("The question was added.")


def test_questions_from_the_manager_to_the_applicant_the_reviewer_and_the_export(
    browser, page, live_server
):
    cycle = cycle_for(Track.STARTUP_SUPPORT, required_document_kinds=["business_plan"])
    manager = ProgramManagerFactory(
        user=UserFactory(email="kim@mss.example", preferred_language="en", is_staff=False),
        organisation=Organisation.MSS,
        programs=[program_for(Track.STARTUP_SUPPORT)],
    )
    applicant = UserFactory(email="ceo@hanbit.example", preferred_language="ja")
    company = CompanyFactory(owner=applicant)
    application = draft_application(user=applicant, company=company, cycle=cycle)
    complete_application(application, user=applicant)

    # 1. The manager adds three questions in English (with their Japanese texts).
    _log_in(page, live_server, manager.user)
    _add_question(
        page,
        live_server,
        cycle,
        kind="yes_no",
        label_en="Does the company have a subsidiary in Japan?",
        label_ja="日本に子会社がありますか?",
        required=True,
    )
    _add_question(
        page,
        live_server,
        cycle,
        kind="short_text",
        label_en="City of the subsidiary",
        label_ja="子会社の所在地",
        condition_question="Does the company have a subsidiary in Japan?",
        condition_value="yes",
    )
    _add_question(
        page,
        live_server,
        cycle,
        kind="pdf",
        label_en="Data-sharing statement",
        label_ja="データ共有に関する声明",
        required=True,
    )
    expect(page.locator("#question-list .question-row")).to_have_count(3)
    expect(page.locator("#question-list")).to_contain_text(
        "Shown only when “Does the company have a subsidiary in Japan?” is answered “yes”."
    )

    # 2. The applicant answers them in Japanese; the city appears only after "yes".
    applicant_page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    _log_in(applicant_page, live_server, applicant)
    applicant_page.goto(
        live_server.url + reverse("applications:edit", args=[application.pk, "review"])
    )
    expect(applicant_page.locator(".step-progress [data-step=questions] .badge")).to_have_text("2")
    applicant_page.locator(".step-progress [data-step=questions]").click()
    form = applicant_page.locator("#step-form")
    expect(form).to_contain_text("日本に子会社がありますか?")
    city = Question.objects.get(label_en="City of the subsidiary")
    statement = Question.objects.get(label_en="Data-sharing statement")
    expect(applicant_page.locator(f"#question-{city.field_name}")).to_be_hidden()
    form.locator("input[value=yes]").check()
    expect(applicant_page.locator(f"#question-{city.field_name}")).to_be_visible()
    applicant_page.fill(f"input[name={city.field_name}]", "神戸")
    applicant_page.set_input_files(
        f"input[name={statement.field_name}]",
        files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}],
    )
    expect(form).to_have_attribute("data-state", "saved")
    form.locator("button[value=continue]").click()
    expect(applicant_page.locator(".step-progress .nav-link.active")).to_have_attribute(
        "data-step", "documents"
    )
    answers = {a.question.label_en: a for a in Answer.objects.select_related("question")}
    assert answers["City of the subsidiary"].value == "神戸"
    assert answers["Data-sharing statement"].original_name == "statement.pdf"
    applicant_page.goto(
        live_server.url + reverse("applications:edit", args=[application.pk, "review"])
    )
    expect(applicant_page.locator("#question-answers")).to_contain_text("神戸")
    expect(applicant_page.locator("#ready")).to_be_visible()
    applicant_page.context.close()
    submitted = application_services.application_submit(
        application=Application.objects.get(pk=application.pk),
        actor=applicant,
        consents=ConsentKind.values,
    )

    # 3. The iPark reviewer reads them beside the rubric.
    set_phase(cycle, CyclePhase.REVIEW)
    Application.objects.filter(pk=submitted.pk).update(status=ApplicationStatus.UNDER_REVIEW)
    ipark = ReviewerFactory(
        user=UserFactory(email="sato@ipark.example", preferred_language="en"),
        organisation=Organisation.IPARK,
    )
    assignment = assigned(submitted, ipark)
    reviewer_page = browser.new_context(locale="en-US", timezone_id="Asia/Tokyo").new_page()
    _log_in(reviewer_page, live_server, ipark.user)
    reviewer_page.goto(live_server.url + reverse("reviews:review", args=[assignment.pk]))
    answers_card = reviewer_page.locator("#question-answers")
    expect(answers_card).to_contain_text("Does the company have a subsidiary in Japan?")
    expect(answers_card).to_contain_text("神戸")
    expect(answers_card.locator("a.question-file")).to_have_text("statement.pdf")
    expect(reviewer_page.locator("#review-form")).to_be_visible()
    reviewer_page.context.close()
    assert Assignment.objects.get(pk=assignment.pk).status == "active"

    # 4. The export has the three columns.
    response = page.request.get(
        live_server.url
        + reverse(
            "reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": "applications", "fmt": "csv"}
        )
    )
    assert response.status == 200
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    # The questions' columns, then the partners' interest (the last column).
    assert rows[0][-4:] == [
        "Does the company have a subsidiary in Japan?",
        "City of the subsidiary",
        "Data-sharing statement",
        "Partner interest",
    ]
    assert rows[1][-4:-1] == ["Yes", "神戸", "statement.pdf"]
