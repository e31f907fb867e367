"""Reads of the accounts domain."""

from django.db.models import Prefetch, QuerySet

from .models import ApiToken
from .tokens import token_matches, token_prefix


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked ones included (as a record)."""
    return ApiToken.objects.filter(user=user).prefetch_related(
        Prefetch("programs", queryset=_programs().objects.order_by("order", "pk"))
    )


def api_token_for(token: str) -> ApiToken | None:
    """The active token ``token`` of an active user, with ``program_ids`` (``None`` for a
    token not limited to programs); ``None`` for anything else."""
    prefix = token_prefix(token)
    if prefix is None:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None or not token_matches(token, row.secret_hash):
        return None
    program_ids = frozenset(row.programs.values_list("pk", flat=True))
    row.program_ids = program_ids or None  # type: ignore[attr-defined]
    return row


def _programs():
    """The Program model, through the token's relation: accounts sits below programs in
    the apps' layering (``tests/test_architecture.py``), so it names no programs module."""
    from .models import ApiToken

    return ApiToken._meta.get_field("programs").related_model
