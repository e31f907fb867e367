from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from common.http import parse_request_start, request_arrived_at

STAMP = datetime(2027, 3, 31, 14, 59, 57, 250000, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    ["t=1806505197.250", "t=1806505197250", "t=1806505197250000", "1806505197.25"],
)
def test_parse_request_start_reads_seconds_milliseconds_and_microseconds(raw):
    assert parse_request_start(raw) == STAMP


@pytest.mark.parametrize("raw", [None, "", "t=", "t=soon", "t=-5", "t=nan"])
def test_parse_request_start_refuses_what_is_not_a_time(raw):
    assert parse_request_start(raw) is None


def _request(stamp):
    return RequestFactory().post("/", headers={"X-Request-Start": f"t={stamp.timestamp()}"})


def test_arrival_is_the_proxys_stamp_when_a_proxy_is_trusted(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    stamp = timezone.now() - timedelta(seconds=4)

    assert abs(request_arrived_at(_request(stamp)) - stamp) < timedelta(milliseconds=1)


@pytest.mark.parametrize(
    ("proxies", "age"),
    [
        (0, timedelta(seconds=4)),  # nobody vouches for the header
        (1, timedelta(seconds=-30)),  # in the future
        (1, timedelta(minutes=2)),  # older than any queue
    ],
)
def test_arrival_is_now_when_the_stamp_is_not_believable(settings, proxies, age):
    settings.TRUSTED_PROXY_COUNT = proxies
    before = timezone.now()

    arrived = request_arrived_at(_request(before - age))

    assert before <= arrived <= timezone.now()
