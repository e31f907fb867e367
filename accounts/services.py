"""Writes of the accounts domain."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .language import is_portal_language
from .models import ApiToken, ApiTokenScope, User
from .tokens import token_generate


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


# --- Personal API tokens -----------------------------------------------------------------


def api_token_create(
    *, user: User, actor: User, name: str, scope: str, programs: Iterable = ()
) -> tuple[ApiToken, str]:
    """Create a personal API token for ``user``; returns the row and the token itself,
    which is shown once and never stored (only its SHA-256 is).

    Only the user creates their tokens (``PermissionDenied`` otherwise)."""
    if actor.pk != user.pk:
        raise PermissionDenied
    if scope not in ApiTokenScope.values:
        raise ValidationError(_("Choose read, or read and write."), code="scope")
    token, prefix, secret_hash = token_generate()
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, name=name.strip(), scope=scope, prefix=prefix, secret_hash=secret_hash
        )
        row.programs.set(programs)
    return row, token


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` at once (the next request with it is refused). Revoking twice
    keeps the first time. Its owner or a superuser (the admin) revokes it
    (``PermissionDenied`` otherwise)."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    token.refresh_from_db(fields=["revoked_at"])
    return token


LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_touch(*, token: ApiToken, now: datetime | None = None) -> None:
    """Record that ``token`` was used, to the minute: a conditional update, so a busy
    client writes the row at most once a minute."""
    now = now or timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now
