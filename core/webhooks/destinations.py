"""Where a webhook may be sent (protection against server-side request forgery).

An endpoint's URL is absolute, https (plain http only where ``WEBHOOK_ALLOW_HTTP``: the demo
and the tests), carries no user name or password, and its host resolves only to addresses
reachable from the internet: private, loopback, link-local, shared, reserved and multicast
ones are refused unless ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (the demo and the tests, whose
receivers listen on loopback). Checked when the endpoint is registered, for a clear error, and
again before every attempt; the attempt then connects to the very address that was checked
(TLS still verifies the certificate against the URL's host name), so a host that resolves
elsewhere between the check and the connection (DNS rebinding) reaches nothing new. Redirects
are never followed (``core.webhooks.delivery``).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx
from django.conf import settings

from core.errors import DomainError
from core.webhooks.errors import WebhookErrorCode
from core.webhooks.models import URL_MAX_LENGTH

DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Destination:
    url: httpx.URL  # the endpoint's URL with the checked address in place of its host
    host_header: str  # ``Host:`` as the endpoint's URL says
    server_name: str | None  # https: the name the certificate must carry (and SNI)


def parsed(url: str) -> httpx.URL:
    """The URL if its form is acceptable (absolute, http(s), no credentials), else the error."""
    invalid = DomainError(WebhookErrorCode.INVALID_URL, "url", {"max_length": URL_MAX_LENGTH})
    if not isinstance(url, str) or not url.strip() or len(url) > URL_MAX_LENGTH:
        raise invalid
    try:
        parts = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError):
        raise invalid from None
    if parts.scheme not in DEFAULT_PORTS or not parts.host or parts.userinfo or parts.fragment:
        raise invalid
    if parts.scheme != "https" and not settings.WEBHOOK_ALLOW_HTTP:
        raise DomainError(WebhookErrorCode.HTTPS_REQUIRED, "url")
    return parts


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def reachable_from_the_internet(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def destination(url: str) -> Destination:
    """Where to connect for ``url`` now, or the reason it may not be sent to."""
    parts = parsed(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    host = parts.raw_host.decode("ascii")
    try:
        addresses = [str(ipaddress.ip_address(parts.host))]
    except ValueError:
        try:
            addresses = resolve_host(host, port)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise DomainError(WebhookErrorCode.HOST_NOT_RESOLVED, "url", {"host": host}) from None
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and not all(
        reachable_from_the_internet(a) for a in addresses
    ):
        raise DomainError(WebhookErrorCode.ADDRESS_NOT_ALLOWED, "url")
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    return Destination(
        url=parts.copy_with(host=addresses[0]),
        host_header=host_header,
        server_name=host if parts.scheme == "https" else None,
    )
