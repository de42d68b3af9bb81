"""The registry fee's charge as one statement on PostgreSQL (`billing.posting`, issue 11's speed): the same
rows and refusals as `ledger.post` + `fees.use_once`, balances in id order either way round, and a refusal
leaves nothing once the caller's transaction (here a savepoint) rolls back. PostgreSQL only: elsewhere the
charge goes through `ledger.post` (tests/billing/test_fee_guard.py covers both)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from kzreg.billing import fees
from kzreg.billing.audit import check_ledger
from kzreg.billing.books import open_prepaid, own_account, registry_book
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Entry, Transaction
from kzreg.billing.money import Money
from kzreg.billing.posting import one_statement_posting, post_charge
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.conftest import fund

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="the one-statement charge is PostgreSQL's"),
    pytest.mark.django_db,
]


def usd(text: str) -> Money:
    return Money.of(text, "USD")


def cause(key: str, quote_id: str = "") -> Cause:
    return Cause(kind="fee", principal="tester", operation="domain_create", request_id="req-1",
                 object_type="domain", object_id=7, object_key=key, fee_command="create", years=1,
                 quote_id=quote_id)  # fmt: skip


def accounts(registrar, revenue_first: bool) -> tuple[Account, Account]:
    """The deposit (USD 100.00, no credit) and the fee revenue account, opened in the order asked, so
    that either may have the lower id (the one the statement updates first)."""
    now = clock.now()
    if revenue_first:
        revenue = own_account(registry_book(now), AccountKind.REVENUE, "USD", now)
        deposit = open_prepaid(registrar.id, registrar.handle, "USD", now)
    else:
        deposit = open_prepaid(registrar.id, registrar.handle, "USD", now)
        revenue = own_account(registry_book(now), AccountKind.REVENUE, "USD", now)
    fund(deposit, "100.00")
    deposit.refresh_from_db()
    return deposit, revenue


@pytest.mark.parametrize("revenue_first", [False, True])
def test_a_charge_writes_the_pair_and_moves_both_balances(registrar, revenue_first):
    deposit, revenue = accounts(registrar, revenue_first)
    revenue_before = revenue.balance_minor
    assert one_statement_posting(deposit)
    posted = post_charge(deposit.book, cause("paid.kz"), deposit, revenue, usd("30.00"), clock.now())
    assert posted.balances == {deposit.pk: 7000, revenue.pk: revenue_before + 3000}
    tx = Transaction.objects.get(pk=posted.transaction.pk)
    assert (tx.kind, tx.operation, tx.object_key, tx.fee_command, tx.years) == (
        "fee",
        "domain_create",
        "paid.kz",
        "create",
        1,
    )
    entries = sorted(Entry.objects.filter(transaction=tx).values_list("account_id", "amount_minor", "currency"))
    assert entries == sorted([(deposit.pk, -3000, "USD"), (revenue.pk, 3000, "USD")])
    assert check_ledger().ok


def test_a_charge_past_the_limit_is_refused_and_leaves_nothing_after_the_rollback(registrar):
    deposit, revenue = accounts(registrar, revenue_first=False)
    transactions = Transaction.objects.count()
    with pytest.raises(OperationFailed) as refused, transaction.atomic():
        post_charge(deposit.book, cause("dear.kz"), deposit, revenue, usd("100.01"), clock.now())
    assert [p.code for p in refused.value.problems] == [BillingCode.INSUFFICIENT_FUNDS]
    deposit.refresh_from_db()
    assert (deposit.balance_minor, Transaction.objects.count()) == (10000, transactions)
    assert check_ledger().ok


def test_a_quote_is_used_once_by_the_statement(registrar):
    deposit, revenue = accounts(registrar, revenue_first=False)
    quote = fees.quote("kz", "create", 1, registrar.id)
    now = clock.now()
    post_charge(deposit.book, cause("one.kz", quote.id), deposit, revenue, usd("30.00"), now, quote.id)
    with pytest.raises(OperationFailed) as refused, transaction.atomic():
        post_charge(deposit.book, cause("two.kz", quote.id), deposit, revenue, usd("30.00"), now, quote.id)
    assert [p.code for p in refused.value.problems] == [BooksCode.QUOTE_USED]
    deposit.refresh_from_db()
    assert deposit.balance_minor == 7000  # the second charge took nothing
    assert check_ledger().ok
