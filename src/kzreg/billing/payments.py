"""Payments recorded by staff: money received in the bank, credited to a registrar's prepaid account.

A payment is in the account's own currency (a bank converts before it credits us); the entries are the
bank account's debit and the prepaid account's credit, with the bank's reference as the cause.
"""

from __future__ import annotations

import datetime as dt

from kzreg.billing import ledger
from kzreg.billing.books import own_account
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem


def record_payment(
    account: Account, amount: Money, principal: str, now: dt.datetime, reference: str = ""
) -> Transaction:
    problems = []
    if amount.currency != account.currency:
        params = {"account": account.name, "expected": account.currency, "value": amount.currency}
        problems.append(Problem("currency", BillingCode.CURRENCY_MISMATCH, params))
    if amount.minor <= 0:
        problems.append(Problem("amount", BillingCode.AMOUNT_NOT_POSITIVE, {"value": amount.plain}))
    if problems:
        raise OperationFailed(problems)
    bank = own_account(account.book, AccountKind.BANK, account.currency, now)
    cause = Cause(kind="payment", principal=principal, reference=" ".join(reference.split()))
    return ledger.post(account.book, cause, [(bank, -amount), (account, amount)], now).transaction
