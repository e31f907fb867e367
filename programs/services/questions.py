"""Defining a call's own questions (``Question``), with the rules that protect the
answers already given:

- texts (labels, help, section headings, option labels) may always be corrected;
- a question's kind and its options are frozen once any application answered it;
- after the call's first submission only optional questions may be added (the service
  returns a warning saying so), and no question may become required;
- nothing answered is deleted: it is retired (hidden from new answers, its answers kept).

The answers live in ``applications``; they are counted through the reverse relations
``Question.answers`` and ``Cycle.applications`` so that programs imports nothing of it.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from ..enums import ActivityKind, CyclePhase
from ..models import Cycle, Question
from ..questions import (
    CHOICE_KINDS,
    CONDITION_KINDS,
    LONG_TEXT_LIMIT,
    NO,
    YES,
    QuestionKind,
    choice_keys,
    validate_choices,
)
from . import activity_record
from .setup import _require_call_manager, translated

QUESTION_TEXTS = frozenset(translated("label") + translated("help_text") + translated("section"))
STRUCTURE = ("kind", "choices")
SETTINGS = ("required", "visible_to_reviewers", "max_length", "min_number", "max_number")


@dataclass
class QuestionSaved:
    question: Question
    created: bool
    warnings: list[str] = field(default_factory=list)


def question_is_answered(question: Question) -> bool:
    """Whether any application (draft or not) holds an answer to ``question``."""
    if question.pk is None:
        return False
    return question.answers.filter(Q(value__isnull=False) | ~Q(file="")).exists()


def call_has_submissions(cycle: Cycle) -> bool:
    return cycle.applications.filter(submitted_at__isnull=False).exists()


def _check_call(cycle: Cycle) -> None:
    if cycle.phase == CyclePhase.ARCHIVED:
        raise ValidationError(_("An archived call cannot change."), code="archived")


def _clean_choices(kind: str, choices: list, errors: dict[str, list[str]]) -> list:
    """The options of a choice question (none for the other kinds); problems into ``errors``."""
    if kind not in CHOICE_KINDS:
        return []
    try:
        validate_choices(choices)
    except ValidationError as error:
        errors.setdefault("choices", []).extend(error.messages)
    else:
        if len(choices) < 2:
            errors.setdefault("choices", []).append(_("Give at least two options."))
    return choices


def _clean_condition(
    cycle: Cycle,
    question: Question | None,
    parent: Question | int | None,
    condition_value: str,
    errors: dict[str, list[str]],
) -> Question | None:
    """The question ``question`` depends on (given as a question or its id), checked;
    problems into ``errors``."""
    if parent is None:
        return None
    found = parent if isinstance(parent, Question) else Question.objects.filter(pk=parent).first()
    if found is None or found.cycle_id != cycle.pk or found.retired:
        errors.setdefault("condition_question", []).append(_("Choose a question of this call."))
    elif question is not None and found.pk == question.pk:
        errors.setdefault("condition_question", []).append(_("A question cannot depend on itself."))
    elif found.condition_question_id is not None:
        errors.setdefault("condition_question", []).append(
            _("A question can depend only on a question that is always shown.")
        )
    elif found.kind not in CONDITION_KINDS:
        errors.setdefault("condition_question", []).append(
            _("A question can depend only on a yes/no or choice question.")
        )
    elif question is not None and question.dependents.exists():
        errors.setdefault("condition_question", []).append(
            _("Other questions depend on this one, so it must always be shown.")
        )
    else:
        allowed = [YES, NO] if found.kind == QuestionKind.YES_NO else choice_keys(found.choices)
        if condition_value not in allowed:
            errors.setdefault("condition_value", []).append(
                _("Choose one of the answers of that question.")
            )
    return found


def _clean_values(cycle: Cycle, question: Question | None, values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    kind = values.get("kind") or (question.kind if question else "")
    if kind not in QuestionKind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of question."))
    if not (values.get("label_en") or "").strip():
        errors.setdefault("label_en", []).append(_("The question needs an English text."))
    choices = _clean_choices(kind, values.get("choices") or [], errors)
    max_length = values.get("max_length")
    if (
        kind == QuestionKind.LONG_TEXT
        and max_length is not None
        and not 1 <= max_length <= LONG_TEXT_LIMIT
    ):
        errors.setdefault("max_length", []).append(
            _("The character limit must be between 1 and %(limit)d.") % {"limit": LONG_TEXT_LIMIT}
        )
    low, high = values.get("min_number"), values.get("max_number")
    if kind == QuestionKind.NUMBER and low is not None and high is not None and low > high:
        errors.setdefault("max_number", []).append(_("The maximum must not be below the minimum."))
    condition_value = (values.get("condition_value") or "").strip()
    parent = _clean_condition(
        cycle, question, values.get("condition_question"), condition_value, errors
    )
    if errors:
        raise ValidationError(errors)
    return {
        **{name: (values.get(name) or "").strip() for name in QUESTION_TEXTS},
        "kind": kind,
        "choices": choices,
        "required": bool(values.get("required")),
        "visible_to_reviewers": bool(values.get("visible_to_reviewers", True)),
        "max_length": max_length if kind == QuestionKind.LONG_TEXT else None,
        "min_number": Decimal(low) if kind == QuestionKind.NUMBER and low is not None else None,
        "max_number": Decimal(high) if kind == QuestionKind.NUMBER and high is not None else None,
        "condition_question": parent,
        "condition_value": condition_value if parent is not None else "",
    }


def _frozen_changes(question: Question, cleaned: dict) -> list[str]:
    problems = []
    if cleaned["kind"] != question.kind:
        problems.append(_("Its kind cannot change: applications have answered it."))
    elif choice_keys(cleaned["choices"]) != choice_keys(question.choices):
        problems.append(
            _(
                "Its options cannot be added, removed or reordered: applications have "
                "answered it. Their labels may be corrected."
            )
        )
    return problems


def _check_addition(cleaned: dict, *, submitted: bool) -> list[str]:
    """Refuse a required question added after the call's first submission; the warnings
    for an optional one."""
    if not submitted:
        return []
    if cleaned["required"]:
        raise ValidationError(
            {
                "required": _(
                    "Applications have already been submitted: only optional "
                    "questions may be added now."
                )
            },
            code="required_after_submission",
        )
    return [
        _(
            "Applications have already been submitted without this question; "
            "their companies will not have answered it."
        )
    ]


def _check_change(question: Question, cleaned: dict, *, submitted: bool) -> None:
    """Refuse changing an answered question's structure, or making a question required
    after the call's first submission."""
    if question_is_answered(question):
        problems = _frozen_changes(question, cleaned)
        if problems:
            raise ValidationError({"kind": problems}, code="question_frozen")
    if submitted and cleaned["required"] and not question.required:
        raise ValidationError(
            {
                "required": _(
                    "Applications have already been submitted: an optional question "
                    "cannot become required."
                )
            },
            code="required_after_submission",
        )


def question_save(
    *, cycle: Cycle, actor, values: dict[str, Any], question: Question | None = None
) -> QuestionSaved:
    """Add a question to ``cycle`` (``question`` None, placed last) or change one.

    ``values``: ``kind``, ``label_*``, ``help_text_*``, ``section_*``, ``required``,
    ``visible_to_reviewers``, ``choices``, ``max_length``, ``min_number``, ``max_number``,
    ``condition_question`` (a question or its id) and ``condition_value``. Refuses
    (``ValidationError``, nothing saved) what the rules in this module's docstring
    forbid. Side effects: the question; a ``SETTING_CHANGED`` activity line
    (``questions``). Returns warnings to show (an optional question added after
    submissions: those applicants will not have answered it).
    """
    _require_call_manager(cycle.program_id, actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _check_call(locked)
        if question is not None:
            question = Question.objects.select_for_update().get(pk=question.pk, cycle=locked)
        cleaned = _clean_values(locked, question, values)
        submitted = call_has_submissions(locked)
        warnings: list[str] = []
        if question is None:
            warnings = _check_addition(cleaned, submitted=submitted)
            question = Question(cycle=locked)
            question.order = (locked.questions.aggregate(last=Max("order"))["last"] or 0) + 1
            created = True
            before = None
        else:
            _check_change(question, cleaned, submitted=submitted)
            created = False
            before = _line(question)
        for name, value in cleaned.items():
            setattr(question, name, value)
        question.full_clean(exclude=["cycle", "condition_question"])
        question.save()
        after = _line(question)
        if before != after:
            activity_record(
                cycle=locked,
                kind=ActivityKind.SETTING_CHANGED,
                actor=actor,
                subject="questions",
                data={"field": "questions", "old": before or "", "new": after},
            )
    return QuestionSaved(question=question, created=created, warnings=warnings)


def _line(question: Question) -> str:
    flags = []
    if question.required:
        flags.append("required")
    if not question.visible_to_reviewers:
        flags.append("office only")
    if question.retired:
        flags.append("retired")
    extra = f" [{', '.join(flags)}]" if flags else ""
    label = question.label_en  # type: ignore[attr-defined]  # modeltranslation's field
    return f"{label} ({question.kind}){extra}"


def question_retire(*, question: Question, actor, retired: bool = True) -> Question:
    """Retire a question (hidden from new answers, answers kept) or bring it back.

    A retired question's dependents are retired with it (they could never be shown).
    Bringing back a required question after the first submission is refused. Side
    effects: the question(s); a ``SETTING_CHANGED`` activity line.
    """
    _require_call_manager(question.cycle.program_id, actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=question.cycle_id)
        _check_call(locked)
        current = Question.objects.select_for_update().get(pk=question.pk)
        if current.retired == retired:
            return current
        before = _line(current)
        if not retired:
            if current.required and call_has_submissions(locked):
                raise ValidationError(
                    _(
                        "Applications have already been submitted: make the question "
                        "optional before bringing it back."
                    ),
                    code="required_after_submission",
                )
            condition = current.condition_question
            if condition is not None and condition.retired:
                raise ValidationError(
                    _("Bring back the question it depends on first."), code="parent_retired"
                )
        current.retired = retired
        current.save(update_fields=["retired"])
        if retired:
            current.dependents.update(retired=True)
        activity_record(
            cycle=locked,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="questions",
            data={"field": "questions", "old": before, "new": _line(current)},
        )
    return current


def question_delete(*, question: Question, actor) -> None:
    """Delete a question no application has answered (else ``ValidationError``: retire
    it). Side effects: the question and its unanswered (empty) answer rows; an activity
    line."""
    _require_call_manager(question.cycle.program_id, actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=question.cycle_id)
        _check_call(locked)
        current = Question.objects.select_for_update().get(pk=question.pk)
        if question_is_answered(current):
            raise ValidationError(
                _(
                    "Applications have answered this question, so it cannot be deleted; "
                    "retire it instead (its answers are kept)."
                ),
                code="question_answered",
            )
        if current.dependents.exists():
            raise ValidationError(
                _("Other questions depend on this one: change or delete them first."),
                code="question_has_dependents",
            )
        before = _line(current)
        current.answers.all().delete()
        current.delete()
        activity_record(
            cycle=locked,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="questions",
            data={"field": "questions", "old": before, "new": ""},
        )


def questions_reorder(*, cycle: Cycle, actor, order: list[int]) -> None:
    """Put ``cycle``'s questions in the order of ``order`` (their ids; every question of
    the call once). Order is presentation only: allowed in every phase but archived."""
    _require_call_manager(cycle.program_id, actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _check_call(locked)
        current = list(locked.questions.select_for_update().order_by("order", "pk"))
        if sorted(order) != sorted(question.pk for question in current):
            raise ValidationError(
                _("The questions changed meanwhile; reload the page."), code="stale"
            )
        by_pk = {question.pk: question for question in current}
        for position, pk in enumerate(order, start=1):
            by_pk[pk].order = position
        Question.objects.bulk_update(current, ["order"])


def questions_move(*, question: Question, actor, step: int) -> None:
    """Move a question up (``step`` -1) or down (+1) in its call's order."""
    order = list(question.cycle.questions.order_by("order", "pk").values_list("pk", flat=True))
    index = order.index(question.pk)
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        questions_reorder(cycle=question.cycle, actor=actor, order=order)


def questions_copy(*, source: Cycle, cycle: Cycle) -> int:
    """Copy ``source``'s questions that are not retired into ``cycle`` (a new call), in
    every language, conditions pointing at the copies. Returns how many."""
    copies: dict[int, Question] = {}
    questions = list(source.questions.filter(retired=False).order_by("order", "pk"))
    copied_fields = [
        *QUESTION_TEXTS,
        "kind",
        "choices",
        "required",
        "order",
        "visible_to_reviewers",
        "max_length",
        "min_number",
        "max_number",
        "condition_value",
    ]
    for question in sorted(questions, key=lambda q: q.condition_question_id is not None):
        copy = Question(cycle=cycle)
        for name in copied_fields:
            setattr(copy, name, getattr(question, name))
        if question.condition_question_id is not None:
            parent = copies.get(question.condition_question_id)
            if parent is None:
                continue
            copy.condition_question = parent
        copy.save()
        copies[question.pk] = copy
    return len(copies)
