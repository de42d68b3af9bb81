"""The provider interface, and the signed-JSON provider every real one can start from.

A provider is configured in `KZREG["PAYMENT_PROVIDERS"]`: `{"name": {"class": "dotted.Path", "secret":
"…", "window": 300}}`. Its `verify(request)` either returns the `Notification` the callback carries or
raises `OperationFailed` (401 for a missing or wrong signature or a time outside the replay window, 400
for a body that is not a payment). It must not book anything: `booking.book` does, once.

`SignedJsonProvider` signs `"<timestamp>.<raw body>"` with HMAC-SHA256 and the shared secret, sent as
`X-Kzreg-Timestamp: <unix seconds>` and `X-Kzreg-Signature: sha256=<hex>`; the body is JSON
`{"payment_id", "amount", "currency", "account" | "invoice"}`. A provider with another wire format
sets its own header names and overrides `notification`; the checks stay the same.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from kzreg.billing.money import CURRENCIES, Money, MoneyError
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

TIMESTAMP_HEADER = "X-Kzreg-Timestamp"
SIGNATURE_HEADER = "X-Kzreg-Signature"


@dataclass(frozen=True)
class Notification:
    """A payment the provider says it took: its id at the provider, the amount, and what it pays for
    (an account: a registrar's handle or `@N`; or an invoice number)."""

    provider: str
    payment_id: str
    amount: Money
    account: str = ""
    invoice: str = ""


class Provider(abc.ABC):
    """The interface: a name, a shared secret, a replay window, and `verify(request) -> Notification`.

    `verify` proves the request (HMAC-SHA256 of `"<timestamp>.<raw body>"` in `signature_header`, the
    unix time in `timestamp_header`, within `window` seconds of now) and then reads it (`notification`,
    the part each wire format writes)."""

    timestamp_header = TIMESTAMP_HEADER
    signature_header = SIGNATURE_HEADER

    def __init__(self, name: str, secret: str, window: int = 300):
        if not secret:
            raise ValueError(f"payment provider {name} has no secret")
        self.name = name
        self.secret = secret.encode()
        self.window = window

    def verify(self, request: HttpRequest) -> Notification:
        self.check_signature(request)
        return self.notification(request)

    @abc.abstractmethod
    def notification(self, request: HttpRequest) -> Notification:
        """The payment the verified request reports: each wire format reads its own body."""

    def check_signature(self, request: HttpRequest) -> None:
        timestamp = request.headers.get(self.timestamp_header, "")
        signature = request.headers.get(self.signature_header, "")
        if not timestamp or not signature:
            missing = self.signature_header if not signature else self.timestamp_header
            raise OperationFailed([Problem("signature", PaymentCode.SIGNATURE_MISSING, {"value": missing})])
        if not hmac.compare_digest(sign(self.secret, timestamp, request.body), signature):
            raise OperationFailed([Problem("signature", PaymentCode.SIGNATURE_BAD)])
        self._fresh(timestamp, clock.now())

    def _fresh(self, timestamp: str, now: dt.datetime) -> None:
        """Signed, but sent within the window? An old callback replayed is refused (a provider that
        retries signs again with a new timestamp; the payment id keeps the retry from booking twice)."""
        try:
            sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            sent = None
        if sent is None or abs((now - sent).total_seconds()) > self.window:
            params = {"value": timestamp[:40], "seconds": self.window}
            raise OperationFailed([Problem("timestamp", PaymentCode.TIMESTAMP_STALE, params)])


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """What a provider (and the fake one in the tests) sends in the signature header."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class SignedJsonProvider(Provider):
    """The JSON body `{"payment_id", "amount" (a string), "currency", "account" | "invoice"}`."""

    def notification(self, request: HttpRequest) -> Notification:
        body = request.body
        try:
            data: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            raise OperationFailed([Problem("body", Code.INVALID, {"value": body[:40].decode("utf-8", "replace")})])
        problems: list[Problem] = []
        payment_id = str(data.get("payment_id") or "").strip()
        if not payment_id or len(payment_id) > 100:
            problems.append(
                Problem("payment_id", Code.REQUIRED if not payment_id else Code.INVALID, {"value": payment_id[:40]})
            )
        account, invoice = str(data.get("account") or "").strip(), str(data.get("invoice") or "").strip()
        if bool(account) == bool(invoice):
            problems.append(Problem("account", Code.REQUIRED))
        amount = None
        currency = str(data.get("currency") or "")
        raw_amount = data.get("amount")
        if currency.strip().upper() not in CURRENCIES:
            params = {"value": currency, "allowed": ", ".join(CURRENCIES)}
            problems.append(Problem("currency", BillingCode.CURRENCY_UNKNOWN, params))
        elif not isinstance(raw_amount, str):  # a JSON number would pass through a float
            problems.append(Problem("amount", BillingCode.AMOUNT_INVALID, {"value": raw_amount}))
        else:
            try:
                amount = Money.of(raw_amount, currency)
            except MoneyError:
                problems.append(Problem("amount", BillingCode.AMOUNT_INVALID, {"value": raw_amount}))
        if problems or amount is None:
            raise OperationFailed(problems)
        return Notification(self.name, payment_id, amount, account=account, invoice=invoice)
