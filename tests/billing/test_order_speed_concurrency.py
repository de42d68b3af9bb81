"""The order charge's statement under real concurrency (PostgreSQL; issue 12, Speed): one charge per
quote however many orders race with it, and racing orders of one reseller never pass its credit limit
nor deadlock (the accounts are locked in `ledger.post`'s order before anything is written)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from kzreg.billing import orders
from kzreg.billing.books import open_reseller_deposit
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, Transaction
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_retail_price, set_wholesale_price
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core import clock
from tests.billing.test_concurrency import ON_POSTGRES, THREADS, race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def opened(registrar, reseller, monkeypatch) -> tuple[Account, dict[str, int]]:
    """A deposit of 200.00 (limit 0), its accounts opened by a first 35.00 order: 165.00 left. (A customer
    key charged for the first time opens its receivable the ledger way: the orders here are all C-0's.)"""
    now = clock.now()
    set_wholesale_price(registrar, "kz", "create", 1, Money.of("35.00", "USD"), "ps", now)
    set_retail_price(reseller, "kz", "create", 1, Money.of("25000.00", "KZT"), "alpha", now)
    deposit = open_reseller_deposit(reseller, "USD", now)
    record_payment(deposit, Money.of("200.00", "USD"), "ps", now, "prepay")
    first = quote_order(registrar, "kz", "create", 1, now, reseller=reseller, customer_key="C-0")
    charge_order(deposit, first.id, Cause(kind="order", principal="t"), now)
    counts = {"quick": 0}
    charge = orders._charge_in_two

    def counted(*args: Any) -> Any:
        done = charge(*args)
        counts["quick"] += done is not None
        return done

    monkeypatch.setattr(orders, "_charge_in_two", counted)
    return deposit, counts


def test_orders_racing_with_one_quote_charge_once(registrar, reseller, opened):
    deposit, counts = opened
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-0")

    def attempt(n: int) -> object:
        with transaction.atomic():
            return charge_order(deposit, quote.id, Cause(kind="order", principal=f"t{n}"), clock.now()).seller.pk

    outcomes = race(attempt)
    assert len([o for o in outcomes if isinstance(o, int)]) == 1, outcomes
    assert outcomes.count({BooksCode.QUOTE_USED}) == THREADS - 1, outcomes
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("130.00", "USD") and counts["quick"] == 1
    assert Transaction.objects.filter(kind="order", quote_id=quote.id).count() == 2


def test_racing_orders_stop_at_the_credit_limit(registrar, reseller, opened):
    deposit, counts = opened
    quotes = [quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-0").id
              for n in range(THREADS)]  # fmt: skip

    def attempt(n: int) -> object:
        with transaction.atomic():
            return charge_order(deposit, quotes[n], Cause(kind="order", principal=f"t{n}"), clock.now()).seller.pk

    outcomes = race(attempt)
    charged = [o for o in outcomes if isinstance(o, int)]
    assert len(charged) == 4 and outcomes.count({BillingCode.INSUFFICIENT_FUNDS}) == THREADS - 4, outcomes
    deposit.refresh_from_db()
    assert deposit.balance == Money.of("25.00", "USD") and counts["quick"] == 4
    expense = Account.objects.get(book__owner_kind="reseller", kind="expense")
    assert expense.balance == Money.of("-175.00", "USD")  # the first order and the four charged now
