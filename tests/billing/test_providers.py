"""Online payment providers (issue 11): signed callbacks at /billing/providers/<name>/callback, booked
once per provider payment id. A fake provider plays the provider's side: it signs with the shared secret
over real HTTP through Django's test client (CSRF checks on). Wrong secrets, altered bodies, missing
signatures and stale timestamps are refused and book nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kzreg.billing.invoices import cancel_invoice
from kzreg.billing.models import InvoiceStatus, ProviderPayment, Transaction
from kzreg.billing.money import Money
from kzreg.billing.providers.base import Notification, Provider, sign
from kzreg.core import clock
from tests.billing.conftest import balance_of
from tests.billing.invoice_helpers import issue
from tests.conftest import T0

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-the-provider"
URL = "/billing/providers/fakepay/callback"


class FormProvider(Provider):
    """Another wire format through the same interface: a query string, the signature in its own header."""

    timestamp_header = "X-Form-Time"
    signature_header = "X-Form-Sig"

    def notification(self, request) -> Notification:
        form = request.POST
        return Notification(self.name, form["id"], Money.of(form["sum"], form["cur"]), account=form["acct"])


PROVIDERS = {
    "fakepay": {"secret": SECRET, "window": 300},
    "formpay": {"class": f"{__name__}.FormProvider", "secret": SECRET},
}


@pytest.fixture(autouse=True)
def _providers(settings):
    settings.KZREG = {**settings.KZREG, "PAYMENT_PROVIDERS": PROVIDERS}


class FakeProvider:
    """The provider's side: signs and posts its notifications."""

    def __init__(self, secret: str = SECRET):
        self.client = Client(enforce_csrf_checks=True)
        self.secret = secret.encode()

    def post(self, payload: dict | bytes, timestamp: int | None = None, url: str = URL, **headers: str):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        stamp = str(int(clock.now().timestamp()) if timestamp is None else timestamp)
        signed = {"X-Kzreg-Timestamp": stamp, "X-Kzreg-Signature": sign(self.secret, stamp, body)}
        return self.client.post(url, data=body, content_type="application/json", headers={**signed, **headers})


def payment(payment_id: str = "pay-1001", amount: str = "250.00", **extra: str) -> dict:
    return {"payment_id": payment_id, "amount": amount, "currency": "USD", "account": "PS-KZ", **extra}


def test_a_signed_callback_books_the_payment_once(frozen_clock, prepaid):
    fake = FakeProvider()
    response = fake.post(payment())
    assert response.status_code == 200
    body = response.json()
    assert body["duplicate"] is False and body["payment_id"] == "pay-1001"
    assert balance_of(prepaid) == Money.of("350.00", "USD")
    tx = Transaction.objects.get(pk=body["transaction"])
    assert (tx.kind, tx.reference, tx.principal) == ("payment", "fakepay pay-1001", "provider fakepay")

    again = fake.post(payment())
    assert again.status_code == 200 and again.json() == {**body, "duplicate": True}
    assert balance_of(prepaid) == Money.of("350.00", "USD")
    assert ProviderPayment.objects.count() == 1

    conflict = fake.post(payment(amount="251.00"))
    assert conflict.status_code == 409
    assert conflict.json()["errors"] == [
        "payment_id: payment pay-1001 was already reported with another amount (250.00 USD)"
    ]
    assert balance_of(prepaid) == Money.of("350.00", "USD")


@pytest.mark.parametrize(
    ("how", "status", "error"),
    [
        ("wrong secret", 401, "signature: the notification's signature does not match"),
        ("altered body", 401, "signature: the notification's signature does not match"),
        ("no signature", 401, "signature: the notification carries no X-Kzreg-Signature signature"),
        ("no timestamp", 401, "signature: the notification carries no X-Kzreg-Timestamp signature"),
        (
            "stale",
            401,
            f"timestamp: the notification's time is outside the 300-second window: {int(T0.timestamp()) - 301}",
        ),
        (
            "future",
            401,
            f"timestamp: the notification's time is outside the 300-second window: {int(T0.timestamp()) + 301}",
        ),
    ],
)
def test_unproven_callbacks_are_refused_and_book_nothing(frozen_clock, prepaid, how, status, error):
    body = json.dumps(payment()).encode()
    stamp = int(T0.timestamp())
    client = Client(enforce_csrf_checks=True)
    headers = {"X-Kzreg-Timestamp": str(stamp), "X-Kzreg-Signature": sign(SECRET.encode(), str(stamp), body)}
    if how == "wrong secret":
        headers["X-Kzreg-Signature"] = sign(b"guessed", str(stamp), body)
    elif how == "altered body":
        body = body.replace(b"250.00", b"25000.00")
    elif how == "no signature":
        del headers["X-Kzreg-Signature"]
    elif how == "no timestamp":
        del headers["X-Kzreg-Timestamp"]
    elif how in ("stale", "future"):
        stamp += -301 if how == "stale" else 301
        headers = {"X-Kzreg-Timestamp": str(stamp), "X-Kzreg-Signature": sign(SECRET.encode(), str(stamp), body)}
    response = client.post(URL, data=body, content_type="application/json", headers=headers)
    assert (response.status_code, response.json()["errors"]) == (status, [error])
    assert balance_of(prepaid) == Money.of("100.00", "USD") and not ProviderPayment.objects.exists()


def test_the_edge_of_the_window_is_accepted(frozen_clock, prepaid):
    assert FakeProvider().post(payment(), timestamp=int(T0.timestamp()) - 300).status_code == 200


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (payment(amount="-5.00"), "amount: the amount must be more than zero: -5.00"),
        (payment(amount="0.00"), "amount: the amount must be more than zero: 0.00"),
        (
            payment(amount="10.001"),
            "amount: not a valid amount: 10.001 (down to the currency's minor unit, e.g. 100.50)",
        ),
        (
            {**payment(), "amount": 10.5},
            "amount: not a valid amount: 10.5 (down to the currency's minor unit, e.g. 100.50)",
        ),
        (
            payment(amount="5000000.00"),
            "amount: the amount is implausibly large: 5 000 000.00 USD (at most 1 000 000.00 USD)",
        ),
        ({**payment(), "currency": "KZT"}, "currency: account prepaid PS-KZ is kept in USD, the entry is in KZT"),
        ({**payment(), "currency": "EUR"}, "currency: unknown currency: EUR (allowed: KZT, USD)"),
        ({**payment(), "payment_id": ""}, "payment_id: is required"),
        ({**payment(), "account": ""}, "account: is required"),
        (b"not json", "body: is not valid: not json"),
    ],
)
def test_bad_notifications_name_the_field_and_book_nothing(frozen_clock, prepaid, payload, error):
    response = FakeProvider().post(payload)
    assert response.status_code == 400 and error in response.json()["errors"]
    assert balance_of(prepaid) == Money.of("100.00", "USD") and not ProviderPayment.objects.exists()


def test_unknown_provider_unknown_account_and_get(frozen_clock, prepaid):
    fake = FakeProvider()
    response = fake.post(payment(), url="/billing/providers/nosuch/callback")
    assert response.status_code == 404 and response.json()["errors"] == ["provider: unknown payment provider: nosuch"]
    response = fake.post(payment(account="NOSUCH-KZ"))
    assert response.status_code == 404
    assert Client().get(URL).status_code == 405
    assert not ProviderPayment.objects.exists()


def test_a_provider_pays_an_invoice_and_not_a_cancelled_one(frozen_clock, db):
    fake = FakeProvider()
    invoice = issue()
    body = {"payment_id": "inv-1", "amount": "34.80", "currency": "USD", "invoice": invoice.number}
    assert fake.post(body).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    other = issue()
    cancel_invoice(other, "wrong buyer", clock.now(), "tester")
    response = fake.post({**body, "payment_id": "inv-2", "invoice": other.number})
    assert response.status_code == 409 and "was cancelled" in response.json()["errors"][0]
    assert ProviderPayment.objects.count() == 1


def test_another_wire_format_through_the_same_interface(frozen_clock, prepaid):
    form = "id=f-1&sum=10.00&cur=USD&acct=PS-KZ"
    stamp = str(int(T0.timestamp()))
    good = sign(SECRET.encode(), stamp, form.encode())
    client = Client(enforce_csrf_checks=True)
    url = "/billing/providers/formpay/callback"
    kind = "application/x-www-form-urlencoded"
    bad = client.post(url, data=form, content_type=kind, headers={"X-Form-Time": stamp, "X-Form-Sig": "sha256=00"})
    assert bad.status_code == 401
    ok = client.post(url, data=form, content_type=kind, headers={"X-Form-Time": stamp, "X-Form-Sig": good})
    assert ok.status_code == 200 and balance_of(prepaid) == Money.of("110.00", "USD")
