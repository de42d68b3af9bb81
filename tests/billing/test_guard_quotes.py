"""The quote a charged registration starts with (B1, E3), stored by one INSERT … SELECT that reads the price
itself (`fees._store_priced`): the same amount and currency as reading the price first, in every case the
statement covers (a price row, the default fee, no deposit) and in those it leaves to Python (a
conversion to the deposit's currency)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction

from kzreg.billing import fees
from kzreg.billing.books import open_prepaid
from kzreg.billing.models import ExchangeRate, Price, Quote
from kzreg.core import clock
from tests.conftest import T0

pytestmark = pytest.mark.django_db


def _stored(quote: fees.Quote) -> tuple[Decimal, str]:
    row = Quote.objects.get(pk=quote.id)
    assert (row.amount.amount, row.currency) == (quote.amount, quote.currency)
    return quote.amount, quote.currency


def _price(amount_minor: int, currency: str, years: int = 1) -> None:
    Price.objects.create(
        zone="kz", command="create", years=years, amount_minor=amount_minor, currency=currency,
        valid_from=T0 - dt.timedelta(days=1), entered_by="tester",
    )  # fmt: skip


def test_the_default_fee_times_years_in_the_deposits_currency(registrar, prepaid, frozen_clock):
    assert _stored(fees.quote("kz", "create", 2, registrar.id)) == (Decimal("60.00"), "USD")
    assert _stored(fees.quote("kz", "restore", 1, registrar.id)) == (Decimal("30.00"), "USD")  # not per year


def test_the_price_row_in_force_wins(registrar, prepaid, frozen_clock):
    _price(2500, "USD")
    _price(4000, "USD", years=2)
    assert _stored(fees.quote("kz", "create", 1, registrar.id)) == (Decimal("25.00"), "USD")
    assert _stored(fees.quote("kz", "create", 2, registrar.id)) == (Decimal("40.00"), "USD")
    assert _stored(fees.quote("kz", "renew", 1, registrar.id)) == (Decimal("30.00"), "USD")  # no row: default


def test_without_a_deposit_the_price_is_in_its_own_currency(registrar, frozen_clock):
    _price(1200000, "KZT")
    assert _stored(fees.quote("kz", "create", 1, registrar.id)) == (Decimal("12000.00"), "KZT")
    assert _stored(fees.quote("kz", "create", 3, registrar.id)) == (Decimal("90.00"), "USD")


def test_a_deposit_in_another_currency_gets_the_converted_fee(registrar, frozen_clock):
    open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    ExchangeRate.objects.create(day=T0.date(), source="KZT", target="USD", rate="0.002", entered_by="t")
    assert _stored(fees.quote("kz", "create", 1, registrar.id)) == (Decimal("15000.00"), "KZT")  # default, USD
    _price(1000000, "KZT")
    assert _stored(fees.quote("kz", "create", 1, registrar.id)) == (Decimal("10000.00"), "KZT")  # as it is
    assert Quote.objects.count() == 2


def test_inside_a_callers_transaction_the_quote_commits_with_it(registrar, prepaid, frozen_clock):
    with transaction.atomic():
        quote = fees.quote("kz", "create", 1, registrar.id)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the quote's own asynchronous commit is not the caller's
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone()[0] == "on"
    assert _stored(quote) == (Decimal("30.00"), "USD")
