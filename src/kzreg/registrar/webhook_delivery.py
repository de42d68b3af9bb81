"""Posting queued webhook notifications (the worker's `registrar-webhooks` job).

A delivery is taken by moving its `next_at` past the time a post may take (a lease, in a short
transaction), then posted outside any transaction, then finished: `delivered` on a 2xx answer; otherwise
it waits `BACKOFF_SECONDS * 2**(attempts-1)` (at most `MAX_BACKOFF`) and is tried again, until
`WEBHOOK_MAX_ATTEMPTS`, then `gave_up`. A worker that dies mid-post leaves the lease to lapse: the
notification is sent again (at least once; receivers de-duplicate by the event id in the body).

The connection goes to the address that was checked (no second DNS lookup a rebinding attacker could
answer differently), with the URL's host name for TLS and the Host header.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import socket
import ssl
from urllib.parse import urlsplit

from django.db import connections, router, transaction

from kzreg.core import clock
from kzreg.registrar.connection import registrar_settings
from kzreg.registrar.models import DeliveryState, ServiceEvent, WebhookDelivery
from kzreg.registrar.webhooks import SIGNATURE_HEADER, UnsafeAddress, resolved_addresses, signature

BACKOFF_SECONDS = 60
MAX_BACKOFF = dt.timedelta(hours=6)
BATCH = 50


class PostFailed(Exception):
    """The receiver did not take the notification (no connection, a timeout, a non-2xx answer)."""


def payload(event: ServiceEvent) -> bytes:
    """The JSON body: the event, the domain, and who sponsors it (PS-3.8)."""
    body = {
        "id": event.pk, "type": event.kind, "domain": event.domain, "at": event.at.isoformat(),
        "sponsoring_registrar": event.registrar_handle, "data": event.data,
    }  # fmt: skip
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, signed: str, timeout: float) -> int:
    """POSTs `body`; returns the HTTP status. Raises `PostFailed` or `UnsafeAddress`."""
    parts = urlsplit(url)
    if parts.hostname is None:
        raise PostFailed("no host in the URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = resolved_addresses(parts.hostname, port)[0]
    except OSError as error:
        raise PostFailed(f"cannot resolve {parts.hostname}: {error}") from None
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    conn = kind(parts.hostname, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: signed, "User-Agent": "kzreg-webhooks/1"}
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    except (OSError, http.client.HTTPException) as error:
        raise PostFailed(str(error) or type(error).__name__) from None
    finally:
        conn.close()


def _take(now: dt.datetime, lease: dt.timedelta, limit: int) -> list[int]:
    """Leases up to `limit` due deliveries to this worker; their ids."""
    skip = connections[router.db_for_write(WebhookDelivery)].features.has_select_for_update_skip_locked
    with transaction.atomic():
        due = WebhookDelivery.objects.select_for_update(skip_locked=skip).filter(
            state=DeliveryState.PENDING, next_at__lte=now
        )  # fmt: skip
        ids = list(due.order_by("next_at", "id").values_list("pk", flat=True)[:limit])
        WebhookDelivery.objects.filter(pk__in=ids).update(next_at=now + lease)
    return ids


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver_one(delivery: WebhookDelivery, now: dt.datetime, timeout: float, max_attempts: int) -> str:
    """Posts one leased delivery and records the outcome: delivered, retry or gave_up."""
    body = payload(delivery.event)
    stamp = int(now.timestamp())
    try:
        status = post(delivery.webhook.url, body, signature(delivery.webhook.secret, stamp, body), timeout)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (PostFailed, UnsafeAddress) as failure:
        error = f"refused address {failure}" if isinstance(failure, UnsafeAddress) else str(failure)
    attempts = delivery.attempts + 1
    if not error:
        outcome, fields = "delivered", {"state": DeliveryState.DELIVERED, "delivered_at": now, "last_error": ""}
    elif attempts >= max_attempts:
        outcome, fields = "gave_up", {"state": DeliveryState.GAVE_UP, "last_error": error[:500]}
    else:
        outcome, fields = "retry", {"next_at": now + backoff(attempts), "last_error": error[:500]}
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(attempts=attempts, **fields)
    return outcome


def deliver_due(limit: int = BATCH) -> dict[str, int]:
    config = registrar_settings()
    timeout = float(config.get("WEBHOOK_TIMEOUT", 10))
    max_attempts = int(config.get("WEBHOOK_MAX_ATTEMPTS", 8))
    now = clock.now()
    counts = {"delivered": 0, "retry": 0, "gave_up": 0}
    ids = _take(now, dt.timedelta(seconds=timeout * 3 + 60), limit)
    for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related("webhook", "event").order_by("id"):
        counts[deliver_one(delivery, now, timeout, max_attempts)] += 1
    return counts
