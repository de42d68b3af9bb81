"""Webhooks: a URL where a reseller (or the registrar itself) receives its domains' events.

Registered with a secret shown once (`register` returns it); every notification is signed with it:
`X-Kzreg-Signature: t=<unix time>,v1=<hex HMAC-SHA256 over "<t>.<body>">`, so the receiver can check both
who sent it and that it is fresh (`verify`). A URL must be http(s) and may not lead to a private,
loopback, link-local or otherwise internal address (SSRF): checked when registered and again, on the
resolved address, before every delivery (`webhook_delivery.py`). `WEBHOOK_ALLOW_LOOPBACK` lets tests use
a server on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.http import Http404

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registrar.actions import Seller
from kzreg.registrar.connection import registrar_settings
from kzreg.registrar.models import Webhook
from kzreg.registrar.problems import RegistrarCode

SIGNATURE_HEADER = "X-Kzreg-Signature"
MAX_URL = 500
TOLERANCE_SECONDS = 300


class UnsafeAddress(Exception):
    """The URL's host is or resolves to an address notifications are never sent to."""


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_loopback and registrar_settings().get("WEBHOOK_ALLOW_LOOPBACK"):
        return True
    return address.is_global and not address.is_multicast


def resolved_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, each one allowed; raises `UnsafeAddress` (or `OSError`: no such host)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        parsed = ipaddress.ip_address(address.split("%")[0])
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped
        if not _allowed(parsed):
            raise UnsafeAddress(address)
    return addresses


def check_url(url: str) -> list[Problem]:
    """Problems of a URL given to `register`: its form, and where its host leads now."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL or parts.username:
        return [Problem("url", RegistrarCode.WEBHOOK_URL, {"value": url})]
    try:
        resolved_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (UnsafeAddress, OSError, ValueError):
        return [Problem("url", RegistrarCode.WEBHOOK_ADDRESS, {"value": parts.hostname})]
    return []


def register(seller: Seller, url: str, principal: str) -> tuple[Webhook, str]:
    """A new webhook for the seller's domains; returns it and its secret (shown this once)."""
    problems = check_url(url)
    if problems:
        raise OperationFailed(problems)
    secret = secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        registrar_handle=seller.registrar_handle, reseller=seller.reseller, url=url.strip(), secret=secret,
        principal=principal, created_at=clock.now(),
    )  # fmt: skip
    return webhook, secret


def list_for(seller: Seller) -> QuerySet[Webhook]:
    """The seller's own webhooks (the registrar's staff: the registrar's own, not its resellers')."""
    return Webhook.objects.filter(registrar_handle=seller.registrar_handle, reseller=seller.reseller).order_by("id")


def remove(seller: Seller, webhook_id: int) -> None:
    """Removes one of the seller's webhooks (and its pending deliveries); another's id is 404."""
    webhook = list_for(seller).filter(pk=webhook_id).first()
    if webhook is None:
        raise Http404("no such webhook")
    webhook.delete()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for `body` sent at `timestamp` (seconds since the epoch)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does: the signature matches the body and its time is within `tolerance` of now."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, fields.get("v1", ""))
