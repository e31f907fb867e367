from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import DocumentKind, Field


def _validate_choice_list(value, allowed: list[str]) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Enter a list of choices."), code="invalid")
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise ValidationError(
            _("Unknown choices: %(items)s."),
            code="unknown_choice",
            params={"items": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A choice is listed twice."), code="duplicate")


def validate_document_kinds(value) -> None:
    """A list of distinct ``DocumentKind`` values."""
    _validate_choice_list(value, DocumentKind.values)


def validate_fields(value) -> None:
    """A list of distinct ``Field`` values."""
    _validate_choice_list(value, Field.values)
