import copy
import uuid

import pytest

from mou_portal.celery import app as celery_app
from programs.enums import Organisation
from tests.factories import ProgramManagerFactory, ReviewerFactory, UserFactory
from tests.support.celery_worker import running_worker
from tests.support.services import require_postgresql, require_redis


def pytest_ignore_collect(collection_path, config):
    """Benchmarks measure speed and run only under `make bench` (--benchmark-only); the
    test suite does not collect them at all rather than reporting them as skipped."""
    if "benchmarks" in collection_path.parts and not config.getoption("benchmark_only"):
        return True
    return None


def pytest_collection_modifyitems(items):
    """A transactional test (live server, real worker) ends by emptying the database,
    which also removes what data migrations wrote (the three programs). Serialized
    rollback puts that back before each such test, so no test depends on running before
    another one."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = set(getattr(item, "fixturenames", ()))
        if (marker and marker.kwargs.get("transaction")) or fixtures & {
            "transactional_db",
            "live_server",
        }:
            options = {**(marker.kwargs if marker else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**options, serialized_rollback=True), False)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager_by_default():
    """Tasks run in the test process unless a test starts a real worker
    (``tests.support.celery_worker.running_worker``), whatever REDIS_URL says."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Password hashing is deliberately slow; tests log in hundreds of times. What is
    tested is the login flow, not the hash (production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache_of_its_own(settings):
    """Each test gets its own cache key prefix, so allauth's rate limits (login
    throttling) and cached values never leak between tests, nor between test runs that
    share one Redis."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


# --- Personas ---------------------------------------------------------------------------


@pytest.fixture
def applicant(db):
    return UserFactory(
        email="applicant@example.com", display_name="Applicant", preferred_language="ko"
    )


@pytest.fixture
def other_applicant(db):
    return UserFactory(email="other@example.com", display_name="Other applicant")


@pytest.fixture
def mss_reviewer(db):
    return ReviewerFactory(
        user=UserFactory(email="mss.reviewer@example.com", preferred_language="ko"),
        organisation=Organisation.MSS,
    )


@pytest.fixture
def ipark_reviewer(db):
    return ReviewerFactory(
        user=UserFactory(email="ipark.reviewer@example.com", preferred_language="ja"),
        organisation=Organisation.IPARK,
    )


@pytest.fixture
def manager(db):
    return ProgramManagerFactory(
        user=UserFactory(email="manager@example.com"),
        organisation=Organisation.MSS,
    )


@pytest.fixture
def ipark_manager(db):
    return ProgramManagerFactory(
        user=UserFactory(email="ipark.manager@example.com"),
        organisation=Organisation.IPARK,
    )


@pytest.fixture
def operator(db):
    """A site operator: the only kind of user the Django admin lets in."""
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def maildir(tmp_path):
    """Where a real worker's e-mail lands, one file per message (``read_mail_dir``)."""
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker(maildir):
    """A real Celery worker on the Redis broker, against the test's PostgreSQL database,
    whose e-mail lands in ``maildir``; yields its queue."""
    require_postgresql()
    redis_url = require_redis()
    # Four slashes: django-environ reads the path after the third one as absolute.
    with running_worker(
        redis_url=redis_url, extra_env={"EMAIL_URL": f"filemail:///{maildir}"}
    ) as queue:
        yield queue
