"""Per-call questions as data: their kinds, what a valid answer of each kind is, and when a
conditional question is shown. Pure functions over plain values (no request, no ORM
writes), shared by the set-up service, the wizard, the submit check and the exports.

Stored answer values (JSON), by kind:

- ``short_text`` / ``long_text``: a string;
- ``single_choice``: the chosen choice's key; ``multiple_choice``: a list of keys;
- ``yes_no``: ``true`` / ``false``;
- ``number``: a number (an int when whole);
- ``date``: ``YYYY-MM-DD``;
- ``pdf``: nothing in the value (the file is kept beside it).

>>> spec = QuestionSpec(kind=QuestionKind.NUMBER, min_number=1, max_number=10)
>>> clean_answer(spec, "3")
3
>>> clean_answer(spec, "")  # nothing typed is no answer, never an error
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SHORT_TEXT_MAX = 200
LONG_TEXT_DEFAULT_MAX = 3000
LONG_TEXT_LIMIT = 20000


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    PDF = "pdf", _("PDF file")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# A question can be shown on the answer of one of these (one level of condition).
CONDITION_KINDS = frozenset({*CHOICE_KINDS, QuestionKind.YES_NO})
YES, NO = "yes", "no"


@dataclass(frozen=True)
class QuestionSpec:
    """What validating an answer needs to know of a question (a ``Question`` fits too)."""

    kind: str
    choices: list = field(default_factory=list)
    max_length: int | None = None
    min_number: Decimal | None = None
    max_number: Decimal | None = None


def choice_keys(choices) -> list[str]:
    return [str(choice.get("key", "")) for choice in choices or []]


def choice_label(choice: dict, language: str | None = None) -> str:
    """The label of a choice (``{"key", "label": {"en", "ko", "ja"}}``) in ``language``,
    falling back to English, then to the key."""
    labels = choice.get("label") or {}
    language = (language or get_language() or "en")[:2]
    return labels.get(language) or labels.get("en") or str(choice.get("key", ""))


def text_limit(spec) -> int:
    if spec.kind == QuestionKind.SHORT_TEXT:
        return min(spec.max_length or SHORT_TEXT_MAX, SHORT_TEXT_MAX)
    return spec.max_length or LONG_TEXT_DEFAULT_MAX


def is_empty(value) -> bool:
    """No answer: nothing, blank text, no choice ticked. ``False`` (a "no") is an answer."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def clean_answer(spec, raw):
    """The stored value for what was typed or chosen (``raw``: a string, or a list of
    strings for multiple choice), or ``None`` for no answer.

    Raises ``ValidationError`` (code ``invalid``, ``max_length``, ``min_value``,
    ``max_value``, ``invalid_choice``) for an answer the question does not accept. PDF
    answers are checked as files elsewhere (``applications.validators.validate_pdf``).
    """
    kind = spec.kind
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return _clean_multiple(spec, raw)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else ""
    if raw is None:
        return None
    if isinstance(raw, bool) and kind == QuestionKind.YES_NO:
        return raw
    text = str(raw)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        return _clean_text(spec, text)
    text = text.strip()
    if not text:
        return None
    if kind == QuestionKind.SINGLE_CHOICE:
        if text not in choice_keys(spec.choices):
            raise ValidationError(_("Choose among the options given."), code="invalid_choice")
        return text
    if kind == QuestionKind.YES_NO:
        return _clean_yes_no(text)
    if kind == QuestionKind.NUMBER:
        return _clean_number(spec, text)
    if kind == QuestionKind.DATE:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid") from None
    if kind == QuestionKind.PDF:
        return None
    raise ValueError(f"unknown question kind {kind!r}")


def _clean_multiple(spec, raw) -> list[str] | None:
    values = raw if isinstance(raw, list | tuple) else ([raw] if raw else [])
    values = [str(value) for value in values if str(value).strip()]
    if not values:
        return None
    keys = choice_keys(spec.choices)
    if any(value not in keys for value in values):
        raise ValidationError(_("Choose among the options given."), code="invalid_choice")
    # In the order of the choices, each once.
    return [key for key in keys if key in values]


def _clean_text(spec, text: str) -> str | None:
    text = text.strip() if spec.kind == QuestionKind.SHORT_TEXT else text.rstrip()
    if not text.strip():
        return None
    limit = text_limit(spec)
    if len(text) > limit:
        raise ValidationError(
            _("Keep the answer to %(limit)d characters (it has %(length)d).")
            % {"limit": limit, "length": len(text)},
            code="max_length",
        )
    return text


def _clean_yes_no(text: str) -> bool:
    lowered = text.lower()
    if lowered in (YES, "true", "1"):
        return True
    if lowered in (NO, "false", "0"):
        return False
    raise ValidationError(_("Answer yes or no."), code="invalid")


def _clean_number(spec, text: str):
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    if spec.min_number is not None and number < Decimal(spec.min_number):
        raise ValidationError(
            _("Enter a number of at least %(minimum)s.") % {"minimum": _plain(spec.min_number)},
            code="min_value",
        )
    if spec.max_number is not None and number > Decimal(spec.max_number):
        raise ValidationError(
            _("Enter a number of at most %(maximum)s.") % {"maximum": _plain(spec.max_number)},
            code="max_value",
        )
    return int(number) if number == number.to_integral_value() else float(number)


def _plain(number) -> str:
    number = Decimal(number)
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


def condition_met(condition_kind: str, condition_value: str, answer) -> bool:
    """Whether a conditional question is shown, given the answer of the question it
    depends on (``condition_kind`` is that question's kind).

    >>> condition_met(QuestionKind.YES_NO, "yes", True)
    True
    >>> condition_met(QuestionKind.MULTIPLE_CHOICE, "b", ["a", "b"])
    True
    >>> condition_met(QuestionKind.SINGLE_CHOICE, "a", None)
    False
    """
    if is_empty(answer):
        return False
    if condition_kind == QuestionKind.YES_NO:
        return answer is (condition_value == YES)
    if condition_kind == QuestionKind.MULTIPLE_CHOICE:
        return condition_value in answer
    return answer == condition_value


def shown_questions(questions, answers: dict) -> list:
    """The questions of ``questions`` shown for ``answers`` (``{question id: value}``):
    unconditional ones, and conditional ones whose condition is met."""
    by_id = {question.pk: question for question in questions}
    shown = []
    for question in questions:
        parent_id = question.condition_question_id
        if parent_id is None:
            shown.append(question)
            continue
        parent = by_id.get(parent_id)
        if parent is not None and condition_met(
            parent.kind, question.condition_value, answers.get(parent_id)
        ):
            shown.append(question)
    return shown


def answer_text(spec, value, *, file_name: str = "", language: str | None = None) -> str:
    """An answer as one line of text (pages, CSV/XLSX): choices by their labels, several
    joined with "; ", yes/no in words, a file by its name."""
    if spec.kind == QuestionKind.PDF:
        return file_name
    if is_empty(value):
        return ""
    if spec.kind == QuestionKind.YES_NO:
        return str(_("Yes") if value else _("No"))
    if spec.kind in CHOICE_KINDS:
        labels = {str(choice.get("key")): choice_label(choice, language) for choice in spec.choices}
        keys = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(str(key), str(key)) for key in keys)
    return str(value)


def validate_choices(choices) -> None:
    """Choices are a list of ``{"key": str, "label": {"en": …}}`` with distinct, non-empty
    keys and an English label each."""
    if not isinstance(choices, list):
        raise ValidationError(_("The options must be a list."), code="invalid")
    keys = []
    for choice in choices:
        if not isinstance(choice, dict) or not str(choice.get("key", "")).strip():
            raise ValidationError(_("Every option needs a key."), code="invalid")
        if not (choice.get("label") or {}).get("en", "").strip():
            raise ValidationError(_("Every option needs an English label."), code="invalid")
        keys.append(str(choice["key"]))
    if len(keys) != len(set(keys)):
        raise ValidationError(_("Two options have the same key."), code="invalid")
