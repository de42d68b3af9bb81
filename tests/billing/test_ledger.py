"""The double-entry ledger (issue 11): balanced or refused, balances follow entries, append-only in the
database itself, a credit limit never passed, each organisation in its own book."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from kzreg.billing import ledger
from kzreg.billing.books import open_prepaid, own_account, registry_book
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Book, Entry, OwnerKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.conftest import balance_of, fund

pytestmark = pytest.mark.django_db

CAUSE = Cause(kind="fee", principal="tester", operation="domain_create", request_id="r1", object_key="a.kz")


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def revenue(account: Account) -> Account:
    return own_account(account.book, AccountKind.REVENUE, account.currency, clock.now())


def test_a_posting_moves_both_balances_and_records_its_cause(prepaid):
    income = revenue(prepaid)
    posted = ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("30")), (income, usd("30"))], clock.now())
    assert balance_of(prepaid) == usd("70") and balance_of(income) == usd("30")
    assert posted.balances == {prepaid.pk: 7000, income.pk: 3000}
    tx = Transaction.objects.get(pk=posted.transaction.pk)
    assert (tx.operation, tx.request_id, tx.object_key) == ("domain_create", "r1", "a.kz")
    assert sorted(e.amount_minor for e in tx.entries.all()) == [-3000, 3000]
    assert Account.objects.get(pk=prepaid.pk).version == 2  # the deposit, then this


def test_unbalanced_entries_are_refused_and_nothing_is_written(prepaid):
    before = (Transaction.objects.count(), Entry.objects.count(), balance_of(prepaid))
    with pytest.raises(OperationFailed) as refusal:
        ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("30")), (revenue(prepaid), usd("29.99"))], clock.now())
    assert refusal.value.codes == {BillingCode.UNBALANCED}
    assert "-0.01" in refusal.value.render("en")[0]
    with pytest.raises(OperationFailed):
        ledger.post(prepaid.book, CAUSE, [(prepaid, usd("0"))], clock.now())
    assert (Transaction.objects.count(), Entry.objects.count(), balance_of(prepaid)) == before


def test_an_entry_in_another_currency_than_its_account_is_refused(prepaid):
    kzt_revenue = own_account(prepaid.book, AccountKind.REVENUE, "KZT", clock.now())
    with pytest.raises(OperationFailed) as refusal:
        ledger.post(
            prepaid.book, CAUSE,
            [(prepaid, -usd("1")), (revenue(prepaid), usd("1")), (kzt_revenue, Money.of("1", "USD"))], clock.now(),
        )  # fmt: skip
    assert BillingCode.CURRENCY_MISMATCH in refusal.value.codes
    assert refusal.value.problems[0].field == "entries[2].currency"


def test_nobody_posts_into_another_organisations_book(prepaid, registrar):
    theirs = Book.objects.create(
        owner_kind=OwnerKind.REGISTRAR, owner_key=str(registrar.id), name="PS", created_at=clock.now()
    )
    their_cash = own_account(theirs, AccountKind.BANK, "USD", clock.now())
    with pytest.raises(OperationFailed) as refusal:
        ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("5")), (their_cash, usd("5"))], clock.now())
    assert refusal.value.codes == {BillingCode.OTHER_BOOK}
    assert balance_of(prepaid) == usd("100") and balance_of(their_cash) == usd("0")


def test_a_charge_beyond_balance_and_credit_limit_is_refused_whole(prepaid):
    income = revenue(prepaid)
    with pytest.raises(OperationFailed) as refusal:
        ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("100.01")), (income, usd("100.01"))], clock.now())
    assert refusal.value.codes == {BillingCode.INSUFFICIENT_FUNDS}
    assert refusal.value.epp_code == 2104 and refusal.value.http_status == 402
    assert "100.01 USD needed, 100.00 USD available" in refusal.value.render("en")[0]
    assert (balance_of(prepaid), balance_of(income)) == (usd("100"), usd("0"))
    assert not Transaction.objects.filter(kind="fee").exists()

    Account.objects.filter(pk=prepaid.pk).update(credit_limit_minor=50)  # USD 0.50 of credit
    ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("100.50")), (income, usd("100.50"))], clock.now())
    assert balance_of(prepaid) == usd("-0.50")
    with pytest.raises(OperationFailed):
        ledger.post(prepaid.book, CAUSE, [(prepaid, -usd("0.01")), (income, usd("0.01"))], clock.now())
    fund(prepaid, "0.01")  # money coming in is never refused, even below the limit
    assert balance_of(prepaid) == usd("-0.49")


@pytest.mark.parametrize("table", ["billing_entry", "billing_transaction"])
def test_the_database_refuses_to_change_or_delete_ledger_rows(prepaid, table):
    """Not only the code: a raw UPDATE or DELETE from any client fails, and the row stays as it was."""
    before = list(Entry.objects.order_by("id").values_list("id", "amount_minor"))
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        Entry.objects.update(amount_minor=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        Transaction.objects.all().delete()
    assert list(Entry.objects.order_by("id").values_list("id", "amount_minor")) == before


def test_one_prepaid_account_per_registrar(registrar):
    open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    with pytest.raises(OperationFailed) as refusal:
        open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    assert refusal.value.codes == {BillingCode.ACCOUNT_EXISTS}
    assert "PS-KZ" in refusal.value.render("kk")[0]
    assert registry_book(clock.now()).accounts.count() == 1
