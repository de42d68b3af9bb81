"""Imports and provider callbacks at the same moment book each payment once (issue 11: "the same file
imported twice books nothing twice"), on PostgreSQL with real concurrent transactions."""

from __future__ import annotations

import pytest
from django.conf import settings

from kzreg.billing.audit import check_ledger
from kzreg.billing.bankimport.importer import import_statement
from kzreg.billing.bankimport.payers import set_payer
from kzreg.billing.books import open_prepaid
from kzreg.billing.models import BankLine, ProviderPayment, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import PaymentCode
from kzreg.billing.providers.base import Notification
from kzreg.billing.providers.booking import book
from kzreg.core import clock
from tests.billing.conftest import balance_of
from tests.billing.test_concurrency import THREADS, race

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROW = "481,2026-03-01,100.00,KZT,040340001234,KZ356010002000098765,PS LLP,advance\n"
HEADER = "number,date,amount,currency,payer_bin,payer_account,payer_name,purpose\n"


@pytest.fixture
def deposit(registrar):
    account = open_prepaid(registrar.id, registrar.handle, "KZT", clock.now())
    set_payer("040340001234", account, "PS LLP", "tester", clock.now())
    return account


def test_the_same_file_imported_at_once_books_once(deposit):
    data = (HEADER + ROW).encode()
    outcomes = race(lambda n: import_statement(data, f"copy{n}.csv", None, "KZT", "tester", clock.now()).statement.pk)
    refused = [o for o in outcomes if o == {PaymentCode.FILE_IMPORTED}]
    assert len(refused) == THREADS - 1, outcomes
    assert balance_of(deposit) == Money.of("100.00", "KZT") and Transaction.objects.filter(kind="payment").count() == 1
    assert check_ledger().ok


def test_one_document_in_many_files_at_once_books_once(deposit):
    def attempt(n: int) -> str:
        data = (HEADER + ROW + f"{900 + n},2026-03-01,1.00,KZT,,KZ{n},x,y\n").encode()  # each file differs
        return import_statement(data, f"f{n}.csv", None, "KZT", "tester", clock.now()).lines[0].status

    outcomes = race(attempt)
    assert sorted(outcomes) == ["booked"] + ["duplicate"] * (THREADS - 1), outcomes
    assert balance_of(deposit) == Money.of("100.00", "KZT")
    assert BankLine.objects.filter(status="review").count() == THREADS


def test_one_provider_payment_reported_at_once_books_once(registrar):
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    notification = Notification("fakepay", "pay-77", Money.of("50.00", "USD"), account="PS-KZ")
    outcomes = race(lambda n: book(notification, clock.now()).duplicate)
    assert sorted(outcomes) == [False] + [True] * (THREADS - 1), outcomes
    assert balance_of(account) == Money.of("50.00", "USD") and ProviderPayment.objects.count() == 1
