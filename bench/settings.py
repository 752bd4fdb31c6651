"""Settings for benchmarks: the service's own settings (production posture, ``DEBUG`` off), with
the values a local run needs set explicitly, and the bench URLconf on top.

``ROOT_URLCONF`` adds the hand-written comparison views next to ``iqama.urls``. Everything
else, including the database (``DATABASE_URL``), comes from ``iqama.settings`` unchanged.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_urlsafe(48)}")
os.environ.setdefault("HTTPS_ONLY", "0")  # the bench speaks plain http on loopback
os.environ.setdefault("SERVE_KNET_SANDBOX", "1")
os.environ.setdefault("SERVE_AGENCY_SIMULATOR", "1")  # the agencies, simulated in-process
# Django's test client (the query counts) calls itself "testserver".
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# The benches' tokens draw from a bucket they never empty: its cost stays in the figures (every
# request takes from it and gives back), its refusals do not (docs/integrators.md).
os.environ.setdefault("API_TOKEN_BUCKET_CAPACITY", str(10**12))
os.environ.setdefault("API_TOKEN_BUCKET_RESTORE_RATE", str(10**9))

from iqama.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
