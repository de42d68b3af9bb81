"""The registrar side's order charge (issue 11): quote, balance check, entries, all or nothing, in the
caller's transaction; wholesale to the registrar's book, retail to the reseller's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from kzreg.billing.books import customer_account, open_reseller_deposit, registrar_book
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Entry, OrderQuote, OwnerKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.orders import charge_order, quote_order
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_own_retail_price, set_retail_price, set_wholesale_price
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.resellers.models import Reseller
from tests.conftest import T0

CAUSE = Cause(kind="order", principal="cabinet alpha", object_type="domain", object_key="shop.kz")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


@pytest.fixture
def priced(registrar, reseller, frozen_clock):
    set_wholesale_price(registrar, "kz", "create", 1, usd("35.00"), "ps", T0)
    set_retail_price(reseller, "kz", "create", 1, Money.of("25000.00", "KZT"), "alpha", T0)
    deposit = open_reseller_deposit(reseller, "USD", T0, credit_limit=usd("10.00"))
    record_payment(deposit, usd("50.00"), "ps", T0, "alpha prepayment")
    deposit.refresh_from_db()
    return deposit


def balances(owner_kind: str) -> dict[tuple[str, str], Money]:
    return {
        (a.kind, a.holder_key): a.balance for a in Account.objects.filter(book__owner_kind=owner_kind).order_by("id")
    }


def test_an_order_posts_wholesale_in_the_registrars_book_and_retail_in_the_resellers(
    registrar, reseller, priced, frozen_clock
):
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    assert (quote.wholesale, quote.retail) == (usd("35.00"), Money.of("25000.00", "KZT"))
    charged = charge_order(priced, quote.id, CAUSE, clock.now())
    assert balances(OwnerKind.REGISTRAR)[("prepaid", str(reseller.id))] == usd("15.00")
    assert balances(OwnerKind.REGISTRAR)[("revenue", "wholesale")] == usd("35.00")
    assert balances(OwnerKind.RESELLER) == {
        ("expense", "wholesale"): usd("-35.00"),
        ("payable", "registrar"): usd("35.00"),
        ("receivable", "C-1"): Money.of("-25000.00", "KZT"),
        ("revenue", "retail"): Money.of("25000.00", "KZT"),
    }
    assert charged.seller.kind == "order" and charged.seller.quote_id == quote.id
    assert charged.seller.object_key == "shop.kz" and charged.reseller is not None
    assert charged.reseller.book.owner_key == str(reseller.id)


def test_the_balance_check_holds_the_credit_limit_and_books_nothing(registrar, reseller, priced, frozen_clock):
    first = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    second = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-2")
    charge_order(priced, first.id, CAUSE, clock.now())  # 50 → 15 (limit 10: 25 available)
    with pytest.raises(OperationFailed) as refusal:
        charge_order(priced, second.id, CAUSE, clock.now())  # 35 > 25
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert Transaction.objects.filter(kind="order").count() == 2  # the first order's two, not the second's
    assert OrderQuote.objects.get(pk=second.id).used_at is None  # the refused order left its quote usable


def test_a_failing_registry_step_in_the_same_transaction_books_nothing(registrar, reseller, priced, frozen_clock):
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller, customer_key="C-1")
    before = (Entry.objects.count(), balances(OwnerKind.REGISTRAR))

    class RegistryRefused(Exception):
        pass

    with pytest.raises(RegistryRefused), transaction.atomic():
        charge_order(priced, quote.id, CAUSE, clock.now())
        raise RegistryRefused  # the registry operation that follows the charge fails
    assert (Entry.objects.count(), balances(OwnerKind.REGISTRAR)) == before
    assert not Transaction.objects.filter(kind="order").exists()
    assert OrderQuote.objects.get(pk=quote.id).used_at is None
    charge_order(priced, quote.id, CAUSE, clock.now())  # the quote still works once


def test_a_quote_is_charged_once_and_not_after_it_expired(registrar, reseller, priced, frozen_clock):
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    charge_order(priced, quote.id, CAUSE, clock.now())
    with pytest.raises(OperationFailed) as refusal:
        charge_order(priced, quote.id, CAUSE, clock.now())
    assert refusal.value.codes == {BooksCode.QUOTE_USED} and refusal.value.problems[0].field == "quote"
    late = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    frozen_clock.advance(dt.timedelta(hours=1))
    with pytest.raises(OperationFailed) as refusal:
        charge_order(priced, late.id, CAUSE, clock.now())
    assert refusal.value.codes == {BillingCode.QUOTE_EXPIRED}
    with pytest.raises(OperationFailed) as refusal:
        charge_order(priced, "nope", CAUSE, clock.now())
    assert refusal.value.codes == {BillingCode.QUOTE_UNKNOWN}
    assert Transaction.objects.filter(kind="order", book__owner_kind=OwnerKind.REGISTRAR).count() == 1


def test_another_resellers_deposit_cannot_pay_for_the_quote(registrar, reseller, priced, frozen_clock):
    beta = Reseller.objects.create(
        registrar=registrar, handle="BETA", name="Beta", legal_name="Beta LLP", email="b@beta.kz", created_at=T0
    )
    beta_deposit = open_reseller_deposit(beta, "USD", T0, credit_limit=usd("1000.00"))
    quote = quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    with pytest.raises(OperationFailed) as refusal:
        charge_order(beta_deposit, quote.id, CAUSE, clock.now())
    assert refusal.value.codes == {BooksCode.QUOTE_PAYER}
    beta_deposit.refresh_from_db()
    assert beta_deposit.balance == usd("0.00") and OrderQuote.objects.get(pk=quote.id).used_at is None


def test_a_registrars_own_customer_is_charged_its_retail_price_to_a_receivable(registrar, frozen_clock):
    set_own_retail_price(registrar, "kz", "renew", 2, Money.of("30000.00", "KZT"), "ps", T0)
    quote = quote_order(registrar, "kz", "renew", 2, clock.now(), customer_key="CUST-7")
    receivable = customer_account(registrar_book(registrar, T0), "CUST-7", "KZT", T0)
    charged = charge_order(receivable, quote.id, CAUSE, clock.now())
    receivable.refresh_from_db()
    assert receivable.balance == Money.of("-30000.00", "KZT") and charged.reseller is None
    revenue = Account.objects.get(book__owner_kind=OwnerKind.REGISTRAR, kind=AccountKind.REVENUE)
    assert (revenue.holder_key, revenue.balance) == ("retail", Money.of("30000.00", "KZT"))


def test_an_order_without_a_price_list_is_refused_naming_the_seller(registrar, reseller, frozen_clock):
    with pytest.raises(OperationFailed) as refusal:
        quote_order(registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    assert refusal.value.codes == {BooksCode.NO_LIST_PRICE}
    assert "PS-KZ" in refusal.value.problems[0].message("ru")
    with pytest.raises(OperationFailed) as refusal:
        quote_order(registrar, "kz", "create", 1, clock.now())
    assert refusal.value.problems[0].field == "customer"
    assert not OrderQuote.objects.exists()


def test_a_reseller_of_another_registrar_gets_no_quote(other_registrar, reseller, priced, frozen_clock):
    with pytest.raises(OperationFailed) as refusal:
        quote_order(other_registrar, "kz", "create", 1, clock.now(), reseller=reseller)
    assert refusal.value.problems[0].field == "reseller"
