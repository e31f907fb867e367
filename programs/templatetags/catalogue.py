"""``{% catalogue_text item "summary" %}`` and ``{% original_badge item %}``: a catalogue
text in the reader's language, or in the original marked with its ``lang``."""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from ..catalogue import ORIGINAL_LANGUAGE, shown_language, shows_original

register = template.Library()


@register.simple_tag
def catalogue_text(item, field: str, words: int | None = None):
    """The text, wrapped in ``<span lang="en">`` when it falls back to the original."""
    text = getattr(item, field) or ""
    if words:
        text = truncatewords(text, words)
    language = shown_language(item, field)
    if language != (get_language() or ORIGINAL_LANGUAGE).split("-")[0]:
        return format_html('<span lang="{}">{}</span>', language, text)
    return text


@register.simple_tag
def original_badge(item):
    """The "Original in English" badge when some of the item's texts are not translated."""
    if not shows_original(item):
        return ""
    return format_html(
        '<span class="badge text-bg-light border original-language">{}</span>',
        gettext("Original in English"),
    )


@register.simple_tag
def keeps_catalogue(user) -> bool:
    """Whether ``user`` keeps some of the catalogue (a link to /manage/catalogue/)."""
    from ..catalogue import KINDS
    from ..services import catalogue_editable_by

    return any(catalogue_editable_by(user, kind) for kind in KINDS)
