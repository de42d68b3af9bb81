"""Posting to the ledger: one transaction of balanced entries, and the balances they change.

`post` refuses entries that do not add up to zero per currency, an entry in another currency than its
account's, and an account of another organisation's book. Each balance changes by one guarded UPDATE:

    UPDATE billing_account SET balance_minor = balance_minor + :amount, version = version + 1
     WHERE id = :id AND (:amount >= 0 OR credit_limit_minor IS NULL
                         OR balance_minor + :amount >= -credit_limit_minor)

so the database decides, under its row lock, whether the money is there: on PostgreSQL a second charge
waits for the first one's commit and re-checks the condition against the committed balance; SQLite
runs one writer at a time. No row updated means insufficient funds, and the whole operation rolls back.
Accounts are updated in id order, so two transactions touching the same accounts never deadlock.
(ADR 0004 compares this with SELECT … FOR UPDATE, measured by bench/bench_ledger.py.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connections, router, transaction

from kzreg.billing.models import Account, Book, Entry, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.billing.sqlrows import insert_rows
from kzreg.core.errors import OperationFailed, Problem


@dataclass(frozen=True)
class Cause:
    """Why money moves: the operation (name, request id, object) or the payment (reference)."""

    kind: str  # "fee", "refund", "payment"
    principal: str
    operation: str = ""
    request_id: str = ""
    object_type: str = ""
    object_id: int | None = None
    object_key: str = ""
    reference: str = ""
    fee_command: str = ""
    years: int | None = None
    quote_id: str = ""
    reverses: Transaction | None = None

    def transaction(self, book: Book, now: dt.datetime) -> Transaction:
        """The (unsaved) transaction row this cause makes in `book` at `now`."""
        return Transaction(
            book=book,
            kind=self.kind,
            operation=self.operation,
            request_id=self.request_id,
            object_type=self.object_type,
            object_id=self.object_id,
            object_key=self.object_key,
            reference=self.reference,
            fee_command=self.fee_command,
            years=self.years,
            quote_id=self.quote_id,
            principal=self.principal,
            reverses=self.reverses,
            created_at=now,
        )


@dataclass
class Posted:
    transaction: Transaction
    balances: dict[int, int] = field(default_factory=dict)  # account id → balance_minor after the post


GUARDED_UPDATE = (
    "UPDATE billing_account SET balance_minor = balance_minor + %s, version = version + 1 "
    "WHERE id = %s AND (%s >= 0 OR credit_limit_minor IS NULL OR balance_minor + %s >= -credit_limit_minor) "
    "RETURNING balance_minor"
)


def check_entries(book: Book, entries: Sequence[tuple[Account, Money]]) -> list[Problem]:
    if len(entries) == 2:  # a charge's pair (every fee): the same rules, decided without the general loop
        (first, debit), (second, credit) = entries
        if (
            first.book_id == second.book_id == book.pk
            and debit.currency == first.currency == second.currency == credit.currency
            and debit.amount == -credit.amount
        ):
            return []
    problems: list[Problem] = []
    totals: dict[str, int] = defaultdict(int)
    for n, (account, amount) in enumerate(entries):
        if account.book_id != book.pk:
            problems.append(Problem(f"entries[{n}].account", BillingCode.OTHER_BOOK, {"account": account.name}))
        if amount.currency != account.currency:
            params = {"account": account.name, "expected": account.currency, "value": amount.currency}
            problems.append(Problem(f"entries[{n}].currency", BillingCode.CURRENCY_MISMATCH, params))
        totals[amount.currency] += amount.minor
    for currency, total in sorted(totals.items()):
        if total:
            params = {"currency": currency, "total": Money.from_minor(total, currency).plain}
            problems.append(Problem("entries", BillingCode.UNBALANCED, params))
    if len(entries) < 2 and not problems:
        problems.append(Problem("entries", BillingCode.UNBALANCED, {"currency": "-", "total": "one entry"}))
    return problems


def post(book: Book, cause: Cause, entries: Sequence[tuple[Account, Money]], now: dt.datetime) -> Posted:
    """Writes one transaction and its entries and moves the balances, or refuses and changes nothing."""
    problems = check_entries(book, entries)
    if problems:
        raise OperationFailed(problems)
    using = router.db_for_write(Account)
    with transaction.atomic(using=using):
        # Plain INSERTs built once (`sqlrows`): the ORM's create compiled each time cost more than the rows.
        tx = cause.transaction(book, now)
        values = {f.attname: getattr(tx, f.attname) for f in Transaction._meta.concrete_fields if not f.primary_key}
        tx.pk = insert_rows(Transaction, [values], returning=True)
        tx._state.adding, tx._state.db = False, using
        insert_rows(
            Entry,
            [
                {"transaction_id": tx.pk, "account_id": account.pk, "amount_minor": m.minor, "currency": m.currency}
                for account, m in entries
            ],
        )
        posted = Posted(tx)
        per_account: dict[int, int] = defaultdict(int)
        by_id = {account.pk: account for account, _ in entries}
        for account, amount in entries:
            per_account[account.pk] += amount.minor
        with connections[using].cursor() as cursor:
            for account_id in sorted(per_account):
                delta = per_account[account_id]
                cursor.execute(GUARDED_UPDATE, [delta, account_id, delta, delta])
                row = cursor.fetchone()
                if row is None:
                    raise OperationFailed([insufficient(by_id[account_id], -delta)])
                posted.balances[account_id] = int(row[0])
    return posted


def insufficient(account: Account, needed_minor: int) -> Problem:
    """The 2104 problem, with the amount needed and what is available now (read after the refusal)."""
    fresh = Account.objects.filter(pk=account.pk).values_list("balance_minor", "credit_limit_minor").first()
    balance, limit = fresh if fresh else (account.balance_minor, account.credit_limit_minor)
    available = Money.from_minor(balance + (limit or 0), account.currency)
    needed = Money.from_minor(needed_minor, account.currency)
    return Problem("", BillingCode.INSUFFICIENT_FUNDS, {"needed": str(needed), "available": str(available)})
