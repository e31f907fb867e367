"""Settings for the MOU Portal, read from the environment only (twelve-factor).

Two modes share this one module:

* **embedded** (the default): SQLite, Celery tasks run eagerly, e-mail to the console,
  a fixed development secret. Enough to try the portal with ``make run``.
* **production** (``PRODUCTION=true``): refuses to start without ``SECRET_KEY``,
  ``DATABASE_URL``, ``REDIS_URL`` and ``ALLOWED_HOSTS``; secure cookies, HSTS and HTTPS
  redirects are on, so ``manage.py check --deploy`` passes with no warnings.

Every variable is read through django-environ's typed getters, which fail fast on a
malformed value (``DEBUG=maybe`` is an error, not ``False``).
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is an error, not ``False``."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


PRODUCTION = env_bool("PRODUCTION", default=False)


def _required(name: str) -> str:
    """A variable production cannot run without."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when PRODUCTION=true.")
    return value


if PRODUCTION:
    for _name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        _required(_name)

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="embedded-mode-only-not-secret-3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    # django.contrib.admin, closed to everyone but superusers (common/admin_site.py).
    "common.admin_config.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Bootstrap's CSS and JS, from the django-bootstrap-static package.
    "bootstrap",
    "common",
    "accounts",
    "programs",
    "applications",
    "partners",
    "reviews",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "common.middleware.RefusedTransitionMiddleware",
    "common.middleware.StorageUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "mou_portal.urls"
WSGI_APPLICATION = "mou_portal.wsgi.application"
ASGI_APPLICATION = "mou_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and the Celery broker (Redis) ----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

# The cache lives in the database, not in Redis: what uses it (allauth's login throttling,
# which fails closed when its cache is unreachable) must keep working through a Redis
# outage, and every web container shares it. Redis is the Celery broker only.
# The table is created by a migration (common/migrations), so `migrate` is enough.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}

# Without a broker (embedded mode) tasks run in the web process as they are queued.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="mou_portal")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Never give up on the broker (Celery's default stops after 100 retries): a worker outlives
# any Redis outage and carries on when it is back.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A web request must not hang on a dead broker: give up quickly (and on a broker that
# vanished without closing the connection, after a few seconds rather than never); the
# notification outbox re-queues what could not be queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Results are kept only for tasks that ask for them (``ignore_result=False``): queueing a
# task whose result is kept also subscribes to the result backend, which with Redis down
# blocks the caller for 20 s of reconnection attempts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # The outbox sweep: pending notifications whose message never reached a worker.
    "notifications-requeue-pending": {
        "task": "notifications.requeue_pending",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reminders before deadlines (notifications.reminders); each is sent once.
    "notifications-send-reminders": {
        "task": "notifications.send_reminders",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    # Exports past their time to live: their files deleted (reviews.services.exporting).
    "reviews-sweep-expired-exports": {
        "task": "reviews.sweep_expired_exports",
        "schedule": 60 * 60.0,
        "options": {"expires": 50 * 60},
    },
    # Announcement runs whose worker died (reviews.services.announcing).
    # Partners: new proposals after screening, reminders before the selection meeting,
    # matches at the announcement (partners.services.partners_notify); each sent once.
    "partners-notify": {
        "task": "partners.notify",
        "schedule": 15 * 60.0,
        "options": {"expires": 14 * 60},
    },
    "reviews-resume-announcements": {
        "task": "reviews.resume_announcements",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
}
# Hours a manager's background export (.xlsx) stays downloadable; then 410 Gone and swept.
EXPORT_FILE_TTL_HOURS = env.int("EXPORT_FILE_TTL_HOURS", default=24)
# The background announcement: applications per transaction, and a pause between chunks
# (seconds) to spread the e-mail over time.
ANNOUNCEMENT_CHUNK_SIZE = env.int("ANNOUNCEMENT_CHUNK_SIZE", default=200)
ANNOUNCEMENT_CHUNK_PAUSE_SECONDS = env.float("ANNOUNCEMENT_CHUNK_PAUSE_SECONDS", default=0.0)

# --- Authentication --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# Account flows (sign-up, e-mail verification, password reset, throttling): django-allauth.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MOU Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Sign-up asks for the display name and language too; allauth's e-mails go out in the
# recipient's language and the UI follows the user's language at login.
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Login throttling is allauth's (cache-backed, so shared by every web process through
# Redis in production). Its default for failed logins is 10 a minute per IP address and
# 5 per e-mail address in 5 minutes; after that even the right password is refused
# until the window has passed.

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen in the switcher, or set from the user's setting at login, lasts
# beyond the browser session (Django's default cookie dies with it).
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in Korea/Japan time (both UTC+9, no daylight saving).
TIME_ZONE = "Asia/Seoul"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

# --- Static and uploaded files ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents are private: never served by a static handler, only through views
# that check permission.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Largest application document accepted (bytes); the refusal message states it.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# A document's pages, and the decompressed size of all its streams together (a 20 MB PDF of
# scanned pages stays far below; a "zip bomb" PDF does not).
# /healthz/full answers 503 past these: the oldest pending notification's age (seconds) and
# the number of notifications whose e-mail failed for good.
HEALTH_MAX_PENDING_AGE = env.int("HEALTH_MAX_PENDING_AGE", default=15 * 60)
HEALTH_MAX_FAILED = env.int("HEALTH_MAX_FAILED", default=0)
DOCUMENT_MAX_PAGES = env.int("DOCUMENT_MAX_PAGES", default=300)
DOCUMENT_MAX_INFLATED_BYTES = env.int("DOCUMENT_MAX_INFLATED_BYTES", default=64 * 1024 * 1024)
# Outside production, WhiteNoise serves straight from the apps' static folders (no
# collectstatic needed); production serves the collected, hashed and compressed files.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}


# --- Documents in S3-compatible object storage (optional) --------------------------------
def env_positive_float(name: str, *, default: float) -> float:
    value = env.float(name, default=default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be more than 0, not {value}.")
    return value


# With a bucket, documents (and exports) live there instead of MEDIA_ROOT, so web and worker
# containers on several hosts share them. Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY (or the host's role). Files stay private: downloads are streamed
# by the permission-checked views (common/storage.py).
DOCUMENTS_S3_BUCKET = env.str("DOCUMENTS_S3_BUCKET", default="")
if DOCUMENTS_S3_BUCKET:
    _addressing = env.str("DOCUMENTS_S3_ADDRESSING_STYLE", default="auto")
    if _addressing not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured(
            f"DOCUMENTS_S3_ADDRESSING_STYLE must be auto, path or virtual, not {_addressing!r}."
        )
    STORAGES["default"] = {
        "BACKEND": "common.storage.DocumentS3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DOCUMENTS_S3_REGION", default="") or None,
            "location": env.str("DOCUMENTS_S3_PREFIX", default="").strip("/"),
            "addressing_style": _addressing,
            "connect_timeout": env_positive_float("DOCUMENTS_S3_CONNECT_TIMEOUT", default=3.0),
            "read_timeout": env_positive_float("DOCUMENTS_S3_READ_TIMEOUT", default=20.0),
        },
    }

# --- E-mail ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="MOU Portal <noreply@mou-portal.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[MOU Portal] "
# An SMTP server that stops answering must not hold a worker (and a locked notification
# row) forever; a timeout is a transient failure, retried with backoff.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Forms and API ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Requests per personal API token, e.g. ``600/minute`` (DRF's rate syntax; checked here).
API_TOKEN_THROTTLE_RATE = env.str("API_TOKEN_THROTTLE_RATE", default="600/minute")
if not re.fullmatch(
    r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_TOKEN_THROTTLE_RATE
):
    raise ImproperlyConfigured(
        f"API_TOKEN_THROTTLE_RATE must look like 600/minute, not {API_TOKEN_THROTTLE_RATE!r}."
    )
REST_FRAMEWORK = {
    # A back-office system sends a personal token; the browser keeps its session (with
    # CSRF). The token class comes first so an anonymous call is answered 401 with a
    # WWW-Authenticate header that says how to authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Default deny: a view that forgets its permission is closed, not world-readable.
    # Every view declares its rules through ``common.api.RulesPermission``.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.authentication.TokenRateThrottle"],
    # The API speaks JSON; the one upload (a document) declares multipart on its action.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "common.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "common.schema.ErrorsAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["common.api.StrictFilterBackend"],
    "EXCEPTION_HANDLER": "common.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MOU Portal API",
    "DESCRIPTION": "Programs of the MSS–iPark (Korea–Japan) MOU: cycles, rubric, "
    "technology catalogue, challenge board, applications and reviews.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several fields are named "kind": one enum name per choice set.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "programs.enums.DocumentKind",
        "ActivityKindEnum": "programs.enums.ActivityKind",
        "NotificationKindEnum": "notifications.enums.NotificationKind",
    },
}

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp), in every mode so that development and the browser
# tests see what production enforces: only the portal's own scripts, styles, images and
# fonts (no inline script or style; htmx's indicator style is in portal.css), no plugins,
# no framing, forms posting only here. The Swagger UI has its own, wider policy
# (``mou_portal.urls``).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The container health check calls plain HTTP inside the container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/full)?$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


# --- Behind the TLS proxy ------------------------------------------------------------------
def env_non_negative_int(name: str, *, default: int) -> int:
    value = env.int(name, default=default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more, not {value}.")
    return value


# How many proxies in front of the portal append to X-Forwarded-For (0: none trusted, the
# client is REMOTE_ADDR). Login throttling (allauth) counts per the address found this way,
# and the proxy's X-Request-Start header is believed only when a proxy is trusted.
TRUSTED_PROXY_COUNT = env_non_negative_int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Seconds after a call's deadline during which a submission is still accepted (never shown
# to applicants): absorbs the last seconds between the click and the server.
SUBMISSION_GRACE_SECONDS = env_non_negative_int("SUBMISSION_GRACE_SECONDS", default=5)

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
