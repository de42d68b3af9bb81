"""Billing fixtures: the registrar's prepaid account, opened and funded explicitly (no account, no fee)."""

from __future__ import annotations

import pytest

from kzreg.billing.books import open_prepaid
from kzreg.billing.models import Account
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.core import clock


def fund(account: Account, amount: str, reference: str = "test deposit") -> None:
    record_payment(account, Money.of(amount, account.currency), "tester", clock.now(), reference)


@pytest.fixture
def prepaid(registrar) -> Account:
    """PS-KZ's prepaid account with USD 100.00 and no credit."""
    account = open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    fund(account, "100.00")
    account.refresh_from_db()
    return account


def balance_of(account: Account) -> Money:
    account.refresh_from_db()
    return account.balance
