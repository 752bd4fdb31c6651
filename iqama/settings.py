"""Settings for the Iqama service.

Production is the default posture: ``DEBUG`` off, HTTPS-only cookies and redirects, no
GraphiQL, no introspection, no simulators, and the service refuses to start without its own
secrets (``SECRET_KEY``, and KNET's credentials and address unless the local sandbox is
served) and its public address (``PUBLIC_BASE_URL``). The demo (``make run``) and the test
suite set their development values explicitly.

Everything that differs between deployments comes from the environment: ``DATABASE_URL``
(PostgreSQL; SQLite when unset), ``REDIS_URL`` (channels-redis; the in-memory channel layer when
unset), ``SECRET_KEY``, ``PUBLIC_BASE_URL``, ``DEBUG`` (see the README's configuration table and
docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from iqama.environment import agencies_over_http, flag, public_base_url, secret, storages
from iqama.integrator_settings import *  # noqa: F403  (tokens, idempotency, webhooks, reminders)
from iqama.log_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IQAMA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


DEBUG = flag("DEBUG", False)

# Values that are public (committed here, or the local KNET sandbox's): accepted only in DEBUG.
DEV_SECRET_KEY = "insecure-dev-key-change-me-in-production-0123456789"
SANDBOX_KNET = {
    "TRANPORTAL_ID": "100000001",
    "PASSWORD": "sandbox-password",
    "RESOURCE_KEY": "SANDBOXRESKEY016",
}
KNOWN_SECRETS = {DEV_SECRET_KEY, *SANDBOX_KNET.values()}


SECRET_KEY = secret(
    "SECRET_KEY", DEV_SECRET_KEY, allow_dev=DEBUG, known=KNOWN_SECRETS, min_length=50
)


# Where the public reaches the service: every public URL comes from it (iqama/environment.py).
PUBLIC_BASE_URL = public_base_url(debug=DEBUG)
_public_host = urlsplit(PUBLIC_BASE_URL).hostname
ALLOWED_HOSTS = [
    h
    for h in os.environ.get("ALLOWED_HOSTS", f"{_public_host},127.0.0.1,localhost").split(",")
    if h
]
# Browser origins allowed to open the GraphQL websocket (cross-site websocket hijacking guard):
# the public origin, and any others an operator adds (a separate frontend's).
WEBSOCKET_ALLOWED_ORIGINS = list(
    dict.fromkeys(
        [PUBLIC_BASE_URL]
        + [o.strip() for o in os.environ.get("WEBSOCKET_ALLOWED_ORIGINS", "").split(",") if o]
    )
)
CSRF_TRUSTED_ORIGINS = WEBSOCKET_ALLOWED_ORIGINS

# HTTPS only (secure cookies, redirects to https, HSTS) unless in DEBUG or HTTPS_ONLY=0. Behind a
# proxy that terminates TLS, TRUST_X_FORWARDED_PROTO=1 makes its X-Forwarded-Proto count.
HTTPS_ONLY = flag("HTTPS_ONLY", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = flag("SECURE_HSTS_PRELOAD", False)
if flag("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "daphne",
    "iqama",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "strawberry_django",
    "core",
    "core.law",
    "core.renewals",
    "core.applications",
    "core.documents",
    "core.visits",
    "core.webhooks",
    "core.reminders",
    "core.bulk",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "realtime",
    "payments",
]

# Django's own middleware, sync-only: one thread hop per request under ASGI (iqama/middleware.py).
MIDDLEWARE = [
    "iqama.middleware.RequestIdMiddleware",
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
    # Parameters sent apart from the statement, and a statement a connection has run twice
    # prepared on it (psycopg), so that PostgreSQL parses and plans it once per connection:
    # measured, a third less PostgreSQL CPU per submission and per agency check
    # (docs/operations.md). Behind a transaction-pooling PgBouncer, DB_PREPARE_THRESHOLD=off.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["server_side_binding"] = os.environ.get("DB_SERVER_SIDE_BINDING", "1") == "1"
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "2").strip().lower()
    _options["prepare_threshold"] = None if _prepare in ("", "off", "none") else int(_prepare)
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
            # channels-redis that outlives a Redis restart (realtime/layers.py).
            "BACKEND": "realtime.layers.ResilientRedisChannelLayer",
            "CONFIG": {
                # socket_timeout=None: redis-py 8 otherwise times out the blocking read that
                # an idle subscriber sits in, and the websocket is dropped after ~5 s. Its pool
                # refuses a command beyond max_connections (100 by default) at once, which
                # hundreds of websockets reconnecting together (a web process lost) exceed.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "socket_connect_timeout": 2,
                        "max_connections": int(os.environ.get("REDIS_MAX_CONNECTIONS", "1000")),
                    }
                ],
                "prefix": os.environ.get("CHANNEL_PREFIX", "iqama"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# How long a subscription waits for Redis to join its groups before it fails.
CHANNEL_LAYER_JOIN_SECONDS = float(os.environ.get("CHANNEL_LAYER_JOIN_SECONDS", "10"))

# Background work (agency checks) through django-tasks with its database backend: durable in
# whatever database the service uses, run by `manage.py application_worker` (docs/workers.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How long a worker's claim on an agency check lasts (a killed worker's check is taken over once
# it runs out: keep it above the slowest agency's answer), how often every worker looks for such
# checks, and the backoff of a check whose agency is down (seconds by attempt; the last repeats).
CHECK_LEASE_SECONDS = float(os.environ.get("CHECK_LEASE_SECONDS", "60"))
CHECK_SWEEP_SECONDS = float(os.environ.get("CHECK_SWEEP_SECONDS", "5"))
CHECK_RETRY_DELAYS = [
    float(s) for s in os.environ.get("CHECK_RETRY_DELAYS", "5,15,60,300,900").split(",")
]
# Successful task rows are deleted after this many hours (a periodic job of the workers).
TASK_RESULTS_KEEP_HOURS = float(os.environ.get("TASK_RESULTS_KEEP_HOURS", "24"))
# Tasks one worker process runs at once (threads; keep it under DB_POOL_MAX_SIZE), the agency
# checks it holds at once (asked without a database connection: docs/workers.md), and how many
# calls one process may have in flight to each agency (core.agencies.registry).
WORKER_CONCURRENCY = int(os.environ.get("WORKER_CONCURRENCY", "16"))
CHECKS_IN_FLIGHT = int(os.environ.get("CHECKS_IN_FLIGHT", "32"))
AGENCY_CONCURRENCY = int(os.environ.get("AGENCY_CONCURRENCY", "8"))
# `make run` sets IQAMA_INPROCESS_WORKER=1: a worker thread inside daphne (iqama/asgi.py), for
# the in-memory channel layer, which cannot carry a separate worker's events to subscribers.
INPROCESS_WORKER = os.environ.get("IQAMA_INPROCESS_WORKER", "0") == "1"

# The agencies' simulator over HTTP (unauthenticated by design): mounted only when asked for.
SERVE_AGENCY_SIMULATOR = flag("SERVE_AGENCY_SIMULATOR", False)
# How the simulated agencies misbehave (docs/agencies.md); for one process from the environment:
# AGENCY_SIMULATOR_LATENCY_MS="min,max" (or one value), AGENCY_SIMULATOR_OUTAGE="health,courts".
# Keys left out keep the simulator's defaults.
AGENCY_SIMULATOR: dict = {}
if _latency := os.environ.get("AGENCY_SIMULATOR_LATENCY_MS", "").strip():
    _bounds = [int(ms) for ms in _latency.split(",")]
    AGENCY_SIMULATOR["latency_ms"] = [_bounds[0], _bounds[-1]]
if _outage := os.environ.get("AGENCY_SIMULATOR_OUTAGE", "").strip():
    AGENCY_SIMULATOR["outage"] = [name.strip() for name in _outage.split(",") if name.strip()]

# Agencies reached over HTTP (docs/agencies.md): AGENCY_<NAME>_URL for each (HEALTH, FINES,
# COURTS, MANPOWER). An agency without one is simulated in-process — only in DEBUG or when the
# simulator is asked for (SERVE_AGENCY_SIMULATOR=1: the demo, the tests); otherwise the service
# refuses to start rather than clear every check against a simulator.
AGENCIES = agencies_over_http(simulated_allowed=DEBUG or SERVE_AGENCY_SIMULATOR)

# Payments through KNET (docs/payments.md). The credentials come from the environment and are
# never logged. The local sandbox (SERVE_KNET_SANDBOX=1: mounted at sandbox/knet/, served by the
# same daphne) brings its own terminal's; otherwise they are required outside DEBUG.
SERVE_KNET_SANDBOX = flag("SERVE_KNET_SANDBOX", False)
KNET_SANDBOX = {"SESSION_MINUTES": 15, "OUTAGE": False}
_sandbox_terminal = DEBUG or SERVE_KNET_SANDBOX
_knet_url = os.environ.get("KNET_URL", "").strip()
if not _knet_url and not _sandbox_terminal:
    raise ImproperlyConfigured(
        "KNET_URL must be set (DEBUG is off and the sandbox is not served), e.g. "
        "https://www.kpay.com.kw/kpg"
    )
KNET = {
    "URL": _knet_url or f"{PUBLIC_BASE_URL}/sandbox/knet/kpg",
    **{
        key: secret(f"KNET_{key}", dev_value, allow_dev=_sandbox_terminal, known=KNOWN_SECRETS)
        for key, dev_value in SANDBOX_KNET.items()
    },
    "TIMEOUT": float(os.environ.get("KNET_TIMEOUT", "10")),
    "CIRCUIT_FAIL_MAX": 5,
    "CIRCUIT_RESET_SECONDS": 30,
}
PAYMENTS = {
    # The gateway the facade talks to; tests that are not about KNET use the in-process dummy.
    "GATEWAY": os.environ.get("PAYMENTS_GATEWAY", "payments.gateways.knet.client.KnetGateway"),
    # Where KNET posts results and sends the payer back (KNET must reach it).
    "PUBLIC_URL": PUBLIC_BASE_URL,
    # The payer's landing page after KNET ({public}, {track_id}); a frontend may take it over.
    "RESULT_URL": os.environ.get("PAYMENTS_RESULT_URL", "{public}/payments/knet/result/{track_id}"),
    "QUOTE_MINUTES": int(os.environ.get("PAYMENT_QUOTE_MINUTES", str(24 * 60))),
    "SESSION_MINUTES": int(os.environ.get("KNET_SESSION_MINUTES", "20")),
    # Reconciliation (a periodic job of the workers) asks KNET about payments still initiated
    # this long after they started, every RECONCILE_SECONDS (docs/operations.md: the bound).
    "RECONCILE_AFTER_SECONDS": int(os.environ.get("PAYMENT_RECONCILE_AFTER_SECONDS", "60")),
    "RECONCILE_SECONDS": float(os.environ.get("PAYMENT_RECONCILE_SECONDS", "15")),
    "REFUND_LEASE_SECONDS": 60,
}

# Receipts (docs/receipts.md): the QR code opens the public verification page.
RECEIPTS = {
    "VERIFY_URL": f"{PUBLIC_BASE_URL}/receipts/verify/{{code}}",
    "VISIT_PERMIT_VERIFY_URL": f"{PUBLIC_BASE_URL}/visit-permits/verify/{{code}}",
    "LINK_SECONDS": int(os.environ.get("RECEIPT_LINK_SECONDS", "300")),
}

# Documents (docs/documents.md): validated by content, stored once per distinct content through
# Django's storage API under the "documents" alias — the filesystem under var/media by default,
# an S3-compatible bucket through django-storages (`pip install -e '.[s3]'`) when
# DOCUMENTS_S3_BUCKET is set. Files are never served from MEDIA_URL: only through short-lived
# signed links (core/documents/links.py).
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = storages(MEDIA_ROOT, bucket=os.environ.get("DOCUMENTS_S3_BUCKET", ""))
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

# Renewal rules that are policy, not law (core/applications/kinds/renewal.py).
RENEWAL_RULES = {
    "WINDOW_MONTHS": int(os.environ.get("RENEWAL_WINDOW_MONTHS", "3")),
    "GRACE_DAYS": int(os.environ.get("RENEWAL_GRACE_DAYS", "60")),
    "REQUIRE_DOCUMENTS": os.environ.get("RENEWAL_REQUIRE_DOCUMENTS", "1") == "1",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Sign-in throttling (django-axes, docs/decisions.md): after LOGIN_FAILURE_LIMIT failures for one
# user name, or from one client address, sign-in is refused for LOGIN_COOLOFF_MINUTES (each
# attempt meanwhile starts the wait again), the right password included. Attempts are kept in
# the database, so every process sees them; officers unlock in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "iqama.client_ip.client_ip"
AXES_VERBOSE = False
# Lockouts are answered by the login mutation (TOO_MANY_ATTEMPTS), not by axes' middleware.
# Django's W001-W003 cannot see the sync-only middleware: iqama/checks.py checks it instead.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "security.W001", "security.W002", "security.W003"]
# How many proxies in front of daphne append to X-Forwarded-For (0: the peer is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
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
    # Nesting of the variables' JSON, and the longest query string a GET may carry (longer:
    # 414, use POST). Bodies: Django's DATA_UPLOAD_MAX_* settings.
    "MAX_VARIABLES_DEPTH": 32,
    "MAX_GET_QUERY_BYTES": int(os.environ.get("GRAPHQL_MAX_GET_QUERY_BYTES", str(16 * 1024))),
}
# Keys of this deployment's own in Redis (the channel layer's prefix too).
REDIS_PREFIX = os.environ.get("CHANNEL_PREFIX", "iqama")
# Introspection and the GraphiQL page: on in DEBUG, off in production unless asked for (the
# schema is published as schema.graphql). Unexpected exceptions reach clients as "Unexpected
# error" with the request id (logged with the traceback) unless in DEBUG.
GRAPHQL_INTROSPECTION = flag("GRAPHQL_INTROSPECTION", DEBUG)
GRAPHIQL = flag("GRAPHIQL", DEBUG)
GRAPHQL_MASK_ERRORS = flag("GRAPHQL_MASK_ERRORS", not DEBUG)
# The read path's shortcuts through library internals (schema/fastpath/): applied only against
# the library versions they were written for; off, the schema runs on the libraries' own code.
GRAPHQL_FASTPATH = flag("GRAPHQL_FASTPATH", True)

# /metrics (iqama/metrics.py) answers only requests with "Authorization: Bearer $METRICS_TOKEN";
# without a token it is not served at all.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()

# Logs (docs/operations.md): one JSON object a line (LOG_FORMAT=json, the default), or plain
# text for people (LOG_FORMAT=plain, `make run`); every line carries the request id.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"))
