"""The schema side of the error contract: every operation declares its errors, and the
token scheme says how to authenticate."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .api import ErrorSerializer

# Developers' documentation (the schema), in English like the rest of the schema.
_ERRORS = {
    400: "Invalid input or filter (code `invalid`, or the service's own code).",
    401: "No credentials, or an unknown or revoked token (`not_authenticated`, `token_invalid`).",
    403: "Not allowed (`permission_denied`, `token_read_only`, or the service's own code "
    "such as `pledge_required`).",
    404: "Not found, or not yours to see (`not_found`).",
    409: "Refused in the current state (e.g. `review_locked`, `quota_exceeded`, "
    "`not_editable`, `deadline_passed`).",
    429: "Too many requests with this token (`throttled`).",
}


class ErrorsAutoSchema(AutoSchema):
    """Every operation declares the errors of the one contract: 400, 401, 403, 404 and 429
    everywhere (filters and pages are validated, tokens throttled), 409 for writes.
    A view adds what its own codes mean in ``error_codes`` ({status: description})."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        statuses = [400, 401, 403, 404, 429]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            statuses.append(409)
        extra = getattr(self.view, "error_codes", {})
        for code in statuses:
            key = str(code)
            if key in responses:
                continue
            description = extra.get(code, _ERRORS[code])
            responses[key] = self._get_response_for_code(ErrorSerializer, key, direction=direction)
            responses[key]["description"] = description
        return responses

    def get_auth(self):
        """Public reads say so: anyone may call them, with a token or without."""
        auth = super().get_auth()
        rules = getattr(self.view, "permission_rules", {})
        action = getattr(self.view, "action", None) or self.method.lower()
        rule = rules.get(action)
        if rule is not None and rule.public and {} not in auth:
            auth.append({})
        return auth


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token, created on your settings page "
                "(/accounts/settings/) and shown once: send it as "
                "`Authorization: Bearer <token>`. A read token may only read; a token "
                "limited to programs sees nothing of the others."
            ),
        }
