"""Settings for the Iqama service.

Everything that differs between a laptop demo and production comes from the environment:
``DATABASE_URL`` (PostgreSQL; SQLite when unset), ``REDIS_URL`` (channels-redis; the in-memory
channel layer when unset), ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DEBUG``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IQAMA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# Browser origins allowed to open the GraphQL websocket (cross-site websocket hijacking guard).
WEBSOCKET_ALLOWED_ORIGINS = os.environ.get(
    "WEBSOCKET_ALLOWED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
).split(",")
CSRF_TRUSTED_ORIGINS = WEBSOCKET_ALLOWED_ORIGINS

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "strawberry_django",
    "core",
    "core.renewals",
    "core.documents",
    "django_tasks",
    "django_tasks_db",
    "realtime",
    "payments",
]

# Django's own middleware, sync-only: one thread hop per request under ASGI (iqama/middleware.py).
MIDDLEWARE = [
    "iqama.middleware.SecurityMiddleware",
    "iqama.middleware.SessionMiddleware",
    "iqama.middleware.LocaleMiddleware",
    "iqama.middleware.CommonMiddleware",
    "iqama.middleware.CsrfViewMiddleware",
    "iqama.middleware.AuthenticationMiddleware",
    "iqama.middleware.MessageMiddleware",
    "iqama.middleware.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "iqama.urls"
ASGI_APPLICATION = "iqama.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'iqama.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# The test database's name: unique per test run (tests/runner.py sets it), so that runs on one
# machine never trip over each other.
_TEST_DB = os.environ.get("TEST_DB_NAME", "test_iqama")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that daphne processes started by the realtime tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"{_TEST_DB}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Transactions take the write lock when they begin, waiting up to the timeout: a deferred
    # one that reads and then writes fails at once with "database is locked" when another
    # connection (a request's thread, the in-process worker) writes at the same time.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["TEST"] = {"NAME": _TEST_DB}
    # A connection pool per process (psycopg_pool). Under ASGI every request runs in a thread
    # of its own, so Django's persistent connections do not apply (one connection per thread,
    # never reused) and without a pool each request paid for a new PostgreSQL backend: some
    # 5 ms of latency, and as many backends as requests in flight. The pool also bounds the
    # connections one process holds; a request waits up to DB_POOL_TIMEOUT for one.
    _pool_size = int(os.environ.get("DB_POOL_MAX_SIZE", "20"))
    if _pool_size > 0 and not DATABASES["default"].get("CONN_MAX_AGE"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, _pool_size),
            "max_size": _pool_size,
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),
        }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # socket_timeout=None: redis-py 8 otherwise times out the blocking read that
                # an idle subscriber sits in, and the websocket is dropped after ~5 s.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "iqama"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background work (agency checks) through django-tasks with its database backend: durable in
# whatever database the service uses, run by `manage.py renewal_worker` (see docs/workers.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How long a worker's claim on an agency check lasts (a killed worker's check is taken over once
# it runs out: keep it above the slowest agency's answer), how often every worker looks for such
# checks, and the backoff of a check whose agency is down (seconds by attempt; the last repeats).
CHECK_LEASE_SECONDS = float(os.environ.get("CHECK_LEASE_SECONDS", "60"))
CHECK_SWEEP_SECONDS = float(os.environ.get("CHECK_SWEEP_SECONDS", "5"))
CHECK_RETRY_DELAYS = [
    float(s) for s in os.environ.get("CHECK_RETRY_DELAYS", "5,15,60,300,900").split(",")
]
# `make run` sets IQAMA_INPROCESS_WORKER=1: a worker thread inside daphne (iqama/asgi.py), for
# the in-memory channel layer, which cannot carry a separate worker's events to subscribers.
INPROCESS_WORKER = os.environ.get("IQAMA_INPROCESS_WORKER", "0") == "1"

SERVE_AGENCY_SIMULATOR = os.environ.get("SERVE_AGENCY_SIMULATOR", "0") == "1"
# How the simulated agencies misbehave (docs/agencies.md); for one process from the environment:
# AGENCY_SIMULATOR_LATENCY_MS="min,max" (or one value), AGENCY_SIMULATOR_OUTAGE="health,courts".
# Keys left out keep the simulator's defaults.
AGENCY_SIMULATOR: dict = {}
if _latency := os.environ.get("AGENCY_SIMULATOR_LATENCY_MS", "").strip():
    _bounds = [int(ms) for ms in _latency.split(",")]
    AGENCY_SIMULATOR["latency_ms"] = [_bounds[0], _bounds[-1]]
if _outage := os.environ.get("AGENCY_SIMULATOR_OUTAGE", "").strip():
    AGENCY_SIMULATOR["outage"] = [name.strip() for name in _outage.split(",") if name.strip()]

# Payments through KNET (docs/payments.md). The credentials come from the environment and are
# never logged; the defaults are the local sandbox's terminal (mounted at sandbox/knet/ when
# DEBUG or SERVE_KNET_SANDBOX=1, served by the same daphne).
_PUBLIC_URL = os.environ.get(
    "PAYMENTS_PUBLIC_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
).rstrip("/")
KNET = {
    "URL": os.environ.get("KNET_URL", f"{_PUBLIC_URL}/sandbox/knet/kpg"),
    "TRANPORTAL_ID": os.environ.get("KNET_TRANPORTAL_ID", "100000001"),
    "PASSWORD": os.environ.get("KNET_PASSWORD", "sandbox-password"),
    "RESOURCE_KEY": os.environ.get("KNET_RESOURCE_KEY", "SANDBOXRESKEY016"),
    "TIMEOUT": float(os.environ.get("KNET_TIMEOUT", "10")),
    "CIRCUIT_FAIL_MAX": 5,
    "CIRCUIT_RESET_SECONDS": 30,
}
PAYMENTS = {
    # Where KNET posts results and sends the payer back (KNET must reach it).
    "PUBLIC_URL": _PUBLIC_URL,
    # The payer's landing page after KNET ({public}, {track_id}); a frontend may take it over.
    "RESULT_URL": os.environ.get("PAYMENTS_RESULT_URL", "{public}/payments/knet/result/{track_id}"),
    "QUOTE_MINUTES": int(os.environ.get("PAYMENT_QUOTE_MINUTES", str(24 * 60))),
    "SESSION_MINUTES": int(os.environ.get("KNET_SESSION_MINUTES", "20")),
    "RECONCILE_AFTER_SECONDS": int(os.environ.get("PAYMENT_RECONCILE_AFTER_SECONDS", "120")),
    "REFUND_LEASE_SECONDS": 60,
}
SERVE_KNET_SANDBOX = os.environ.get("SERVE_KNET_SANDBOX", "0") == "1"
KNET_SANDBOX = {"SESSION_MINUTES": 15, "OUTAGE": False}

# Documents (docs/documents.md): validated by content, stored once per distinct content through
# Django's storage API under the "documents" alias — the filesystem under var/media by default,
# an S3-compatible bucket through django-storages (`pip install -e '.[s3]'`) when
# DOCUMENTS_S3_BUCKET is set. Files are never served from MEDIA_URL: only through short-lived
# signed links (core/documents/links.py).
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT / "documents"),
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    },
}
if _bucket := os.environ.get("DOCUMENTS_S3_BUCKET", ""):
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": os.environ.get("DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DOCUMENTS_S3_REGION") or None,
            "location": os.environ.get("DOCUMENTS_S3_PREFIX", "documents"),
            "default_acl": "private",
            "file_overwrite": True,
            "querystring_auth": True,
        },
    }
DOCUMENTS = {
    "MAX_BYTES": int(os.environ.get("DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024))),
    "MAX_MEGAPIXELS": 40,
    # A personal photo as for an ID: portrait 4:5 (e.g. 40×50 mm), at least 400×500 pixels.
    "PHOTO_MIN_WIDTH": 400,
    "PHOTO_MIN_HEIGHT": 500,
    "PHOTO_ASPECT": 0.8,
    "PHOTO_ASPECT_TOLERANCE": 0.05,
    # How long a download link works, in seconds.
    "LINK_SECONDS": int(os.environ.get("DOCUMENT_LINK_SECONDS", "300")),
}

# Renewal rules that are policy, not law (see core/renewals/eligibility.py).
RENEWAL_RULES = {
    "WINDOW_MONTHS": int(os.environ.get("RENEWAL_WINDOW_MONTHS", "3")),
    "GRACE_DAYS": int(os.environ.get("RENEWAL_GRACE_DAYS", "60")),
    "FAMILY_JOIN_MIN_SALARY": os.environ.get("FAMILY_JOIN_MIN_SALARY", "800.000"),
    "REQUIRE_DOCUMENTS": os.environ.get("RENEWAL_REQUIRE_DOCUMENTS", "1") == "1",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
TIME_ZONE = "Asia/Kuwait"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

STRAWBERRY_DJANGO = {
    "PAGINATION_DEFAULT_LIMIT": 100,
    "PAGINATION_MAX_LIMIT": 100,
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": False,
}

# Abuse limits of the GraphQL API (see docs/api-limits.md).
GRAPHQL_LIMITS = {
    "MAX_DEPTH": int(os.environ.get("GRAPHQL_MAX_DEPTH", "10")),
    "MAX_ALIASES": int(os.environ.get("GRAPHQL_MAX_ALIASES", "15")),
    "MAX_TOKENS": int(os.environ.get("GRAPHQL_MAX_TOKENS", "2000")),
    "MAX_COST": int(os.environ.get("GRAPHQL_MAX_COST", "25000")),
    "MAX_PAGE_SIZE": 100,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
