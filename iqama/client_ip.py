"""The client's address as sign-in throttling sees it.

Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address they received from to
``X-Forwarded-For``, the client is the entry that many places from the right; anything further
left was written by the client and is not believed. With no proxy, the peer address is used.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    peer = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-proxies] if len(hops) >= proxies else peer
