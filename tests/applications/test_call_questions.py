"""Answering a call's own questions (the wizard step, autosave, stale edits, required on
submit, PDF answers) and reading them (who sees which answer), exports and the API."""

import pytest
from django.urls import reverse

from applications import selectors, services
from applications.enums import ConsentKind
from applications.models import Answer
from programs import services as program_services
from programs.questions import QuestionKind as K
from tests.factories import (
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

CITIES = [
    {"key": "seoul", "label": {"en": "Seoul", "ko": "서울", "ja": "ソウル"}},
    {"key": "kobe", "label": {"en": "Kobe", "ko": "고베", "ja": "神戸"}},
]


def _question(cycle, manager, label, kind, **more):
    values = {"kind": kind, "label_en": label, **more}
    return program_services.question_save(cycle=cycle, actor=manager.user, values=values).question


@pytest.fixture
def call(manager):
    """An open call asking: a required yes/no; a required city shown only after "yes";
    an optional office-only number; a required PDF."""
    cycle = cycle_for()
    subsidiary = _question(cycle, manager, "Japanese subsidiary?", K.YES_NO, required=True)
    city = _question(
        cycle,
        manager,
        "Which cities?",
        K.MULTIPLE_CHOICE,
        required=True,
        choices=CITIES,
        condition_question=subsidiary.pk,
        condition_value="yes",
    )
    staff = _question(
        cycle, manager, "Staff in Japan", K.NUMBER, visible_to_reviewers=False, min_number=0
    )
    statement = _question(cycle, manager, "Data-sharing statement", K.PDF, required=True)
    return {"cycle": cycle, "yes_no": subsidiary, "city": city, "staff": staff, "pdf": statement}


def _edit(application, step="questions"):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": step})


def _autosave(application):
    return reverse("applications:autosave", kwargs={"pk": application.pk, "step": "questions"})


def test_step_is_listed_only_when_the_call_asks_questions(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    plain = draft_application(user=applicant, cycle=cycle_for())
    client.force_login(applicant)
    page = client.get(_edit(application, "project")).content.decode()
    assert 'data-step="questions"' in page
    assert 'data-step="questions"' not in client.get(_edit(plain, "project")).content.decode()
    assert client.get(_edit(plain)).status_code == 404


def test_questions_step_saves_answers_and_file_and_continues(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    client.force_login(applicant)
    page = client.get(_edit(application)).content.decode()
    assert f'data-shown-when="q_{call["yes_no"].pk}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert f'hx-params="not {call["pdf"].field_name}"' in page  # autosave sends no file
    response = client.post(
        _edit(application),
        {
            "version": application.version,
            call["yes_no"].field_name: "yes",
            call["city"].field_name: ["kobe", "seoul"],
            call["staff"].field_name: "12",
            call["pdf"].field_name: pdf_upload("statement.pdf"),
            "action": "continue",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _edit(application, "documents")
    answers = {a.question_id: a for a in Answer.objects.filter(application=application)}
    assert answers[call["yes_no"].pk].value is True
    assert answers[call["city"].pk].value == ["seoul", "kobe"]
    assert answers[call["staff"].pk].value == 12
    assert answers[call["pdf"].pk].original_name == "statement.pdf"
    application.refresh_from_db()
    assert application.version == 3  # the answers, then the file


def test_invalid_answer_is_shown_and_the_rest_saved(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    client.force_login(applicant)
    response = client.post(
        _edit(application),
        {
            "version": application.version,
            call["yes_no"].field_name: "no",
            call["staff"].field_name: "-3",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "Enter a number of at least 0." in response.content.decode()
    assert Answer.objects.get(question=call["yes_no"]).value is False
    assert not Answer.objects.filter(question=call["staff"]).exists()


def test_hostile_pdf_answer_is_refused_like_a_document(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    client.force_login(applicant)
    fake = pdf_upload("statement.pdf", content=b"\x89PNG\r\n\x1a\n not a pdf")
    response = client.post(
        _edit(application),
        {"version": application.version, call["pdf"].field_name: fake, "action": "save"},
    )
    assert response.status_code == 200
    assert not Answer.objects.filter(question=call["pdf"]).exclude(file="").exists()


def test_autosave_conflict_overwrites_nothing(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    loaded = application.version
    colleague = UserFactory()
    application.company.memberships.create(user=colleague, role="member")
    services.answers_save(
        application=application,
        actor=colleague,
        values={call["staff"].pk: "5"},
        expected_version=loaded,
    )
    client.force_login(applicant)
    response = client.post(
        _autosave(application), {"version": loaded, call["staff"].field_name: "7"}
    )
    assert response.status_code == 409
    assert "autosave-conflict" in response.content.decode()
    assert Answer.objects.get(question=call["staff"]).value == 5
    # The full page shows their answer beside ours.
    response = client.post(
        _edit(application),
        {"version": loaded, call["staff"].field_name: "7", "action": "save"},
    )
    assert response.status_code == 409
    assert "Staff in Japan" in response.content.decode()


def test_autosave_saves_and_swaps_the_version(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    client.force_login(applicant)
    response = client.post(
        _autosave(application),
        {"version": application.version, call["yes_no"].field_name: "yes"},
    )
    assert response.status_code == 200
    assert f'value="{application.version + 1}"' in response.content.decode()


def test_required_answers_block_submission_with_links(client, applicant, call):
    application = draft_application(user=applicant, cycle=call["cycle"])
    complete_application(application, user=applicant)
    problems = [p for p in selectors_problems(application) if p.step == "questions"]
    # The city is not asked while the subsidiary question is unanswered.
    assert [p.field for p in problems] == [call["yes_no"].field_name, call["pdf"].field_name]
    services.answers_save(
        application=application,
        actor=applicant,
        values={call["yes_no"].pk: "yes"},
        expected_version=application.version,
    )
    problems = [p for p in selectors_problems(application) if p.step == "questions"]
    assert [p.field for p in problems] == [call["city"].field_name, call["pdf"].field_name]
    client.force_login(applicant)
    page = client.get(_edit(application, "review")).content.decode()
    assert f"#question-{call['city'].field_name}" in page
    with pytest.raises(services.SubmissionRefused):
        services.application_submit(
            application=application, actor=applicant, consents=ConsentKind.values
        )
    services.answers_save(
        application=application,
        actor=applicant,
        values={call["city"].pk: ["kobe"]},
        expected_version=application.version,
    )
    services.answer_file_upload(
        application=application, actor=applicant, question=call["pdf"], file=pdf_upload()
    )
    submitted = services.application_submit(
        application=application, actor=applicant, consents=ConsentKind.values
    )
    assert submitted.reference


def selectors_problems(application):
    from applications.requirements import submission_problems

    return submission_problems(application)


def test_answers_of_another_company_cannot_be_written(call, other_applicant):
    application = draft_application(cycle=call["cycle"])
    with pytest.raises(Exception) as error:
        services.answers_save(
            application=application,
            actor=other_applicant,
            values={call["staff"].pk: "1"},
            expected_version=application.version,
        )
    assert type(error.value).__name__ == "PermissionDenied"
    assert not Answer.objects.exists()


def test_answer_to_a_question_of_another_call_is_refused(call, applicant, manager):
    from django.core.exceptions import ValidationError

    application = draft_application(user=applicant, cycle=call["cycle"])
    elsewhere = _question(cycle_for(), manager, "Elsewhere", K.SHORT_TEXT)
    with pytest.raises(ValidationError):
        services.answers_save(
            application=application,
            actor=applicant,
            values={elsewhere.pk: "x"},
            expected_version=application.version,
        )


def test_question_answers_for_hides_office_only_answers_from_non_members(call, applicant):
    application = draft_application(user=applicant, cycle=call["cycle"])
    services.answers_save(
        application=application,
        actor=applicant,
        values={call["yes_no"].pk: "no", call["staff"].pk: "3"},
        expected_version=application.version,
    )
    rows = selectors.question_answers_for(applicant, application)
    assert [(row.question.label, row.text) for row in rows] == [
        ("Japanese subsidiary?", "No"),
        ("Staff in Japan", "3"),
        ("Data-sharing statement", ""),
    ]


# --- Who reads which answer ------------------------------------------------------------------


@pytest.fixture
def answered(manager):
    """A blind call under review whose application answered a question reviewers see (a
    PDF) and an office-only one; an assigned iPark reviewer, a conflicted one."""
    from django.core.files.base import ContentFile

    from programs.enums import Organisation
    from reviews.models import ConflictDeclaration
    from tests.factories import ReviewerFactory, pdf_bytes
    from tests.support.reviewing import assigned, review_cycle, under_review

    cycle = review_cycle(blind_review=True)
    application = under_review(cycle)
    # Set the scene directly: the answers were given while it was a draft.
    site = _question(cycle, manager, "Site plan", K.PDF)
    office = _question(cycle, manager, "Bank account", K.SHORT_TEXT, visible_to_reviewers=False)
    pdf_answer = Answer(application=application, question=site, original_name="HanbitCell.pdf")
    pdf_answer.file.save("x.pdf", ContentFile(pdf_bytes()), save=True)
    office_answer = Answer.objects.create(application=application, question=office, value="KB 123")
    reviewer = ReviewerFactory(organisation=Organisation.IPARK)
    assigned(application, reviewer)
    conflicted = ReviewerFactory(organisation=Organisation.IPARK)
    assigned(application, conflicted)
    ConflictDeclaration.objects.create(
        reviewer=conflicted, company=application.company, reason="Advisor"
    )
    return {
        "application": application,
        "pdf": pdf_answer,
        "office": office_answer,
        "people": {
            "member": application.company.memberships.get().user,
            "manager": manager.user,
            "reviewer": reviewer.user,
            "conflicted_reviewer": conflicted.user,
        },
    }


def _file_url(answer):
    return reverse(
        "applications:answer_file", kwargs={"pk": answer.application_id, "answer": answer.pk}
    )


@pytest.mark.parametrize(
    ("persona", "sees_pdf", "sees_office", "file_name"),
    [
        ("member", True, True, "HanbitCell.pdf"),
        ("manager", True, True, "HanbitCell.pdf"),
        ("reviewer", True, False, "question-"),
        ("conflicted_reviewer", False, False, None),
        ("other_applicant", False, False, None),
    ],
)
def test_answer_permission_truth_table(
    client, answered, other_applicant, persona, sees_pdf, sees_office, file_name
):
    user = answered["people"].get(persona) or other_applicant
    client.force_login(user)
    response = client.get(_file_url(answered["pdf"]))
    assert response.status_code == (200 if sees_pdf else 404)
    if file_name:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert file_name in response["Content-Disposition"]
        assert (persona != "reviewer") is ("Hanbit" in response["Content-Disposition"])
    # The office-only answer has no file; the page rows say who reads it.
    if sees_pdf:
        rows = selectors.question_answers_for(user, answered["application"])
        assert ("KB 123" in [row.text for row in rows]) is sees_office


def test_reviewer_sees_allowed_answers_beside_the_rubric(client, answered):
    from reviews.models import Assignment

    reviewer = answered["people"]["reviewer"]
    assignment = Assignment.objects.get(
        application=answered["application"], reviewer__user=reviewer
    )
    client.force_login(reviewer)
    page = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk})).content.decode()
    assert 'id="question-answers"' in page and "Site plan" in page
    assert "Bank account" not in page and "KB 123" not in page
    assert "HanbitCell" not in page
    assert 'id="review-form"' in page


# --- Exports: one column per question, query count independent of N --------------------------


def _export_scene(manager, count: int):
    """A call under review with three questions, ``count`` applications answering."""
    from tests.support.reviewing import review_cycle, under_review

    cycle = review_cycle()
    subsidiary = _question(cycle, manager, "Japanese subsidiary?", K.YES_NO)
    cities = _question(
        cycle,
        manager,
        "Which cities?",
        K.MULTIPLE_CHOICE,
        choices=CITIES,
        condition_question=subsidiary.pk,
        condition_value="yes",
    )
    plan = _question(cycle, manager, "Site plan", K.PDF)
    applications = []
    for number in range(count):
        application = under_review(cycle)
        Answer.objects.create(application=application, question=subsidiary, value=number == 0)
        Answer.objects.create(application=application, question=cities, value=["seoul", "kobe"])
        Answer.objects.create(
            application=application, question=plan, original_name=f"plan-{number}.pdf"
        )
        applications.append(application)
    return cycle, applications


def _export_rows(client, cycle, fmt):
    """The applications export as rows: the CSV download, or the table the background
    .xlsx export writes (``reviews.exports.applications_table``)."""
    import csv
    import io

    from reviews import exports

    if fmt == "xlsx":
        table = exports.applications_table(cycle)
        return [[str(h) for h in table.headers]] + [
            ["" if value is None else value for value in row] for row in table.rows
        ]
    response = client.get(
        reverse("reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": "applications", "fmt": fmt})
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_has_one_column_per_question(client, manager, fmt):
    cycle, applications = _export_scene(manager, 2)
    client.force_login(manager.user)
    rows = _export_rows(client, cycle, fmt)
    start = rows[0].index("Japanese subsidiary?")
    columns = slice(start, start + 3)
    assert rows[0][columns] == ["Japanese subsidiary?", "Which cities?", "Site plan"]
    assert rows[0][start + 3 :] == ["Partner interest"]  # the questions, then the partners
    by_reference = {row[0]: row[columns] for row in rows[1:]}
    first, second = applications
    assert by_reference[first.reference] == ["Yes", "Seoul; Kobe", "plan-0.pdf"]
    # The cities were not asked of a company without a subsidiary: left out.
    assert by_reference[second.reference] == ["No", "", "plan-1.pdf"]


def test_export_query_count_is_independent_of_the_number_of_applications(client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.answer_export import answer_columns
    from tests.support.reviewing import under_review

    cycle, _applications = _export_scene(manager, 1)
    with CaptureQueriesContext(connection) as few:
        answer_columns(cycle)
    for _ in range(5):
        under_review(cycle)
    client.force_login(manager.user)
    with CaptureQueriesContext(connection) as many:
        columns = answer_columns(cycle)
    assert len(columns.values) == 1 and len(columns.headers) == 3
    assert len(many) == len(few) == 2


# --- API --------------------------------------------------------------------------------------

API = "/api/v1/applications/"


def test_api_detail_includes_question_answers_and_writes_them(applicant, call):
    from tests.support.api import token_client

    application = draft_application(user=applicant, cycle=call["cycle"])
    api = token_client(applicant)
    saved = api.patch(
        f"{API}{application.pk}/",
        {
            "version": application.version,
            "title": "Kobe trial",
            "question_answers": {
                str(call["yes_no"].pk): "yes",
                str(call["city"].pk): ["kobe"],
                str(call["staff"].pk): 4,
            },
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["title"] == "Kobe trial" and body["version"] == application.version + 2
    answers = {row["label"]: row for row in body["question_answers"]}
    assert answers["Which cities?"]["value"] == ["kobe"]
    assert answers["Which cities?"]["text"] == "Kobe"
    assert answers["Staff in Japan"]["value"] == 4
    listed = api.get(API).json()
    assert "question_answers" not in listed["results"][0]
    stale = api.patch(
        f"{API}{application.pk}/",
        {"version": application.version, "question_answers": {str(call["staff"].pk): 9}},
        format="json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    bad = api.patch(
        f"{API}{application.pk}/",
        {"version": body["version"], "question_answers": {str(call["staff"].pk): -1}},
        format="json",
    )
    assert bad.status_code == 400
    assert Answer.objects.get(question=call["staff"]).value == 4


def test_managers_application_page_shows_every_answer_office_only_marked(client, answered):
    client.force_login(answered["people"]["manager"])
    page = client.get(reverse("applications:detail", args=[answered["application"].pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "KB 123" in content and "office-only" in content
    assert "HanbitCell.pdf" in content  # managers see the real file name, blind or not
