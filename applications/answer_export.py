"""The answers to a call's own questions as export columns: one column per question (in
the questions' order; several choices joined with "; "), for every application of the
call at once — two queries whatever the number of applications or questions."""

from collections import defaultdict
from dataclasses import dataclass

from programs.models import Question
from programs.questions import QuestionKind, answer_text, shown_questions

from .models import Answer


@dataclass(frozen=True)
class AnswerColumns:
    headers: list[str]
    # application id → one value per header ("" where not answered or not shown)
    values: dict[int, list[str]]

    def row(self, application_id: int) -> list[str]:
        return self.values.get(application_id) or [""] * len(self.headers)


def answer_columns(cycle, application_ids=None) -> AnswerColumns:
    """Columns for ``cycle``'s questions (those retired too: their answers are kept),
    filled for the applications of ``cycle`` (or only ``application_ids``). The export
    is the office's: office-only questions are included. A conditional question's answer
    is left out where its condition is not met (it was not asked)."""
    questions = list(Question.objects.filter(cycle=cycle).order_by("order", "pk"))
    if not questions:
        return AnswerColumns([], {})
    answers = Answer.objects.filter(application__cycle=cycle).only(
        "application_id", "question_id", "value", "original_name"
    )
    if application_ids is not None:
        answers = answers.filter(application_id__in=list(application_ids))
    by_application: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in answers:
        by_application[answer.application_id][answer.question_id] = answer
    values = {}
    for application_id, given in by_application.items():
        shown = {
            question.pk
            for question in shown_questions(
                questions, {pk: answer.value for pk, answer in given.items()}
            )
        }
        row = []
        for question in questions:
            answer = given.get(question.pk)
            if answer is None or question.pk not in shown:
                row.append("")
            elif question.kind == QuestionKind.PDF:
                row.append(answer.original_name)
            else:
                row.append(answer_text(question, answer.value))
        values[application_id] = row
    return AnswerColumns([str(question.label) for question in questions], values)
