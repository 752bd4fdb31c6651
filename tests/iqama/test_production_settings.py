"""Production is the default posture: the service refuses to start without its own secrets,
``manage.py check --deploy`` is clean, cookies are Secure, and nothing meant for the demo
(simulators, GraphiQL, introspection, tracebacks) is on unless asked for.

Each case runs the service's settings in a fresh process with a production environment: no
DEBUG, none of the values ``make run`` and the test settings set for themselves.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEV_KEY = "insecure-dev-key-change-me-in-production-0123456789"
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.urls import get_resolver
from schema.schema import schema
routes = [str(p.pattern) for p in get_resolver().url_patterns]
introspection = schema.execute_sync("{ __schema { queryType { name } } }")
print(json.dumps({
    "debug": settings.DEBUG,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "graphiql": settings.GRAPHIQL,
    "mask": settings.GRAPHQL_MASK_ERRORS,
    "introspection_errors": [e.message for e in introspection.errors or []],
    "routes": routes,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "origins": settings.WEBSOCKET_ALLOWED_ORIGINS,
    "payments_public": settings.PAYMENTS["PUBLIC_URL"],
    "receipt_qr": __import__("payments.receipts").receipts.verification_url("ABCD"),
}))
"""


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KNET_", "SERVE_", "GRAPHQL_", "HTTPS_", "AGENCY_"))
        and k not in ("DEBUG", "SECRET_KEY", "GRAPHIQL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="iqama.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        KNET_TRANPORTAL_ID="470093",
        KNET_PASSWORD=secrets.token_urlsafe(12),
        KNET_RESOURCE_KEY="K8Q2M7R4T1V6W3Y9",
        KNET_URL="https://kpay.example.com.kw/kpg",
        PUBLIC_BASE_URL="https://iqama.example.kw",
        **{
            f"AGENCY_{name}_URL": f"https://{name.lower()}.agency.example.kw/api"
            for name in ("HEALTH", "FINES", "COURTS", "MANPOWER")
        },
    )
    env.pop("ALLOWED_HOSTS", None)
    env.pop("WEBSOCKET_ALLOWED_ORIGINS", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_in_production_mode():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults():
    result = run(["-c", PROBE], production_env())
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["debug"] is False
    assert facts["session_secure"] and facts["csrf_secure"] and facts["ssl_redirect"]
    assert facts["hsts"] >= 31536000
    assert facts["graphiql"] is False and facts["mask"] is True
    assert facts["introspection_errors"], "introspection answered in production"
    assert not any(r.startswith(("sandbox", "sim")) for r in facts["routes"]), facts["routes"]


def test_every_public_url_comes_from_public_base_url():
    facts = json.loads(run(["-c", PROBE], production_env()).stdout.strip().splitlines()[-1])
    assert facts["allowed_hosts"] == ["iqama.example.kw", "127.0.0.1", "localhost"]
    assert facts["origins"] == ["https://iqama.example.kw"]
    assert facts["payments_public"] == "https://iqama.example.kw"
    assert facts["receipt_qr"] == "https://iqama.example.kw/receipts/verify/ABCD"


def test_introspection_and_graphiql_can_be_turned_on():
    env = production_env(GRAPHQL_INTROSPECTION="1", GRAPHIQL="1")
    facts = json.loads(run(["-c", PROBE], env).stdout.strip().splitlines()[-1])
    assert facts["introspection_errors"] == [] and facts["graphiql"] is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": DEV_KEY}, "SECRET_KEY is a publicly known development value"),
        ({"SECRET_KEY": "short-but-secret"}, "SECRET_KEY must be at least 50 characters"),
        ({"KNET_PASSWORD": None}, "KNET_PASSWORD must be set"),
        ({"KNET_PASSWORD": "sandbox-password"}, "KNET_PASSWORD is a publicly known"),
        ({"KNET_RESOURCE_KEY": "SANDBOXRESKEY016"}, "KNET_RESOURCE_KEY is a publicly known"),
        ({"KNET_URL": None}, "KNET_URL must be set"),
        ({"PUBLIC_BASE_URL": None}, "PUBLIC_BASE_URL must be set"),
        ({"PUBLIC_BASE_URL": "https://iqama.example.kw/app"}, "with no path"),
        ({"AGENCY_COURTS_URL": None}, "No URL for the agencies courts"),
    ],
    ids=[
        "no-key",
        "dev-key",
        "short-key",
        "no-knet",
        "sandbox-knet",
        "sandbox-resource-key",
        "no-knet-url",
        "no-public-url",
        "public-url-with-a-path",
        "an-agency-simulated-unasked",
    ],
)
def test_the_service_refuses_to_start_with_a_missing_or_known_secret(overrides, message):
    for command in (["manage.py", "check"], ["-c", "import iqama.asgi"]):
        result = run(command, production_env(**overrides))
        assert result.returncode != 0
        assert message in result.stderr, result.stderr[-2000:]


def test_the_demo_posture_is_explicit():
    env = production_env(SECRET_KEY=None, KNET_PASSWORD=None, DEBUG="1", SERVE_KNET_SANDBOX="1")
    env.pop("KNET_RESOURCE_KEY")
    env.pop("KNET_TRANPORTAL_ID")
    facts = json.loads(run(["-c", PROBE], env).stdout.strip().splitlines()[-1])
    assert facts["debug"] is True and facts["session_secure"] is False
    assert any(r.startswith("sandbox") for r in facts["routes"])
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "DEBUG=1" in makefile and "SERVE_KNET_SANDBOX=1" in makefile
