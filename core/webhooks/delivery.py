"""Delivering the outbox: signed POSTs to the endpoints, retried with backoff, by the workers.

A periodic job of the application workers (``webhooks.deliver``, every
``WEBHOOK_DELIVERY_SECONDS``; one worker at a time, ``core.applications.periodic``) takes the
deliveries that are due, a few endpoints at once, and posts each from a small pool of its own
(``WEBHOOK_CONCURRENCY`` threads), so an endpoint that hangs never holds up the agency checks
in the task threads. Each delivery is leased while it is tried (``core.leases``): a worker
killed mid-attempt leaves a lease that runs out, and the delivery is tried again.

An attempt succeeds on a 2xx answer. Anything else — another status, a timeout, a refused
connection, a destination no longer allowed (``core.webhooks.destinations``) — is retried
after ``WEBHOOK_RETRY_DELAYS`` (by attempt); once they are used up the delivery is failed, until
someone redelivers it. Redirects are not followed. A run stops taking new work after
``RUN_SECONDS``; within a run, an endpoint that failed is not tried again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from core import leases
from core.errors import DomainError
from core.webhooks.destinations import destination
from core.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookMessage, WebhookSecret
from core.webhooks.signing import signature_headers, signing_secrets

logger = logging.getLogger(__name__)

LEASE = leases.LeaseColumns(until="claimed_until", attempts="attempts")
USER_AGENT = "Iqama-Webhooks/1.0 (Standard Webhooks)"
RUN_SECONDS = 5.0  # a run takes no new work after this; the next run goes on
RESPONSE_EXCERPT = 200  # characters of a failed answer's body kept to show the sponsor
PRUNE_EVERY_SECONDS = 3600.0


def delivery_interval() -> float:
    return float(settings.WEBHOOK_DELIVERY_SECONDS)


def retry_delays() -> list[float]:
    return [float(s) for s in settings.WEBHOOK_RETRY_DELAYS]


def max_attempts() -> int:
    """The first attempt and one after each delay."""
    return len(retry_delays()) + 1


def lease() -> dt.timedelta:
    """Longer than one attempt can take (connect, write, read, each bounded by the timeout)."""
    return dt.timedelta(seconds=4 * float(settings.WEBHOOK_TIMEOUT_SECONDS) + 30)


def _count_round(row: WebhookDelivery) -> list[str]:
    row.round_attempts += 1
    return ["round_attempts"]


def delivery_attempt(delivery_id: int) -> str:
    """One attempt at one delivery, if it is due and nobody holds it: its outcome."""
    claimed = leases.claim(
        WebhookDelivery,
        delivery_id,
        columns=LEASE,
        lease=lease(),
        eligible=Q(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now() + dt.timedelta(seconds=1),
            endpoint__enabled=True,
        ),
        related=("message", "endpoint"),
        on_claim=_count_round,
    )
    if claimed is None:
        return "skipped"
    started = timezone.now()
    code, error = _post(claimed.row, started)
    return _record(claimed, started, code, error)


def _post(delivery: WebhookDelivery, now: dt.datetime) -> tuple[int | None, str]:
    """POST the message, signed now: the answer's status, and what went wrong ("" if 2xx)."""
    body = delivery.message.body.encode()
    try:
        target = destination(delivery.endpoint.url)
    except DomainError as exc:
        return None, exc.message_en
    try:
        secrets = signing_secrets(delivery.endpoint, now)
    except InvalidToken:  # sealed under a SECRET_KEY that is neither current nor a fallback
        return None, "The endpoint's secret cannot be opened any more: rotate its secret."
    if not secrets:
        return None, "The endpoint has no signing secret: rotate its secret."
    headers = {
        **signature_headers(delivery.message.message_id, body, secrets, now),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.host_header,
    }
    extensions = {"sni_hostname": target.server_name} if target.server_name else {}
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            request = client.build_request(
                "POST", target.url, content=body, headers=headers, extensions=extensions
            )
            response = client.send(request, stream=True)
            try:
                excerpt = "" if response.is_success else _excerpt(response)
            finally:
                response.close()
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    if response.is_success:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {excerpt}"[:300]


def _excerpt(response: httpx.Response) -> str:
    """The start of an answer's body, read no further (an endpoint may answer anything)."""
    read = b""
    for chunk in response.iter_raw(1024):
        read += chunk
        if len(read) >= RESPONSE_EXCERPT * 4:
            break
    return read.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT].strip()


def _record(
    claimed: leases.Claim[WebhookDelivery], at: dt.datetime, code: int | None, error: str
) -> str:
    with transaction.atomic():
        row = leases.still_held(WebhookDelivery, claimed, columns=LEASE)
        if row is None or row.status != DeliveryStatus.PENDING:
            return "stale"  # our lease ran out and another worker took over
        row.claimed_until = None
        row.last_attempt_at = at
        row.last_response_code = code
        row.last_error = error
        if not error:
            row.status = DeliveryStatus.DELIVERED
            row.delivered_at = timezone.now()
        elif row.round_attempts >= max_attempts():
            row.status = DeliveryStatus.FAILED
        else:
            delay = retry_delays()[row.round_attempts - 1]
            row.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
        row.save()
    if error:
        logger.info("webhook delivery %s: %s", row.pk, error)
    return str(row.status)


@dataclass
class Delivered:
    outcomes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return " ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))


def _attempt_in_thread(delivery_id: int) -> str:
    try:
        return delivery_attempt(delivery_id)
    except Exception:  # one delivery's bug must not stop the others
        logger.exception("webhook delivery %s failed unexpectedly", delivery_id)
        return "error"
    finally:
        connections.close_all()  # this pool's threads end with the run: hand connections back


def _due(proven: set[int], failed: set[int], now: dt.datetime) -> list[int]:
    """Due deliveries, spread over the endpoints: one for an endpoint not yet heard from in
    this run (a dead one then holds one thread, not all), more for those that answered."""
    concurrency = int(settings.WEBHOOK_CONCURRENCY)
    rows = (
        WebhookDelivery.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=DeliveryStatus.PENDING,
            endpoint__enabled=True,
            next_attempt_at__lte=now,
        )
        .exclude(endpoint_id__in=failed)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "endpoint_id")[: concurrency * 8]
    )
    by_endpoint: dict[int, list[int]] = defaultdict(list)
    for pk, endpoint_id in rows:
        if endpoint_id in proven or not by_endpoint[endpoint_id]:
            by_endpoint[endpoint_id].append(pk)
    picked: list[int] = []
    while len(picked) < concurrency * 2 and any(by_endpoint.values()):
        for pks in by_endpoint.values():
            if pks:
                picked.append(pks.pop(0))
    return picked


def webhooks_deliver(*, run_seconds: float = RUN_SECONDS) -> Delivered:
    """One run of the job: due deliveries, attempted until there are none or time is up. An
    endpoint that fails is not tried again in the same run."""
    done = Delivered()
    deadline = time.monotonic() + run_seconds
    proven: set[int] = set()
    failed: set[int] = set()
    with ThreadPoolExecutor(int(settings.WEBHOOK_CONCURRENCY), "webhook-delivery") as pool:
        while time.monotonic() < deadline:
            due = _due(proven, failed, timezone.now())
            if not due:
                break
            endpoint_of = dict(
                WebhookDelivery.objects.filter(pk__in=due).values_list("pk", "endpoint_id")
            )
            for pk, outcome in zip(due, pool.map(_attempt_in_thread, due), strict=True):
                done.outcomes[outcome] = done.outcomes.get(outcome, 0) + 1
                if outcome == DeliveryStatus.DELIVERED:
                    proven.add(endpoint_of.get(pk, 0))
                elif outcome != "skipped":
                    failed.add(endpoint_of.get(pk, 0))
    return done


def webhooks_deliver_job() -> str:
    return webhooks_deliver().summary()


def webhooks_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Forget secrets whose grace ended, and messages older than ``WEBHOOK_KEEP_DAYS`` that
    are owed to nobody any more."""
    now = now or timezone.now()
    secrets, _ = WebhookSecret.objects.filter(expires_at__lt=now).delete()
    old = WebhookMessage.objects.filter(
        created_at__lt=now - dt.timedelta(days=float(settings.WEBHOOK_KEEP_DAYS))
    ).exclude(deliveries__status=DeliveryStatus.PENDING)
    messages, _ = WebhookMessage.objects.filter(pk__in=old.values("pk")).delete()
    return secrets, messages


def webhooks_prune_job() -> str:
    secrets, rows = webhooks_prune()
    return f"deleted {secrets} expired secrets, {rows} old message rows" if secrets or rows else ""
