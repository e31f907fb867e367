"""Keeping the catalogue's texts in three languages: the managers of the program whose
calls offer an item (``catalogue.TRACK_OF_KIND``) edit its English original and its Korean
and Japanese translations in the portal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from ..catalogue import ORIGINAL_LANGUAGE, TEXT_FIELDS, TRACK_OF_KIND, kind_of, localized_fields
from ..models import Program
from ..rules import is_program_manager


def catalogue_editable_by(user, kind: str) -> bool:
    """Whether ``user`` manages the program that keeps this kind of catalogue item."""
    program = Program.objects.filter(track=TRACK_OF_KIND[kind]).first()
    return program is not None and user.is_authenticated and is_program_manager(user, program)


def catalogue_texts_update(*, item, actor, texts: dict[str, str]) -> list[str]:
    """Save ``item``'s texts (``title_en`` … ``summary_ja``); return the fields changed.

    Only a manager of the item's program may; the English original may not be emptied (it
    is what every reader falls back to). A translation left empty falls back to English.
    Side effects: saves the changed fields only (``update_fields``), in one transaction.
    """
    kind = kind_of(item)
    if actor is None or not catalogue_editable_by(actor, kind):
        raise PermissionDenied(_("Only a program manager of this program can do this."))
    allowed = set(localized_fields(type(item)))
    unknown = set(texts) - allowed
    if unknown:
        raise ValueError(f"not a catalogue text: {sorted(unknown)}")
    errors = {
        build_localized_fieldname(field, ORIGINAL_LANGUAGE): _(
            "The English original cannot be empty."
        )
        for field in TEXT_FIELDS[type(item)]
        if build_localized_fieldname(field, ORIGINAL_LANGUAGE) in texts
        and not texts[build_localized_fieldname(field, ORIGINAL_LANGUAGE)].strip()
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = type(item).objects.select_for_update().get(pk=item.pk)
        changed = []
        for name, value in texts.items():
            value = value.strip()
            # An empty translation is stored as NULL, modeltranslation's "not translated".
            stored = value or (None if not name.endswith(f"_{ORIGINAL_LANGUAGE}") else "")
            if (getattr(locked, name) or "") != value:
                setattr(locked, name, stored)
                changed.append(name)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
    return [name for name in changed if name in allowed]
