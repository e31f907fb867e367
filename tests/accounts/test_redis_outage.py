"""An outage of Redis (the Celery broker) must not take logins down: the cache that
allauth's login throttling needs lives in the database."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.support.celery_worker import broker_unreachable

pytestmark = pytest.mark.django_db


def test_login_works_while_the_broker_is_unreachable(client):
    user = UserFactory(email="founder@example.com")

    with broker_unreachable():
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_cache_is_shared_through_the_database():
    cache = caches["default"]
    cache.set("probe", "value", 30)

    assert isinstance(cache, DatabaseCache)
    assert cache.get("probe") == "value"
