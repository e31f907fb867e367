"""Writes of the accounts domain."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .language import is_portal_language
from .models import User


def user_update_settings(
    *, user: User, actor: User, display_name: str, preferred_language: str, email_opt_out: bool
) -> User:
    """Save a user's own settings (display name, language, e-mail opt-out).

    Only the user changes their settings (``PermissionDenied`` otherwise). Saves
    ``update_fields`` only.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    if not is_portal_language(preferred_language):
        raise ValidationError(_("Choose one of the portal's languages."), code="language")
    with transaction.atomic():
        user.display_name = display_name.strip()
        user.preferred_language = preferred_language
        user.email_opt_out = email_opt_out
        user.save(update_fields=["display_name", "preferred_language", "email_opt_out"])
    return user


def user_set_language(*, user: User, language: str) -> bool:
    """Remember ``language`` as the user's preferred one (the header switcher). Returns
    whether anything changed; an unknown code changes nothing."""
    if not is_portal_language(language) or user.preferred_language == language:
        return False
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language
    return True
