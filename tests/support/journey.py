"""A user's whole way through a service, as a client would go: GraphQL over HTTP with a bearer
token to a real daphne (``make run``'s: the embedded worker, the in-memory layer, the agency
simulator and the KNET sandbox), a subscription over a real websocket, the payer's browser on
the sandbox's page, and the PDF at the end.

A sponsor's way goes with an API token (an HR system's, a household's app); a resident who
sponsors nobody signs in with a password as a browser does (the session cookie, the CSRF token):
tokens are bound to a sponsor. ``Journey.graphql`` fails on any GraphQL error; ``until(op,
state)`` reads a subscription's events until the application reaches a state; ``pay(id)``
starts a payment and approves it on the sandbox page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.daphne import DaphneServer
from tests.support.websocket import WSClient

START = """mutation($id: ID!, $key: String!) {
  startPayment(applicationId: $id, idempotencyKey: $key) {
    redirectUrl payment { id status amount } quote { total } errors { code message } } }"""
PAYMENTS = """query($id: ID!) { applicationPayments(applicationId: $id) {
  status amount receipt { number downloadUrl } } }"""


LOGIN = """mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { csrfToken errors { code } } }"""


@dataclass
class Journey:
    server: DaphneServer
    token: str | None
    open_ws: Callable[..., WSClient]
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    ws: WSClient | None = None
    seen: dict[str, list[dict]] = field(default_factory=dict)
    csrf: str | None = None

    def sign_in(self, username: str, password: str) -> Journey:
        """A session instead of a token: the cookie, and the CSRF token every POST carries."""
        self.token = None
        self.csrf = self.graphql(LOGIN, {"u": username, "p": password})["login"]["csrfToken"]
        return self

    def _auth(self) -> dict[str, str]:
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        return {"X-CSRFToken": self.csrf} if self.csrf else {}

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = self.http.post(
            f"{self.server.url}/graphql/",
            json={"query": query, "variables": variables or {}},
            headers=self._auth(),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def subscribe(self, op_id: str, query: str, variables: dict | None = None) -> None:
        if self.ws is None:
            if self.token:
                self.ws = self.open_ws(self.server)
                self.ws.init({"authorization": f"Bearer {self.token}"})
            else:
                cookie = f"sessionid={self.http.cookies['sessionid']}"
                self.ws = self.open_ws(self.server, headers={"Cookie": cookie})
                self.ws.init({})
        self.ws.subscribe(op_id, query, variables)
        self.seen[op_id] = []

    def until(self, op_id: str, done: Callable[[dict], bool], *, timeout: float = 30) -> list[dict]:
        """The subscription's payloads (``data``) up to and including the first ``done`` one."""
        assert self.ws is not None
        while True:
            payload = self.ws.next_payload(op_id, timeout=timeout)
            assert "errors" not in payload, payload
            self.seen[op_id].append(payload["data"])
            if done(payload["data"]):
                return self.seen[op_id]

    def pay(self, application_id: str, key: str) -> dict:
        """Start a payment and approve it on the sandbox's page, as the payer would."""
        started = self.graphql(START, {"id": application_id, "key": key})["startPayment"]
        assert started["errors"] == [], started
        browser = httpx.Client(follow_redirects=True, timeout=30)
        try:
            page = browser.get(started["redirectUrl"])
            assert page.status_code == 200, page.text
            form = re.search(r'<form method="post" action="([^"]+)"', page.text)
            assert form, page.text
            landing = browser.post(
                httpx.URL(str(page.url)).join(form.group(1)), data={"action": "approve"}
            )
            assert 'data-status="captured"' in landing.text, landing.text[:2000]
        finally:
            browser.close()
        return started

    def receipt(self, application_id: str) -> bytes:
        [payment] = self.graphql(PAYMENTS, {"id": application_id})["applicationPayments"]
        return self.download(payment["receipt"]["downloadUrl"])

    def download(self, url: str) -> bytes:
        response = self.http.get(
            url if url.startswith("http") else f"{self.server.url}{url}",
            headers=self._auth(),
        )
        assert response.status_code == 200, response.text[:500]
        assert response.headers["content-type"].startswith("application/pdf")
        return response.content

    def close(self) -> None:
        self.http.close()


def payload_state(path: str) -> Callable[[str], Callable[[dict], bool]]:
    """``until(op, reaches("ISSUED"))`` for a subscription whose payload has ``path.state``."""

    def reaches(state: str) -> Callable[[dict], bool]:
        def done(data: dict[str, Any]) -> bool:
            return data[path]["state"] == state

        return done

    return reaches
