"""A webhook receiver for tests, as an HR system would run one: a real HTTP server (threaded,
on loopback) that verifies every request with the ``standardwebhooks`` library's
``Webhook.verify`` (signature, and the timestamp within its tolerance window) and answers 204
when it verifies, 400 when it does not (a tampered body, a replay outside the window, a secret
it does not know). A test may script answers first (``answers``: a status to send, or
``HANG`` to keep the connection silent past the sender's timeout).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from standardwebhooks import Webhook, WebhookVerificationError

HANG = -1


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int
    payload: Any = None  # the JSON, when it verified
    error: str = ""  # why it did not verify

    @property
    def verified(self) -> bool:
        return self.payload is not None


@dataclass
class WebhookReceiver:
    secrets: list[str] = field(default_factory=list)  # it verifies with any of these
    answers: list[int] = field(default_factory=list)  # scripted answers, used up in order
    received: list[Received] = field(default_factory=list)
    location: str = ""  # the Location of a scripted 3xx
    server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _released: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/iqama"

    def verify(self, body: bytes, headers: dict[str, str]) -> Any:
        """The payload if one of the secrets verifies the request; else the library's error."""
        error: WebhookVerificationError | None = None
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except WebhookVerificationError as exc:
                error = exc
        raise error or WebhookVerificationError("no secret to verify with")

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            scripted = self.answers.pop(0) if self.answers else None
        if scripted == HANG:
            self._released.wait(30)
            return 500, b""
        if scripted is not None:
            received = Received(headers, body, scripted)
            self.received.append(received)
            return scripted, b"receiver says: scripted failure"
        try:
            payload = self.verify(body, headers)
        except WebhookVerificationError as exc:
            self.received.append(Received(headers, body, 400, error=str(exc)))
            return 400, f"rejected: {exc}".encode()
        self.received.append(Received(headers, body, 204, payload=payload))
        return 204, b""

    def verified(self) -> list[Received]:
        return [r for r in self.received if r.verified]

    def wait_for(self, count: int, *, timeout: float = 20, verified: bool = True) -> list[Any]:
        """The first ``count`` requests received (verified ones only, by default)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.verified() if verified else list(self.received)
            if len(got) >= count:
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(got)} of {count} webhooks after {timeout} s: {got}")
            time.sleep(0.05)

    def replay(self, headers: dict[str, str], body: bytes) -> httpx.Response:
        """POST a request to this receiver as someone else would (a replay, a forgery): the
        Standard Webhooks headers given, with this body."""
        kept = {k: v for k, v in headers.items() if k.startswith("webhook-")}
        return httpx.post(self.url, content=body, headers=kept, timeout=5)

    def release(self) -> None:
        self._released.set()


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer = receiver.handle(headers, body)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.location)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def webhook_receiver(*secrets: str) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(secrets=list(secrets))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release()
        server.shutdown()
        server.server_close()
        thread.join(5)
