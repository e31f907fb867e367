"""The format of personal API tokens: ``mou_<prefix>_<secret>``. Pure functions, no ORM.

The prefix (8 characters) is stored in clear to find the token; the whole token is stored
only as its SHA-256. 32 random bytes make the secret, so a plain hash (no salt, no
stretching) is enough: there is nothing to guess from a dictionary."""

import hashlib
import hmac
import secrets

TOKEN_START = "mou_"  # noqa: S105 (the public start of every token, not a secret)
PREFIX_LENGTH = 8


def token_generate() -> tuple[str, str, str]:
    """A new token: ``(token, prefix, sha256 of token)``."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    """The lookup prefix of ``token``, or ``None`` when it is not shaped like one.

    >>> token_prefix("mou_0a1b2c3d_secret")
    '0a1b2c3d'
    >>> token_prefix("something else") is None
    True
    """
    if not token.startswith(TOKEN_START):
        return None
    prefix, sep, secret = token[len(TOKEN_START) :].partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
