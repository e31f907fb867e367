"""Helpers for the API tests: clients with tokens, and counting a request's queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import ApiTokenScope
from accounts.services import api_token_create


def token_for(user, scope: str = ApiTokenScope.WRITE, programs=()) -> str:
    return api_token_create(user=user, actor=user, name="test", scope=scope, programs=programs)[1]


def token_client(user, scope: str = ApiTokenScope.WRITE, programs=()) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope, programs)}")
    return client


def queries(client, url: str, params: dict | None = None) -> tuple[int, dict]:
    """The number of queries one GET of ``url`` makes, and its JSON body. A first request
    warms up what happens once a minute (a token's last use, the throttle's cache row)."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return len(captured), response.json()
