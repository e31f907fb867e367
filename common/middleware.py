"""Middleware with more than one user: a refused state change, or a document store that
does not answer, is an answer, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from common.exceptions import TransitionError
from common.storage import StorageUnavailable


class RefusedTransitionMiddleware:
    """The safety net under every view: a ``TransitionError`` that a view did not handle
    itself (two people acting on one object at the same moment, the second one finding
    it already moved on) answers with the refusal's message and the current state.

    * API (``/api/``): 409 with the error contract ``{"code", "detail", "fields"}``.
    * Pages: the message is flashed and the browser is sent (303) to the page it came
      from, or the page it asked for, where the object is shown as it is now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TransitionError):
            return None
        detail = " ".join(exception.messages) or _("This change is no longer possible.")
        code = getattr(exception, "code", None) or "transition_not_allowed"
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "detail": detail, "fields": {}}, status=409)
        messages.error(request, detail)
        target = request.path if request.method in ("GET", "HEAD") else None
        referer = request.headers.get("Referer", "")
        if target is None and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = referer
        response = redirect(target or "/")
        response.status_code = 303
        return response


class StorageUnavailableMiddleware:
    """A document store that does not answer (``common.storage.StorageUnavailable``) is a
    503 that says to try again, never a 500: the API with the error contract (code
    ``storage_unavailable``), pages with a short page. Views that can say more (the upload
    step, which shows the draft as it is) handle it themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageUnavailable):
            return None
        if request.path.startswith("/api/"):
            body = {"code": exception.code, "detail": str(exception), "fields": {}}
            return JsonResponse(body, status=exception.status)
        response = render(
            request, "503_storage.html", {"message": str(exception)}, status=exception.status
        )
        response["Retry-After"] = "60"
        return response
