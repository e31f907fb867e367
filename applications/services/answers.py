"""Answers to a call's own questions (``Answer``): saved with the same optimistic
concurrency as the fixed answers (the application's ``version``), PDF answers checked
and stored like documents."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.models import Question
from programs.questions import QuestionKind, clean_answer

from ..enums import EDITABLE
from ..models import Answer, Application
from ..validators import validate_pdf
from ._common import NotEditable, StaleVersion
from .companies import _require_member
from .documents import _delete_files, _sha256


def _locked_draft(application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in EDITABLE:
        raise NotEditable(
            _("This application has been submitted and can no longer be changed."),
            code="not_editable",
        )
    return locked


def _answerable(application: Application, question_ids) -> dict[int, Question]:
    questions = {
        question.pk: question
        for question in Question.objects.filter(
            cycle_id=application.cycle_id, pk__in=list(question_ids), retired=False
        )
    }
    unknown = set(question_ids) - set(questions)
    if unknown:
        raise ValidationError(
            _("These questions are not asked by this call: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
            code="unknown_question",
        )
    return questions


def _bump(locked: Application, target: Application, actor) -> None:
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.updated_by = actor
    locked.save(update_fields=["version", "updated_at", "updated_by"])
    for name in ("version", "updated_at", "updated_by_id"):
        setattr(target, name, getattr(locked, name))


def answers_save(
    *, application: Application, actor, values: dict[int, object], expected_version: int
) -> list[int]:
    """Save answers of a draft to its call's questions: ``{question id: raw value}`` (as
    typed: a string, or a list for multiple choice; ``None`` or empty clears it).

    Each value is checked by ``programs.questions.clean_answer`` (``ValidationError``
    with the question ids as keys, nothing saved). When someone saved the application
    since ``expected_version`` and a value differs from what is stored, ``StaleVersion``
    is raised and nothing is written. Side effects: the ``Answer`` rows, the
    application's ``version`` + 1, ``updated_at`` and ``updated_by``. Returns the ids of
    the questions whose answer changed. PDF answers go through ``answer_file_upload``.
    """
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = _locked_draft(application)
        questions = _answerable(locked, values)
        cleaned, errors = {}, {}
        for pk, raw in values.items():
            question = questions[pk]
            if question.kind == QuestionKind.PDF:
                continue
            try:
                cleaned[pk] = clean_answer(question, raw)
            except ValidationError as error:
                errors[question.field_name] = error.messages
        if errors:
            raise ValidationError(errors)
        stored = {
            answer.question_id: answer
            for answer in locked.question_answers.select_for_update().filter(
                question_id__in=list(cleaned)
            )
        }
        changed = [
            pk
            for pk, value in cleaned.items()
            if (stored[pk].value if pk in stored else None) != value
        ]
        if not changed:
            return []
        if locked.version != expected_version:
            raise StaleVersion(locked)
        now = timezone.now()
        for pk in changed:
            answer = stored.get(pk) or Answer(application=locked, question_id=pk)
            answer.value = cleaned[pk]
            answer.updated_at = now
            answer.save()
        _bump(locked, application, actor)
    return changed


def answer_file_upload(*, application: Application, actor, question: Question, file) -> Answer:
    """Attach the PDF answering ``question`` (a PDF question of the application's call),
    replacing the previous one. Checked like documents (``validate_pdf``: content, size,
    pages, active content). Side effects: the file under an unguessable name, the
    ``Answer`` row, the application's version + 1; the replaced file goes after commit.
    """
    _require_member(actor, application.company)
    if question.kind != QuestionKind.PDF or question.cycle_id != application.cycle_id:
        raise ValidationError(_("This question does not take a file."), code="not_a_file")
    if question.retired:
        raise ValidationError(_("This question is no longer asked."), code="retired")
    validate_pdf(file)
    original_name = (getattr(file, "name", "") or "answer.pdf").rsplit("/", 1)[-1][:255]
    size, sha256 = file.size, _sha256(file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _locked_draft(application)
            answer = (
                Answer.objects.select_for_update()
                .filter(application=locked, question=question)
                .first()
            ) or Answer(application=locked, question=question)
            replaced = (answer.file.name or "") if answer.file else ""
            answer.original_name = original_name
            answer.size = size
            answer.sha256 = sha256
            answer.updated_at = timezone.now()
            answer.file.save(original_name, file, save=False)
            stored.append(answer.file.name or "")
            answer.save()
            _bump(locked, application, actor)
            transaction.on_commit(lambda: _delete_files([replaced]), robust=True)
    except BaseException:
        _delete_files(stored)
        raise
    return answer


def answer_file_delete(*, application: Application, actor, question: Question) -> bool:
    """Remove the PDF answering ``question``. Returns whether there was one. Side
    effects: the row's file fields cleared, the application's version + 1, the file
    removed after commit."""
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = _locked_draft(application)
        answer = (
            Answer.objects.select_for_update()
            .filter(application=locked, question=question)
            .exclude(file="")
            .first()
        )
        if answer is None:
            return False
        name = answer.file.name or ""
        answer.file = ""
        answer.original_name = ""
        answer.size = None
        answer.sha256 = ""
        answer.save()
        _bump(locked, application, actor)
        transaction.on_commit(lambda: _delete_files([name]), robust=True)
    return True
