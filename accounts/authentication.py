"""Personal API tokens for the REST API: ``Authorization: Bearer <token>`` (or ``Token``).

The browser keeps session authentication (with CSRF); a back-office system sends a token.
A read token is refused for anything but reading, here, before any view runs, so no view
can forget it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from . import selectors, services
from .models import ApiToken

KEYWORDS = (b"bearer", b"token")


class ReadOnlyToken(exceptions.PermissionDenied):
    default_detail = _("This API token may only read.")
    default_code = "token_read_only"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”."), code="token_invalid"
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        row = selectors.api_token_for(token)
        if row is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is unknown or revoked."), code="token_invalid"
            )
        if not row.can_write and request.method not in SAFE_METHODS:
            raise ReadOnlyToken
        services.api_token_touch(token=row)
        return row.user, row

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (``API_TOKEN_THROTTLE_RATE``, e.g. ``600/minute``); the browser's
    session requests are not throttled here."""

    scope = "token"

    def get_rate(self):
        from django.conf import settings

        return settings.API_TOKEN_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
