"""What every API view shares: the one permission class (actions → named django-rules
permissions, as the pages check them), the limit of a token to programs, the one error
contract and its exception handler, pagination, and the schema of the errors.

Every error the API answers is ``{"code": "...", "detail": "...", "fields": {...}}``:

* ``code``: stable, for programs (``not_found``, ``permission_denied``,
  ``not_authenticated``, ``token_invalid``, ``token_read_only``, ``invalid``,
  ``throttled``, and the services' own: ``review_locked``, ``quota_exceeded``,
  ``pledge_required``, ``not_editable``, ``deadline_passed``, …);
* ``detail``: a sentence for people, in the caller's language;
* ``fields``: the messages per input field (``{}`` when none), nested names joined with
  dots (``scores.0.score``).

A service's ``TransitionError`` (a state change the table or a precondition refuses) is a
409, any other ``ValidationError`` a 400, ``PermissionDenied`` a 403, ``Http404`` a 404,
``StorageUnavailable`` (the document store does not answer) a 503 ``storage_unavailable``.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from common.exceptions import TransitionError
from common.storage import StorageUnavailable

# --- Permissions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Who may do one action of a view.

    ``user``: a named rule on the user alone, checked before anything is fetched
    (``reviews.act_as_reviewer``); ``object``: a named rule on the fetched object
    (``applications.view_application``), the same name the page checks; ``public``:
    anyone may, signed in or not (reads only)."""

    user: str | None = None
    object: str | None = None
    public: bool = False


PUBLIC = Rule(public=True)
SIGNED_IN = Rule()


def _action(view, request) -> str:
    action = getattr(view, "action", None)
    if action:
        return action
    method = request.method.lower()
    return "get" if method == "head" else method


class RulesPermission(permissions.BasePermission):
    """The one permission class of the API. A view lists its actions in
    ``permission_rules`` (viewset actions, or lower-case HTTP methods for a plain view);
    an action it does not list is refused, whoever asks (default deny)."""

    def has_permission(self, request, view) -> bool:
        method = request.method.lower()
        if method == "options" or not (
            getattr(view, "action", None) or getattr(view, method, None)
        ):
            # DRF describes the view (OPTIONS), or answers 405 for a method it lacks.
            return True
        rule = view.permission_rules.get(_action(view, request))
        if rule is None:
            return False
        if rule.public:
            return request.method in permissions.SAFE_METHODS
        if not (request.user and request.user.is_authenticated):
            return False
        return rule.user is None or request.user.has_perm(rule.user)

    def has_object_permission(self, request, view, obj) -> bool:
        rule = view.permission_rules.get(_action(view, request))
        if rule is None:
            return False
        return rule.object is None or request.user.has_perm(rule.object, obj)


# --- Tokens limited to programs ---------------------------------------------------------


def token_programs(request) -> frozenset[int] | None:
    """The programs the request's API token is limited to; ``None`` when it is not (or
    the request has no token)."""
    return getattr(request.auth, "program_ids", None)


def require_token_program(request, program_id: int) -> None:
    """404 when the request's token is limited to other programs: it sees nothing of
    them, not even that they exist."""
    programs = token_programs(request)
    if programs is not None and program_id not in programs:
        raise Http404


class ApiViewMixin:
    """For every API view: the rules permission, and the limit of a token to programs
    applied to the view's queryset (``program_field``: the lookup from a row to its
    program, ``None`` for rows that belong to no program)."""

    permission_classes = [RulesPermission]
    permission_rules: dict[str, Rule] = {}
    program_field: str | None = None

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        programs = token_programs(self.request)
        if programs is not None and self.program_field:
            queryset = queryset.filter(**{f"{self.program_field}__in": programs})
        return queryset


# --- Errors -----------------------------------------------------------------------------


class ServiceRefusal(exceptions.APIException):
    """A service's ``ValidationError`` (400) or ``TransitionError`` (409), keeping its
    code and its messages per field."""

    def __init__(self, *, status_code: int, code: str, detail: str, fields: dict):
        self.status_code = status_code
        self.code = code
        self.fields = fields
        super().__init__(detail=detail, code=code)


def _code_of(error: DjangoValidationError) -> str:
    for item in error.error_list if not hasattr(error, "error_dict") else _items(error):
        if item.code:
            return item.code
    return "invalid"


def _items(error: DjangoValidationError):
    for items in error.error_dict.values():
        yield from items


def refusal_from(error: DjangoValidationError) -> ServiceRefusal:
    """The API error of a service's ``ValidationError``."""
    status_code = getattr(error, "api_status", None) or (
        409 if isinstance(error, TransitionError) else 400
    )
    code = getattr(error, "api_code", None) or _code_of(error)
    fields: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        messages = error.message_dict
        general = messages.pop(NON_FIELD_ERRORS, [])
        fields = messages
        detail = " ".join(general) or str(_("Check the fields marked."))
    else:
        detail = " ".join(error.messages)
    fields = {**fields, **getattr(error, "api_fields", {})}
    return ServiceRefusal(status_code=status_code, code=code, detail=detail, fields=fields)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as ``{"a.0.b": ["message"]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}{index}."))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix.rstrip("."): [str(item) for item in items]} if items else {}


def _first_code(detail) -> str | None:
    if isinstance(detail, dict):
        detail = list(detail.values())
    if isinstance(detail, list):
        for item in detail:
            code = _first_code(item)
            if code:
                return code
        return None
    return getattr(detail, "code", None)


def error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, ServiceRefusal):
        return {"code": exc.code, "detail": str(exc.detail), "fields": exc.fields}
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            general = detail.pop(NON_FIELD_ERRORS, None) or detail.pop("non_field_errors", None)
            fields = _flatten(detail)
            # Field errors are "invalid" as a whole; a general error keeps its own code.
            code = (_first_code(general) if general else None) or "invalid"
            text = " ".join(str(m) for m in general) if general else _("Check the fields marked.")
            return {"code": code, "detail": str(text), "fields": fields}
        items = detail if isinstance(detail, list) else [detail]
        return {
            "code": _first_code(items) or "invalid",
            "detail": " ".join(str(m) for m in items),
            "fields": {},
        }
    if isinstance(detail, list | dict):
        items = list(detail.values()) if isinstance(detail, dict) else detail
        return {
            "code": _first_code(items) or exc.default_code,
            "detail": " ".join(str(m) for m in items),
            "fields": {},
        }
    return {
        "code": getattr(detail, "code", None) or exc.default_code,
        "detail": str(detail),
        "fields": {},
    }


def exception_handler(exc, context):
    """The one exception handler of the API (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``)."""
    if isinstance(exc, DjangoValidationError):
        exc = refusal_from(exc)
    elif isinstance(exc, StorageUnavailable):
        exc = ServiceRefusal(status_code=exc.status, code=exc.code, detail=str(exc), fields={})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif not isinstance(exc, exceptions.APIException):
        exc = exceptions.PermissionDenied(*([str(exc)] if str(exc) else []))
    response.data = error_body(exc)
    return response


class ErrorSerializer(serializers.Serializer):
    """Every error of the API."""

    code = serializers.CharField(help_text="Stable, for programs: e.g. quota_exceeded.")
    detail = serializers.CharField(help_text="For people, in the caller's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (nested names joined with dots); {} if none.",
    )


__all__ = [
    "PUBLIC",
    "SIGNED_IN",
    "ApiViewMixin",
    "ErrorSerializer",
    "IdFilter",
    "Rule",
    "RulesPermission",
    "StrictFilterBackend",
    "exception_handler",
    "require_token_program",
    "token_programs",
]


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An id filter: a whole number; an unknown id filters to nothing (never a 400)."""

    field_class = forms.IntegerField


# Filters whose empty value is not a value of their type (an empty text is a text).
_TYPED_FILTERS = (
    django_filters.NumberFilter,
    django_filters.BooleanFilter,
    django_filters.IsoDateTimeFilter,
    django_filters.DateTimeFilter,
)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, minus its leniency: a filter given twice, an empty number, boolean or
    time, or a boolean that is not ``true``/``false`` answers 400 (django-filter would
    silently not filter)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        errors = {}
        for name, filter_ in filterset.filters.items():
            values = request.query_params.getlist(name)
            if not values:
                continue
            typed = isinstance(filter_, _TYPED_FILTERS)
            if len(values) > 1 or (typed and values[0] == ""):
                errors[name] = [_("Give this filter one value, or leave it out.")]
            elif isinstance(filter_, django_filters.BooleanFilter) and values[0] not in (
                "true",
                "false",
            ):
                errors[name] = [_("Give true or false.")]
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset
