"""Where webhooks may go: https only, and only addresses reachable from the internet, outside
the demo and the tests (server-side request forgery); the address checked is the one used."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.webhooks import destinations
from core.webhooks.destinations import destination
from core.webhooks.errors import WebhookErrorCode


@pytest.fixture
def production(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False


@pytest.fixture
def dns(monkeypatch):
    """A resolver that answers from a table (these machines reach no DNS)."""
    table: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    monkeypatch.setattr(destinations, "resolve_host", resolve)
    return table


def refused(url: str) -> WebhookErrorCode:
    with pytest.raises(DomainError) as caught:
        destination(url)
    assert caught.value.field == "url"
    return caught.value.code


@pytest.mark.parametrize(
    "url",
    [
        "",
        "hooks.example.com/x",
        "/relative/path",
        "ftp://hooks.example.com/x",
        "https://user:secret@hooks.example.com/x",
        "https://hooks.example.com/x#fragment",
        "https://hooks.example.com/" + "a" * 500,
    ],
)
def test_a_url_must_be_absolute_http_without_credentials(production, dns, url):
    assert refused(url) == WebhookErrorCode.INVALID_URL


def test_plain_http_is_refused_outside_the_demo_and_the_tests(production, dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    assert refused("http://hooks.example.com/x") == WebhookErrorCode.HTTPS_REQUIRED
    assert destination("https://hooks.example.com/x")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # a cloud's metadata service
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_loopback_and_reserved_addresses_are_refused(production, dns, address):
    host = f"[{address}]" if ":" in address else address
    assert refused(f"https://{host}/hook") == WebhookErrorCode.ADDRESS_NOT_ALLOWED
    dns["inside.example.com"] = ["93.184.216.34", address]  # one bad answer is enough
    assert refused("https://inside.example.com/hook") == WebhookErrorCode.ADDRESS_NOT_ALLOWED


def test_an_unknown_host_is_refused(production, dns):
    assert refused("https://nowhere.example.com/x") == WebhookErrorCode.HOST_NOT_RESOLVED


def test_the_address_checked_is_the_one_connected_to(production, dns):
    dns["hooks.example.com"] = ["93.184.216.34", "2606:2800:220:1::1"]
    target = destination("https://Hooks.Example.com:8443/in?x=1")
    assert str(target.url) == "https://93.184.216.34:8443/in?x=1"
    assert target.host_header == "hooks.example.com:8443"
    assert target.server_name == "hooks.example.com"  # the certificate is checked for the name

    dns["hooks.example.com"] = ["10.0.0.5"]  # rebinding after registration
    assert refused("https://hooks.example.com/in") == WebhookErrorCode.ADDRESS_NOT_ALLOWED


def test_the_demo_and_the_tests_may_use_loopback_over_http(settings, dns):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    target = destination("http://127.0.0.1:9000/hooks")
    assert str(target.url) == "http://127.0.0.1:9000/hooks" and target.server_name is None
    assert destination("http://[::1]:9000/hooks").host_header == "[::1]:9000"
