"""The UI language follows the user: Django's language cookie set from their setting."""

from django.conf import settings
from django.http import HttpResponseBase
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def is_portal_language(code: str | None) -> bool:
    return bool(code) and code in LANGUAGE_CODES


def follow_language(response: HttpResponseBase, language: str) -> None:
    """Switch this request to ``language`` and set the cookie that keeps it, exactly as
    Django's ``set_language`` view does."""
    if not is_portal_language(language):
        return
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
