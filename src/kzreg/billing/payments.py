"""Payments recorded by staff: money received in the bank, credited to a registrar's prepaid account.

A payment is in the account's own currency (a bank converts before it credits us); the entries are the
bank account's debit and the prepaid account's credit, with the bank's reference as the cause.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.conf import settings

from kzreg.billing import ledger
from kzreg.billing.books import own_account
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.core.errors import OperationFailed, Problem

# The largest single payment believed (a typo's extra zeros are caught); `KZREG["PAYMENT_MAX"]` overrides.
PAYMENT_MAX = {"USD": "1000000.00", "KZT": "500000000.00"}


def payment_limit(currency: str) -> Money | None:
    limits = {**PAYMENT_MAX, **cast(dict, settings.KZREG).get("PAYMENT_MAX", {})}
    return Money.of(limits[currency], currency) if currency in limits else None


def payment_problems(account: Account, amount: Money) -> list[Problem]:
    """Why `amount` cannot be received on `account` (every way money comes in asks this)."""
    problems = []
    if amount.currency != account.currency:
        params = {"account": account.name, "expected": account.currency, "value": amount.currency}
        problems.append(Problem("currency", BillingCode.CURRENCY_MISMATCH, params))
    if amount.minor <= 0:
        problems.append(Problem("amount", BillingCode.AMOUNT_NOT_POSITIVE, {"value": amount.plain}))
    limit = payment_limit(amount.currency)
    if limit is not None and limit < amount:
        problems.append(Problem("amount", PaymentCode.AMOUNT_ABSURD, {"value": str(amount), "limit": str(limit)}))
    return problems


def record_payment(
    account: Account, amount: Money, principal: str, now: dt.datetime, reference: str = "", bank: Account | None = None
) -> Transaction:
    """`bank`: the book's bank account in the currency, when the caller already has it (an import of many
    lines looks it up once); `ledger.post` refuses one of another book."""
    problems = payment_problems(account, amount)
    if problems:
        raise OperationFailed(problems)
    bank = bank or own_account(account.book, AccountKind.BANK, account.currency, now)
    cause = Cause(kind="payment", principal=principal, reference=" ".join(reference.split()))
    return ledger.post(account.book, cause, [(bank, -amount), (account, amount)], now).transaction
