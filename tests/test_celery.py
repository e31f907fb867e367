"""Celery smoke test: a task goes through the Redis broker to a real worker process."""

import pytest

from mou_portal.celery import ping
from tests.support.celery_worker import running_worker
from tests.support.services import require_redis

pytestmark = pytest.mark.celery_worker


def test_task_round_trips_through_a_real_worker():
    redis_url = require_redis()

    with running_worker(redis_url=redis_url) as queue:
        result = ping.apply_async(args=["hello from the test"], queue=queue)
        value = result.get(timeout=30)

    assert value == "hello from the test"
    assert result.successful()
