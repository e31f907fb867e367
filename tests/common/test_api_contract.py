"""The API's house rules, checked over every route: default deny (each view uses the one
rules permission class and names a rule for each of its actions), one place registering
the routes, and one error shape."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from common.api import RulesPermission

pytestmark = pytest.mark.django_db


def _api_views(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield route, pattern.callback


def _actions(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return {name for method, name in actions.items() if method not in ("head", "options")}
    view = callback.view_class
    return {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}


def test_default_permission_is_authenticated():
    assert [cls.__name__ for cls in api_settings.DEFAULT_PERMISSION_CLASSES] == ["IsAuthenticated"]


def test_every_api_view_declares_a_rule_for_each_of_its_actions():
    views = [
        (route, cb) for route, cb in _api_views() if hasattr(cb, "cls") or hasattr(cb, "view_class")
    ]
    undeclared = []
    for route, callback in views:
        view = getattr(callback, "cls", None) or callback.view_class
        if view.__name__ == "APIRootView":
            continue
        if RulesPermission not in view.permission_classes:
            undeclared.append((route, "permission_classes"))
            continue
        missing = _actions(callback) - set(view.permission_rules)
        if missing:
            undeclared.append((route, sorted(missing)))
    assert len(views) > 10
    assert undeclared == []


def _view_module(callback) -> str | None:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return view.__module__ if view is not None else None


def test_api_routes_are_registered_in_one_place():
    from mou_portal import api_urls

    everywhere = {_view_module(callback) for _route, callback in _api_views()} - {None}
    registered = {_view_module(pattern.callback) for pattern in api_urls.urlpatterns} - {None}
    assert registered >= {
        "applications.api",
        "notifications.api",
        "programs.api",
        "reviews.api.reviewing",
        "reviews.api.selection",
    }
    assert everywhere <= registered | {"rest_framework.routers"}


def test_unknown_routes_and_errors_share_one_shape():
    response = APIClient().get("/api/v1/cycles/999999/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found.", "fields": {}}
