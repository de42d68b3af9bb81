"""The order quote and charge in one statement each on PostgreSQL (issue 12, Speed): the same rows as the
ORM/ledger way (B-ledger rules: balanced, append-only, guarded balance), the same refusals with nothing
written, the same price precedence (reseller, group, all), and under concurrency one charge per quote and
never past the credit limit. The statements are PostgreSQL's; on SQLite these tests check the ledger way
they are compared with."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from kzreg.billing import orders
from kzreg.billing.books import open_reseller_deposit, reseller_deposit
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, Entry, OrderQuote, Transaction
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import assign_group, create_group, set_retail_price, set_wholesale_price
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.conftest import T0

CAUSE = Cause(kind="order", principal="cabinet alpha", object_type="domain", object_key="shop.kz")
ON_POSTGRES = connection.vendor == "postgresql"


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def priced(registrar, reseller, frozen_clock):
    set_wholesale_price(registrar, "kz", "create", 1, usd("35.00"), "ps", T0)
    set_retail_price(reseller, "kz", "create", 1, Money.of("25000.00", "KZT"), "alpha", T0)
    deposit = open_reseller_deposit(reseller, "USD", T0, credit_limit=usd("10.00"))
    record_payment(deposit, usd("100.00"), "ps", T0, "alpha prepayment")
    charge_order(deposit, quote_order(registrar, "kz", "create", 1, T0, reseller=reseller, customer_key="C-1").id,
                 CAUSE, T0)  # fmt: skip  # the first charge opens the revenue, expense and payable accounts
    deposit.refresh_from_db()
    return deposit  # 100 − 35 = 65, limit 10: 75 available


@pytest.fixture
def spy(monkeypatch) -> dict[str, int]:
    """Counts the charges the statements wrote (the others went the ledger way)."""
    counts = {"quick": 0, "quotes": 0}
    charge, quote = orders._charge_in_two, orders._quote_in_one

    def counted_charge(*args: Any) -> Any:
        done = charge(*args)
        counts["quick"] += done is not None
        return done

    def counted_quote(*args: Any) -> Any:
        done = quote(*args)
        counts["quotes"] += done is not None
        return done

    monkeypatch.setattr(orders, "_charge_in_two", counted_charge)
    monkeypatch.setattr(orders, "_quote_in_one", counted_quote)
    return counts


def snapshot(since: int) -> tuple[list[tuple[Any, ...]], dict[int, int]]:
    """The order transactions after `since` and their entries, and every balance, without ids and quotes."""
    rows = []
    for tx in Transaction.objects.filter(pk__gt=since, kind="order").order_by("id"):
        entries = [
            (e.account_id, e.amount_minor, e.currency) for e in Entry.objects.filter(transaction=tx).order_by("id")
        ]
        rows.append((tx.book_id, tx.kind, tx.operation, tx.object_type, tx.object_key, tx.fee_command, tx.years,
                     tx.principal, tx.reverses_id, tx.created_at, entries))  # fmt: skip
    return rows, dict(Account.objects.values_list("id", "balance_minor"))


def last_tx() -> int:
    return Transaction.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.parametrize("customer_key", ["C-2", ""])
def test_the_statements_write_what_the_ledger_way_writes(registrar, reseller, priced, spy, monkeypatch, customer_key):
    """One order charged the ledger way, then one by the statements: the same rows and balance moves."""
    moves = []
    for quick in (False, True):
        monkeypatch.setattr(orders, "_one_statement", lambda quick=quick: quick and ON_POSTGRES)
        since, (_, before) = last_tx(), snapshot(0)
        quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key=customer_key)
        stored = OrderQuote.objects.get(pk=quote.pk)
        assert (stored.wholesale, stored.retail, stored.expires_at) == (quote.wholesale, quote.retail, quote.expires_at)
        charged = charge_order(priced, quote.id, CAUSE, clock.now())
        rows, after = snapshot(since)
        assert [charged.seller.pk] + ([charged.reseller.pk] if charged.reseller else []) == list(
            Transaction.objects.filter(pk__gt=since).order_by("id").values_list("id", flat=True)
        )
        assert OrderQuote.objects.get(pk=quote.pk).used_at is not None
        assert all(tx.quote_id == quote.id for tx in Transaction.objects.filter(pk__gt=since))
        moves.append((rows, {pk: after[pk] - before.get(pk, 0) for pk in after if after[pk] != before.get(pk, 0)}))
    assert moves[0] == moves[1]
    assert moves[1][1][priced.pk] == -3500 and len(moves[1][0]) == 2
    assert sum(e[1] for e in moves[1][0][0][-1]) == 0 and sum(e[1] for e in moves[1][0][1][-1]) == 0  # balanced
    assert spy == ({"quick": 1, "quotes": 1} if ON_POSTGRES else {"quick": 0, "quotes": 0})


def test_a_refusal_writes_nothing_and_says_what_the_ledger_says(registrar, reseller, priced, spy):
    """Funds short (65 − 35 = 30, limit 10: the third 35 is refused), a quote used twice, an expired one."""
    first = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    second = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    third = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    charge_order(priced, first.id, CAUSE, clock.now())
    charge_order(priced, second.id, CAUSE, clock.now())
    since, state = last_tx(), snapshot(0)
    with pytest.raises(OperationFailed) as refusal:
        charge_order(priced, third.id, CAUSE, clock.now())
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert snapshot(0) == state and last_tx() == since
    assert OrderQuote.objects.get(pk=third.id).used_at is None  # the refused order left its quote usable
    with pytest.raises(OperationFailed) as used:
        charge_order(priced, first.id, CAUSE, clock.now())
    assert used.value.codes == {BooksCode.QUOTE_USED} and snapshot(0) == state
    clock.freeze(T0 + orders.dt.timedelta(hours=1))
    with pytest.raises(OperationFailed) as expired:
        charge_order(priced, third.id, CAUSE, clock.now())
    assert expired.value.codes == {BillingCode.QUOTE_EXPIRED} and snapshot(0) == state
    assert spy["quick"] == (2 if ON_POSTGRES else 0)


def test_a_charge_rolled_back_with_its_operation_leaves_nothing(registrar, reseller, priced, spy):
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    state = snapshot(0)
    with pytest.raises(RuntimeError), transaction.atomic():
        charge_order(priced, quote.id, CAUSE, clock.now())
        raise RuntimeError("the registry refused")
    assert snapshot(0) == state and OrderQuote.objects.get(pk=quote.id).used_at is None
    charge_order(priced, quote.id, CAUSE, clock.now())
    assert spy["quick"] == (2 if ON_POSTGRES else 0)


def test_another_payer_than_the_quotes_is_refused(registrar, reseller, priced, spy):
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    other = Account.objects.get(book=priced.book, kind="revenue")
    with pytest.raises(OperationFailed) as refusal:
        charge_order(other, quote.id, CAUSE, clock.now())
    assert refusal.value.codes == {BooksCode.QUOTE_PAYER}
    assert OrderQuote.objects.get(pk=quote.id).used_at is None


def test_the_quote_takes_the_resellers_price_then_its_groups_then_the_registrars(registrar, reseller, priced, spy):
    def quoted() -> Money | None:
        return quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller).wholesale

    assert quoted() == usd("35.00")
    group = create_group(registrar, "gold", T0)
    assign_group(reseller, group, T0)
    set_wholesale_price(registrar, "kz", "create", 1, usd("30.00"), "ps", T0, group=group)
    assert quoted() == usd("30.00")
    set_wholesale_price(registrar, "kz", "create", 1, usd("28.00"), "ps", T0, reseller=reseller)
    assert quoted() == usd("28.00")
    later = T0 + orders.dt.timedelta(minutes=5)
    set_wholesale_price(registrar, "kz", "create", 1, usd("27.00"), "ps", later, reseller=reseller)
    assert quoted() == usd("28.00")  # not in force yet
    clock.freeze(later)
    assert quoted() == usd("27.00")
    assert spy["quotes"] == (5 if ON_POSTGRES else 0)


def test_a_price_in_another_currency_than_the_deposit_is_converted_the_ledger_way(
    registrar, reseller, frozen_clock, spy
):
    """The statement does not convert: it writes nothing, and the ORM way converts (or says it cannot)."""
    set_wholesale_price(registrar, "kz", "create", 1, Money.of("17500.00", "KZT"), "ps", T0)
    open_reseller_deposit(reseller, "USD", T0)
    with pytest.raises(OperationFailed):  # no rate for the day: the ORM way says so
        quote_order(registrar, "kz", "create", 1, T0, reseller=reseller)
    assert not OrderQuote.objects.exists() and spy["quotes"] == 0
    assert reseller_deposit(reseller) is not None


def test_a_quote_for_the_registrars_own_customer(registrar, frozen_clock, spy):
    from kzreg.billing.price_lists import set_own_retail_price

    set_own_retail_price(registrar, "kz", "create", 1, Money.of("20000.00", "KZT"), "ps", T0)
    quote = quote_order(registrar, "kz", "create", 1, T0, customer_key="customer:7")
    assert (quote.wholesale, quote.retail, quote.reseller_id) == (None, Money.of("20000.00", "KZT"), None)
    assert OrderQuote.objects.get(pk=quote.pk).retail == quote.retail
    assert spy["quotes"] == (1 if ON_POSTGRES else 0)


def test_the_registrars_own_customer_is_charged_by_the_statements_once_its_accounts_are_open(
    registrar, frozen_clock, spy
):
    from kzreg.billing.books import customer_account, registrar_book
    from kzreg.billing.price_lists import set_own_retail_price

    set_own_retail_price(registrar, "kz", "create", 1, Money.of("20000.00", "KZT"), "ps", T0)
    receivable = customer_account(registrar_book(registrar, T0), "customer:7", "KZT", T0)
    rows = []
    for _ in range(2):  # the first opens the retail revenue account (the ledger way), the second is quick
        since = last_tx()
        quote = quote_order(registrar, "kz", "create", 1, T0, customer_key="customer:7")
        charged = charge_order(receivable, quote.id, CAUSE, T0)
        assert charged.reseller is None
        rows.append(snapshot(since)[0])
    assert rows[0] == rows[1] and len(rows[1]) == 1
    receivable.refresh_from_db()
    assert receivable.balance == Money.of("-40000.00", "KZT")
    assert spy["quick"] == (1 if ON_POSTGRES else 0)
