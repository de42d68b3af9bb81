"""The back-office page to record a payment (issue 11: "recorded by staff … and in the staff web pages"):
registry staff only, the same `record_payment` as the CLI (or `pay_invoice` for an invoice number),
every refusal beside its field in the page's language, nothing booked on a refusal."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kzreg.accounts.models import StaffProfile
from kzreg.billing.invoices import cancel_invoice
from kzreg.billing.models import InvoiceStatus, Transaction
from kzreg.billing.money import Money
from kzreg.core import clock
from tests.billing.conftest import balance_of
from tests.billing.invoice_helpers import issue

pytestmark = pytest.mark.django_db
URL = "/admin/billing/bankline/record-payment/"


@pytest.fixture
def staff_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def form(account, amount: str = "1500.00", currency: str = "USD", **extra: str) -> dict:
    return {"account": account.pk if account else "", "invoice": "", "amount": amount, "currency": currency,
            "reference": "PP 77", **extra}  # fmt: skip


def test_staff_record_a_payment(staff_client, prepaid):
    page = staff_client.get(URL)
    assert page.status_code == 200 and "prepaid PS-KZ" in page.content.decode()
    assert "Record a payment" in staff_client.get("/admin/billing/bankline/").content.decode()
    response = staff_client.post(URL, form(prepaid))
    tx = Transaction.objects.get(kind="payment", reference="PP 77")
    assert response.status_code == 302 and response["Location"] == f"/admin/billing/transaction/{tx.pk}/change/"
    assert tx.principal == "kaznic-op (back-office)"
    assert balance_of(prepaid) == Money.of("1600.00", "USD")


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("10.001", "USD", "amount", "not a valid amount: 10.001"),
        ("-5", "USD", "amount", "the amount must be more than zero: -5.00"),
        ("0", "USD", "amount", "the amount must be more than zero: 0.00"),
        ("99999999", "USD", "amount", "the amount is implausibly large: 99 999 999.00 USD"),
        ("10", "KZT", "currency", "account prepaid PS-KZ is kept in USD, the entry is in KZT"),
    ],
)
def test_refusals_are_shown_beside_their_fields_and_book_nothing(
    staff_client, prepaid, amount, currency, field, message
):
    response = staff_client.post(URL, form(prepaid, amount, currency))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(e.startswith(message) for e in errors[field]), errors
    assert f'id="id_{field}-errors"' in response.content.decode()
    assert balance_of(prepaid) == Money.of("100.00", "USD")


def test_the_page_speaks_the_users_language(prepaid):
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    client.force_login(User.objects.create_superuser("kaznic-kk", "kk@nic.kz", "pw-123456"))
    response = client.post(URL, form(prepaid, "-5"))
    assert response.context["form"].errors["amount"] == ["сома нөлден үлкен болуы керек: -5.00"]


def test_an_invoice_by_number_and_not_a_cancelled_one(staff_client, db):
    invoice = issue()
    response = staff_client.post(URL, form(None, "34.80", invoice=invoice.number))
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    other = issue()
    cancel_invoice(other, "wrong buyer", clock.now(), "tester")
    response = staff_client.post(URL, form(None, "34.80", invoice=other.number))
    assert response.status_code == 200
    assert response.context["form"].errors["invoice"][0].startswith(f"invoice {other.number} was cancelled")
    assert Transaction.objects.filter(kind="payment").count() == 1
    response = staff_client.post(URL, form(None, "34.80", invoice=""))
    assert "account" in response.context["form"].errors


def test_only_registry_staff_reach_the_page(client, registrar, prepaid):
    assert client.post(URL, form(prepaid)).status_code == 302  # anonymous: the login page
    ps_admin = User.objects.create_user("ps-admin", "admin@ps.kz", "pw-123456", is_staff=True)
    StaffProfile.objects.create(user=ps_admin, organisation="registrar", registrar=registrar)
    client.force_login(ps_admin)
    response = client.post(URL, form(prepaid))
    assert response.status_code == 302 and "/login/" in response["Location"]
    operator = User.objects.create_user("op-no-perm", "op2@nic.kz", "pw-123456", is_staff=True)
    client.force_login(operator)
    assert client.post(URL, form(prepaid)).status_code == 403  # registry staff without the permission
    assert balance_of(prepaid) == Money.of("100.00", "USD") and Transaction.objects.filter(kind="payment").count() == 1
