"""When a request reached the server, as told by a trusted proxy.

Behind the TLS proxy a request may wait in gunicorn's queue for seconds at the busiest
moment (the last minute before a deadline). The proxy stamps the moment it received the
request (``X-Request-Start``, as nginx's ``t=${msec}`` or Heroku's milliseconds); the
deadline is judged by that moment, and only when a proxy is trusted
(``TRUSTED_PROXY_COUNT`` > 0): without one anybody could send the header.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

REQUEST_START_HEADER = "X-Request-Start"
# A stamp older than this is not a queue but a wrong clock or a replayed header: ignored.
MAX_QUEUE_TIME = timedelta(seconds=60)


def parse_request_start(raw: str | None) -> datetime | None:
    """``t=1700000000.123`` (seconds), ``t=1700000000123`` (ms) or ``…123456`` (µs) →
    an aware UTC datetime; None when absent or malformed."""
    if not raw:
        return None
    value = raw.strip().removeprefix("t=")
    try:
        number = float(value)
    except ValueError:
        return None
    if number != number or number <= 0:  # NaN or nonsense
        return None
    if number > 1e14:
        number /= 1_000_000
    elif number > 1e11:
        number /= 1_000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def request_arrived_at(request: HttpRequest) -> datetime:
    """The moment the request reached the server: the trusted proxy's stamp if it is
    plausible (not in the future, at most ``MAX_QUEUE_TIME`` old), else now."""
    now = timezone.now()
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return now
    started = parse_request_start(request.headers.get(REQUEST_START_HEADER))
    if started is None or started > now or now - started > MAX_QUEUE_TIME:
        return now
    return started
