"""A refused state change that no view handled is an answer with the current state, never a
500: pages get the message and go back; the API gets 409 with the error contract."""

import json

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from common.middleware import RefusedTransitionMiddleware
from programs.services import TransitionError

pytestmark = pytest.mark.django_db

REFUSED = TransitionError("A cycle cannot go from “Open” to “Open”.", code="transition_not_allowed")


def _request(method, path, **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_refused_transition_in_a_page_post_goes_back_with_the_message():
    request = _request("post", "/manage/cycles/3/open/", HTTP_REFERER="http://testserver/manage/")

    response = RefusedTransitionMiddleware(lambda r: None).process_exception(request, REFUSED)

    assert response.status_code == 303
    assert response["Location"] == "http://testserver/manage/"
    assert [str(m) for m in get_messages(request)] == ["A cycle cannot go from “Open” to “Open”."]


def test_refused_transition_never_redirects_to_another_site():
    request = _request("post", "/manage/cycles/3/open/", HTTP_REFERER="https://evil.example/")

    response = RefusedTransitionMiddleware(lambda r: None).process_exception(request, REFUSED)

    assert response["Location"] == "/"


def test_refused_transition_in_the_api_is_409_with_the_error_contract():
    request = _request("post", "/api/v1/cycles/3/open/")

    response = RefusedTransitionMiddleware(lambda r: None).process_exception(request, REFUSED)

    assert response.status_code == 409
    assert json.loads(response.content) == {
        "code": "transition_not_allowed",
        "detail": "A cycle cannot go from “Open” to “Open”.",
        "fields": {},
    }


def test_other_exceptions_are_left_alone():
    request = _request("post", "/x/")
    assert (
        RefusedTransitionMiddleware(lambda r: None).process_exception(request, KeyError()) is None
    )
