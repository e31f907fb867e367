"""Per-call questions: what a valid answer of each kind is, conditions
(``programs.questions``), and the rules that protect given answers when a manager changes
the questions (``programs.services.questions``)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications import services as application_services
from programs import services
from programs.enums import ActivityKind
from programs.models import CycleActivity, Question
from programs.questions import (
    QuestionKind,
    QuestionSpec,
    answer_text,
    clean_answer,
    condition_met,
    shown_questions,
)
from tests.factories import (
    UserFactory,
    cycle_for,
    draft_application,
    submitted_application,
)

K = QuestionKind
CHOICES = [
    {"key": "seoul", "label": {"en": "Seoul", "ko": "서울", "ja": "ソウル"}},
    {"key": "kobe", "label": {"en": "Kobe", "ko": "고베", "ja": "神戸"}},
]


# --- Validation of each kind (pure) ------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (QuestionSpec(kind=K.SHORT_TEXT), "  Kobe site  ", "Kobe site"),
        (QuestionSpec(kind=K.SHORT_TEXT), "   ", None),
        (QuestionSpec(kind=K.LONG_TEXT, max_length=10), "0123456789", "0123456789"),
        (QuestionSpec(kind=K.SINGLE_CHOICE, choices=CHOICES), "kobe", "kobe"),
        (
            QuestionSpec(kind=K.MULTIPLE_CHOICE, choices=CHOICES),
            ["kobe", "seoul"],
            ["seoul", "kobe"],
        ),
        (QuestionSpec(kind=K.MULTIPLE_CHOICE, choices=CHOICES), [], None),
        (QuestionSpec(kind=K.YES_NO), "yes", True),
        (QuestionSpec(kind=K.YES_NO), "no", False),
        (QuestionSpec(kind=K.NUMBER, min_number=Decimal(1), max_number=Decimal(100)), "42", 42),
        (QuestionSpec(kind=K.NUMBER), "2.5", 2.5),
        (QuestionSpec(kind=K.DATE), "2027-04-01", "2027-04-01"),
        (QuestionSpec(kind=K.DATE), "", None),
    ],
)
def test_clean_answer_accepts_each_kind(spec, raw, expected):
    assert clean_answer(spec, raw) == expected


@pytest.mark.parametrize(
    ("spec", "raw", "code"),
    [
        (QuestionSpec(kind=K.SHORT_TEXT), "x" * 201, "max_length"),
        (QuestionSpec(kind=K.LONG_TEXT, max_length=10), "01234567890", "max_length"),
        (QuestionSpec(kind=K.SINGLE_CHOICE, choices=CHOICES), "osaka", "invalid_choice"),
        (
            QuestionSpec(kind=K.MULTIPLE_CHOICE, choices=CHOICES),
            ["kobe", "osaka"],
            "invalid_choice",
        ),
        (QuestionSpec(kind=K.YES_NO), "maybe", "invalid"),
        (QuestionSpec(kind=K.NUMBER, min_number=Decimal(1)), "0", "min_value"),
        (QuestionSpec(kind=K.NUMBER, max_number=Decimal(100)), "101", "max_value"),
        (QuestionSpec(kind=K.NUMBER), "twelve", "invalid"),
        (QuestionSpec(kind=K.NUMBER), "NaN", "invalid"),
        (QuestionSpec(kind=K.DATE), "01/04/2027", "invalid"),
    ],
)
def test_clean_answer_refuses_with_code(spec, raw, code):
    with pytest.raises(ValidationError) as error:
        clean_answer(spec, raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("kind", "value", "answer", "shown"),
    [
        (K.YES_NO, "yes", True, True),
        (K.YES_NO, "yes", False, False),
        (K.YES_NO, "no", False, True),
        (K.YES_NO, "yes", None, False),
        (K.SINGLE_CHOICE, "kobe", "kobe", True),
        (K.SINGLE_CHOICE, "kobe", "seoul", False),
        (K.MULTIPLE_CHOICE, "kobe", ["seoul", "kobe"], True),
        (K.MULTIPLE_CHOICE, "kobe", ["seoul"], False),
    ],
)
def test_condition_met(kind, value, answer, shown):
    assert condition_met(kind, value, answer) is shown


def test_answer_text_joins_choices_in_the_language_asked():
    spec = QuestionSpec(kind=K.MULTIPLE_CHOICE, choices=CHOICES)
    assert answer_text(spec, ["seoul", "kobe"], language="ja") == "ソウル; 神戸"
    assert answer_text(QuestionSpec(kind=K.YES_NO), False) == "No"
    assert answer_text(QuestionSpec(kind=K.PDF), None, file_name="site.pdf") == "site.pdf"


# --- The service: defining questions and their rules --------------------------------------


def _values(label="Planned clinical site", kind=K.SHORT_TEXT, **more) -> dict:
    return {"kind": kind, "label_en": label, "label_ko": "", "label_ja": "", **more}


@pytest.mark.django_db
def test_question_save_adds_last_and_logs(manager):
    cycle = cycle_for()
    first = services.question_save(cycle=cycle, actor=manager.user, values=_values()).question
    second = services.question_save(
        cycle=cycle,
        actor=manager.user,
        values=_values("Japanese subsidiary?", K.YES_NO, required=True, label_ja="日本法人"),
    ).question
    assert [q.pk for q in cycle.questions.order_by("order")] == [first.pk, second.pk]
    assert second.label_ja == "日本法人" and second.required
    line = CycleActivity.objects.filter(cycle=cycle, kind=ActivityKind.SETTING_CHANGED).first()
    assert line.subject == "questions"
    assert line.data["new"] == "Japanese subsidiary? (yes_no) [required]"


@pytest.mark.django_db
def test_question_save_refuses_a_non_manager():
    cycle = cycle_for()
    with pytest.raises(PermissionDenied):
        services.question_save(cycle=cycle, actor=UserFactory(), values=_values())
    assert not Question.objects.exists()


@pytest.mark.django_db
def test_condition_must_be_a_yes_no_or_choice_question_of_the_call(manager):
    cycle = cycle_for()
    text = services.question_save(cycle=cycle, actor=manager.user, values=_values()).question
    yes_no = services.question_save(
        cycle=cycle, actor=manager.user, values=_values("Subsidiary?", K.YES_NO)
    ).question
    with pytest.raises(ValidationError) as error:
        services.question_save(
            cycle=cycle,
            actor=manager.user,
            values=_values("Where?", condition_question=text.pk, condition_value="x"),
        )
    assert "condition_question" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.question_save(
            cycle=cycle,
            actor=manager.user,
            values=_values("Where?", condition_question=yes_no.pk, condition_value="perhaps"),
        )
    assert "condition_value" in error.value.message_dict
    other_call = services.question_save(
        cycle=cycle_for(), actor=manager.user, values=_values("Other", K.YES_NO)
    ).question
    with pytest.raises(ValidationError):
        services.question_save(
            cycle=cycle,
            actor=manager.user,
            values=_values("Where?", condition_question=other_call.pk, condition_value="yes"),
        )
    dependent = services.question_save(
        cycle=cycle,
        actor=manager.user,
        values=_values("Where?", condition_question=yes_no.pk, condition_value="yes"),
    ).question
    # One level only: nothing may depend on a conditional question.
    with pytest.raises(ValidationError):
        services.question_save(
            cycle=cycle,
            actor=manager.user,
            values=_values("Deeper", condition_question=dependent.pk, condition_value="yes"),
        )
    questions = list(cycle.questions.order_by("order"))
    assert [q.pk for q in shown_questions(questions, {yes_no.pk: False})] == [text.pk, yes_no.pk]
    assert dependent in shown_questions(questions, {yes_no.pk: True})


def _answered_choice_question(manager):
    cycle = cycle_for()
    question = services.question_save(
        cycle=cycle,
        actor=manager.user,
        values=_values("Site", K.SINGLE_CHOICE, choices=CHOICES),
    ).question
    application = draft_application(cycle=cycle)
    member = application.company.memberships.get().user
    application_services.answers_save(
        application=application,
        actor=member,
        values={question.pk: "kobe"},
        expected_version=application.version,
    )
    return cycle, question


@pytest.mark.django_db
def test_kind_and_choices_freeze_once_answered_but_texts_may_be_corrected(manager):
    cycle, question = _answered_choice_question(manager)
    with pytest.raises(ValidationError) as error:
        services.question_save(
            cycle=cycle, actor=manager.user, question=question, values=_values("Site", K.SHORT_TEXT)
        )
    assert "Its kind cannot change" in error.value.message_dict["kind"][0]
    with pytest.raises(ValidationError):
        services.question_save(
            cycle=cycle,
            actor=manager.user,
            question=question,
            values=_values(
                "Site",
                K.SINGLE_CHOICE,
                choices=[*CHOICES, {"key": "osaka", "label": {"en": "Osaka"}}],
            ),
        )
    relabelled = [CHOICES[0], {"key": "kobe", "label": {"en": "Kobe (Hyogo)", "ja": "神戸"}}]
    services.question_save(
        cycle=cycle,
        actor=manager.user,
        question=question,
        values=_values("Planned site", K.SINGLE_CHOICE, choices=relabelled, label_ko="예정 장소"),
    )
    question.refresh_from_db()
    assert question.label_en == "Planned site" and question.label_ko == "예정 장소"
    assert question.choices[1]["label"]["en"] == "Kobe (Hyogo)"


@pytest.mark.django_db
def test_answered_question_is_retired_not_deleted(manager):
    cycle, question = _answered_choice_question(manager)
    with pytest.raises(ValidationError) as error:
        services.question_delete(question=question, actor=manager.user)
    assert error.value.code == "question_answered"
    services.question_retire(question=question, actor=manager.user)
    question.refresh_from_db()
    assert question.retired and question.answers.count() == 1
    unanswered = services.question_save(cycle=cycle, actor=manager.user, values=_values()).question
    services.question_delete(question=unanswered, actor=manager.user)
    assert not Question.objects.filter(pk=unanswered.pk).exists()


@pytest.mark.django_db
def test_after_first_submission_only_optional_questions_are_added_with_a_warning(manager):
    cycle = cycle_for()
    submitted_application(cycle=cycle)
    with pytest.raises(ValidationError) as error:
        services.question_save(cycle=cycle, actor=manager.user, values=_values(required=True))
    assert "only optional questions" in error.value.message_dict["required"][0]
    saved = services.question_save(cycle=cycle, actor=manager.user, values=_values())
    assert saved.created and not saved.question.required
    assert "will not have answered it" in saved.warnings[0]
    with pytest.raises(ValidationError):
        services.question_save(
            cycle=cycle, actor=manager.user, question=saved.question, values=_values(required=True)
        )


@pytest.mark.django_db
def test_reorder_and_move(manager):
    cycle = cycle_for()
    a, b, c = (
        services.question_save(cycle=cycle, actor=manager.user, values=_values(label)).question
        for label in "abc"
    )
    services.questions_reorder(cycle=cycle, actor=manager.user, order=[c.pk, a.pk, b.pk])
    assert list(cycle.questions.order_by("order").values_list("label_en", flat=True)) == list("cab")
    services.questions_move(question=Question.objects.get(pk=b.pk), actor=manager.user, step=-1)
    assert list(cycle.questions.order_by("order").values_list("label_en", flat=True)) == list("cba")
    with pytest.raises(ValidationError):
        services.questions_reorder(cycle=cycle, actor=manager.user, order=[a.pk, b.pk])


@pytest.mark.django_db
def test_copy_from_a_previous_call_copies_questions_and_conditions(manager):
    source = cycle_for()
    parent = services.question_save(
        cycle=source,
        actor=manager.user,
        values=_values("Subsidiary?", K.YES_NO, label_ja="日本法人?"),
    ).question
    services.question_save(
        cycle=source,
        actor=manager.user,
        values=_values("Which city?", condition_question=parent.pk, condition_value="yes"),
    )
    retired = services.question_save(
        cycle=source, actor=manager.user, values=_values("Old")
    ).question
    services.question_retire(question=retired, actor=manager.user)
    copy = services.cycle_create(
        program=source.program,
        actor=manager.user,
        values={
            "name_en": "Next round",
            "slug": "next-round",
            "code": "NEXT",
            "opens_at": source.opens_at,
            "closes_at": source.closes_at,
            "review_due_at": source.review_due_at,
            "announce_at": source.announce_at,
        },
        copy_from=source,
    )
    copied = list(copy.questions.order_by("order"))
    assert [q.label_en for q in copied] == ["Subsidiary?", "Which city?"]
    assert copied[0].label_ja == "日本法人?"
    assert copied[1].condition_question == copied[0] and copied[1].condition_value == "yes"
    assert not copied[0].answers.exists()


# --- The manager's pages -------------------------------------------------------------------


def _post_question(client, cycle, data, question=None):
    from django.urls import reverse

    url = (
        reverse("programs:question_edit", args=[cycle.pk, question.pk])
        if question
        else reverse("programs:question_new", args=[cycle.pk])
    )
    base = {"kind": K.SHORT_TEXT, "visible_to_reviewers": "on", "label_en": "Planned site"}
    return client.post(url, {**base, **data})


@pytest.mark.django_db
def test_manager_adds_edits_and_orders_questions_on_the_setup_page(client, manager):
    from django.urls import reverse

    cycle = cycle_for()
    client.force_login(manager.user)
    response = _post_question(
        client,
        cycle,
        {
            "kind": K.SINGLE_CHOICE,
            "label_en": "Site",
            "label_ja": "拠点",
            "choices_text": "seoul | Seoul | 서울 | ソウル\nkobe | Kobe | 고베 | 神戸",
            "required": "on",
        },
    )
    assert response.status_code == 302
    site = Question.objects.get(label_en="Site")
    assert site.choices[1] == {"key": "kobe", "label": {"en": "Kobe", "ko": "고베", "ja": "神戸"}}
    response = _post_question(
        client,
        cycle,
        {"label_en": "Kobe lab size", "condition_question": site.pk, "condition_value": "kobe"},
    )
    assert response.status_code == 302
    lab = Question.objects.get(label_en="Kobe lab size")
    assert lab.condition_question == site and lab.visible_to_reviewers
    page = client.get(reverse("programs:call_setup", args=[cycle.pk])).content.decode()
    assert 'id="questions"' in page and "Kobe lab size" in page
    assert "Shown only when “Site” is answered “kobe”." in page
    client.post(reverse("programs:question_action", args=[cycle.pk, lab.pk, "up"]))
    assert list(cycle.questions.order_by("order")) == [lab, site]
    bad = _post_question(client, cycle, {"kind": K.SINGLE_CHOICE, "choices_text": "only"})
    assert bad.status_code == 400
    assert "write at least" in bad.content.decode()


@pytest.mark.django_db
def test_manager_is_told_why_an_answered_question_cannot_change_kind(client, manager):
    from django.urls import reverse

    cycle, question = _answered_choice_question(manager)
    client.force_login(manager.user)
    page = client.get(reverse("programs:question_edit", args=[cycle.pk, question.pk]))
    assert 'id="question-answered"' in page.content.decode()
    response = _post_question(client, cycle, {"label_en": "Site"}, question=question)
    assert response.status_code == 400
    assert "Its kind cannot change" in response.content.decode()
    response = client.post(
        reverse("programs:question_action", args=[cycle.pk, question.pk, "delete"]), follow=True
    )
    assert "cannot be deleted; retire it instead" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


@pytest.mark.django_db
def test_question_pages_are_for_the_programs_managers_only(client, manager, applicant):
    from django.urls import reverse

    cycle, question = _answered_choice_question(manager)
    client.force_login(applicant)
    assert client.get(reverse("programs:question_new", args=[cycle.pk])).status_code == 404
    response = client.post(
        reverse("programs:question_action", args=[cycle.pk, question.pk, "retire"])
    )
    assert response.status_code == 404
    question.refresh_from_db()
    assert not question.retired


@pytest.mark.django_db
def test_seed_demo_asks_two_questions_in_the_startup_call_once():
    from io import StringIO

    from django.core.management import call_command

    from programs.enums import Track

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    questions = list(
        Question.objects.filter(cycle__program__track=Track.STARTUP_SUPPORT).order_by("order")
    )
    assert [q.kind for q in questions] == [K.YES_NO, K.SHORT_TEXT]
    assert questions[1].condition_question == questions[0]
    assert questions[0].label_ja.startswith("日本に")
