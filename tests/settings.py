"""Settings of the test suite: the service's own (production posture) with the values a test
machine needs set explicitly, as ``make run`` does for the demo.

They are put in the environment before the service's settings are read, so that the daphne
and worker processes the tests start (which inherit it) run the same way.
"""

from __future__ import annotations

import os
import secrets

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", f"test-only-{secrets.token_urlsafe(48)}")
os.environ.setdefault("HTTPS_ONLY", "0")  # Django's test client and the test daphnes speak http
os.environ.setdefault("SERVE_KNET_SANDBOX", "1")
os.environ.setdefault("SERVE_AGENCY_SIMULATOR", "1")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Most tests are about other rules than documents (tests/conftest.py: documents_optional).
os.environ.setdefault("RENEWAL_REQUIRE_DOCUMENTS", "0")
# The suite's webhook receivers listen on loopback over plain http (tests/support/webhooks.py);
# tests of the refusals turn these off.
os.environ.setdefault("WEBHOOK_ALLOW_HTTP", "1")
os.environ.setdefault("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "1")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

from iqama.settings import *  # noqa: F403
