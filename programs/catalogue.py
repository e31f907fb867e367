"""The catalogue's translated texts: which fields each item has in three languages, which
program's managers keep them, and whether the visitor reads a translation or the original.

Technologies and challenges are written in English first (the original, django-
modeltranslation's default language); a text not yet translated into the visitor's language
is shown in English, marked "Original in English" and with ``lang="en"`` so that a screen
reader reads it with the right voice.
"""

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from .enums import Track
from .models import Challenge, Technology

ORIGINAL_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE

# The texts of each kind of item, in the order the pages show them.
TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    Technology: ("title", "summary"),
    Challenge: ("title", "problem_statement", "expected_outcome", "poc_terms"),
}

# The catalogue each program keeps: iPark's joint R&D track names the technologies, the
# open innovation track the challenges. Only that program's managers edit them.
KINDS = {"technology": Technology, "challenge": Challenge}
TRACK_OF_KIND = {"technology": Track.JOINT_RND, "challenge": Track.OPEN_INNOVATION}


def kind_of(item) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(item, model))


def languages() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]


def localized_fields(model: type) -> list[str]:
    """``["title_en", "title_ko", "title_ja", "summary_en", …]`` of ``model``."""
    return [
        build_localized_fieldname(field, language)
        for field in TEXT_FIELDS[model]
        for language in languages()
    ]


def shown_language(item, field: str, language: str | None = None) -> str:
    """The language in which ``item``'s ``field`` reaches a reader of ``language`` (the
    active one by default): theirs when translated, else the original's."""
    language = (language or translation.get_language() or ORIGINAL_LANGUAGE).split("-")[0]
    if language not in languages():
        return ORIGINAL_LANGUAGE
    translated = getattr(item, build_localized_fieldname(field, language), "") or ""
    if translated.strip():
        return language
    return ORIGINAL_LANGUAGE


def shows_original(item, language: str | None = None) -> bool:
    """Whether any of ``item``'s texts falls back to the original for this reader."""
    language = (language or translation.get_language() or ORIGINAL_LANGUAGE).split("-")[0]
    if language == ORIGINAL_LANGUAGE:
        return False
    return any(
        shown_language(item, field, language) != language for field in TEXT_FIELDS[type(item)]
    )


def missing_languages(item) -> list[str]:
    """The languages (codes) in which some of ``item``'s texts are not translated yet."""
    return [
        language
        for language in languages()
        if language != ORIGINAL_LANGUAGE
        and any(
            shown_language(item, field, language) != language for field in TEXT_FIELDS[type(item)]
        )
    ]
