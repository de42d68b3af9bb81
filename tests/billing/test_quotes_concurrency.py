"""A quote is single-use even when eight orders race with it (issue 11): on PostgreSQL, with real
concurrent transactions, exactly one charge goes through and the others are told the quote was used.
PostgreSQL only, skipped before any fixture on SQLite, whose transactional tests empty the database with
DELETE, which the ledger refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from kzreg.billing import fees
from kzreg.billing.books import open_reseller_deposit
from kzreg.billing.fees import use_once
from kzreg.billing.ledger import Cause
from kzreg.billing.models import OrderQuote, Transaction
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_wholesale_price
from kzreg.billing.problems_books import BooksCode
from kzreg.core import clock
from tests.billing.test_concurrency import ON_POSTGRES, THREADS, race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_eight_orders_racing_with_one_quote_charge_once(registrar, reseller):
    now = clock.now()
    set_wholesale_price(registrar, "kz", "create", 1, Money.of("35.00", "USD"), "ps", now)
    deposit = open_reseller_deposit(reseller, "USD", now)
    record_payment(deposit, Money.of("1000.00", "USD"), "ps", now, "prepay")
    quote = quote_order(registrar, "kz", "create", 1, now, reseller=reseller)

    def attempt(n: int) -> object:
        with transaction.atomic():
            return charge_order(deposit, quote.id, Cause(kind="order", principal=f"t{n}"), clock.now()).seller.pk

    outcomes = race(attempt)
    charged = [o for o in outcomes if isinstance(o, int)]
    assert len(charged) == 1 and outcomes.count({BooksCode.QUOTE_USED}) == THREADS - 1, outcomes
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("965.00", "USD")
    assert Transaction.objects.filter(kind="order").count() == 2  # the registrar's book and the reseller's
    assert OrderQuote.objects.get(pk=quote.id).used_at is not None


def test_a_registry_quote_is_used_once_under_a_race(registrar):
    quote = fees.quote("kz", "create", 1, registrar.id)

    def attempt(n: int) -> object:
        with transaction.atomic():
            return use_once(quote.id, clock.now())

    assert sorted(race(attempt), key=str) == [False] * (THREADS - 1) + [True]


def test_a_quote_asked_on_its_own_is_stored_and_redeemable(registrar):
    """Outside any transaction (an order's first request) the quote commits by itself, without waiting
    for the WAL flush (a quote moves no money), and is there for the order that follows."""
    from django.db import connection

    assert not connection.in_atomic_block
    quote = fees.quote("kz", "create", 1, registrar.id)
    at = quote.expires_at - dt.timedelta(minutes=1)
    assert fees.redeem(quote.id, "kz", "create", 1, registrar.id, at, consume=True).minor == 3000
