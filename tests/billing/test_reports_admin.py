"""The revenue page in the back-office (issue 11): a server-drawn SVG chart of monthly revenue with a
table of the same figures beside it, CSV; the registry's book only; registry staff only; no inline style
or script (CSP)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kzreg.accounts.models import StaffProfile
from kzreg.billing.books import customer_account, registrar_book
from kzreg.billing.chart import monthly_chart
from kzreg.billing.ledger import Cause
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.price_lists import set_own_retail_price
from kzreg.core import clock
from tests.conftest import T0

pytestmark = pytest.mark.django_db
PAGE = "/admin/billing/revenuereport/"


@pytest.fixture
def staff_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.create_superuser("kaznic-op", "op@nic.kz", "pw-123456"))
    return client


def test_the_page_draws_monthly_revenue_with_a_table_and_no_inline_style(
    prepaid, make_domain, staff_client, frozen_clock
):
    make_domain("charted.kz", period=2)
    page = staff_client.get(PAGE, {"from": "2026-01-01", "to": "2026-06-01", "by": "registrar"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="bar"' in html and "2026-03: 60.00 USD" in html
    assert "<caption>Monthly revenue, USD</caption>" in html and "PS-KZ" in html
    assert "billing/reports.css" in html
    assert not re.search(r"<(svg|rect|text|line|div|table)[^>]*\sstyle=", html) and "<script>" not in html
    csv = staff_client.get(PAGE, {"from": "2026-01-01", "to": "2026-06-01", "by": "zone", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines() == ["month,zone,amount,currency", "2026-03,kz,60.00,USD"]


def test_bad_filters_are_named_on_the_page(staff_client, registrar):
    html = staff_client.get(PAGE, {"by": "colour", "from": "someday"}).content.decode()
    assert "from: someday" in html and "by: is not valid: colour" in html


def test_a_registrars_own_book_is_not_on_the_registry_page(registrar, staff_client, frozen_clock):
    set_own_retail_price(registrar, "kz", "create", 1, Money.of("99999.00", "KZT"), "ps", T0)
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), customer_key="C-1")
    receivable = customer_account(registrar_book(registrar, T0), "C-1", "KZT", T0)
    charge_order(receivable, quote.id, Cause(kind="order", principal="t", object_key="x.kz"), clock.now())
    html = staff_client.get(PAGE, {"from": "2026-01-01", "to": "2026-06-01"}).content.decode()
    assert "99 999.00" not in html and "No revenue in this period." in html


def test_registrar_staff_are_turned_away(registrar, prepaid, make_domain):
    make_domain("secret.kz")
    user = User.objects.create_user("ps-op", "op@ps.kz", "pw-123456", is_staff=True)
    StaffProfile.objects.create(user=user, organisation=StaffProfile.Organisation.REGISTRAR, registrar=registrar)
    client = Client()
    client.force_login(user)
    response = client.get(PAGE, {"format": "csv"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert b"secret" not in response.content and b"30.00" not in response.content


def test_bars_scale_to_the_highest_month_and_a_loss_draws_none():
    chart = monthly_chart(
        "USD",
        [
            ("2026-01", Money.of("50.00", "USD")),
            ("2026-02", Money.of("100.00", "USD")),
            ("2026-03", Money.of("-5.00", "USD")),
        ],
    )
    heights = [bar.height for bar in chart.bars]
    assert heights[1] == 2 * heights[0] and heights[2] == 0 and chart.peak == Money.of("100.00", "USD")
    assert all(bar.y + bar.height == chart.baseline for bar in chart.bars)
