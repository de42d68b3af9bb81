"""The registry fee's charge as one statement on PostgreSQL: the quote's use, both guarded balance updates,
the transaction and its two entries in one data-modifying WITH.

`ledger.post` sends five statements and `fees.use_once` a sixth, each through Django's client-binding
cursor: about ten round trips and most of a charged registration's extra CPU (docs/benchmarks.md,
"Session 6: speed"). Here the same rows are written by one prepared statement (psycopg's own cursor,
server-side binding), and the money rules stay where they were decided before:

- the balances change by ledger's guarded UPDATE (`ledger.GUARDED_UPDATE`'s condition), the lower
  account id first: the second UPDATE waits for the first one's row (`EXISTS (SELECT FROM first)`), so
  two charges lock the same accounts in the same order, as `ledger.post` does, and never deadlock;
- a quote is used once: the INSERT … ON CONFLICT DO NOTHING waits for a concurrent use to commit and
  then inserts nothing, and the debit then updates nothing;
- the answer says what happened (the transaction's id, whether the quote was used here, both balances
  after); a refusal is raised by the caller as `OperationFailed`, which rolls the operation back with
  the rows this statement wrote. The entries are the charge's pair (−fee, +fee) in the account's
  currency, so they balance by construction (`ledger.check_entries` is run on them anyway).

SQLite and a charge this shape does not cover (the first charge, which opens the revenue account;
refunds and their reversal) go through `ledger.post`.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import connections, router

from kzreg.billing import ledger
from kzreg.billing.ledger import Cause, Posted
from kzreg.billing.models import Account, Book, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems_books import BooksCode
from kzreg.billing.sqlrows import pg_fetch_one
from kzreg.core.errors import OperationFailed, Problem

_UPDATE = (
    "UPDATE billing_account SET balance_minor = balance_minor + %s, version = version + 1 "
    "WHERE id = %s AND (%s >= 0 OR credit_limit_minor IS NULL OR balance_minor + %s >= -credit_limit_minor)"
)


def _transaction_fields() -> list[str]:
    return [f.attname for f in Transaction._meta.concrete_fields if not f.primary_key]


@functools.cache
def charge_sql(quoted: bool) -> str:
    columns = ", ".join(Transaction._meta.get_field(name).column for name in _transaction_fields())  # type: ignore[union-attr,misc]
    marks = ", ".join(["%s"] * len(_transaction_fields()))
    parts = []
    if quoted:
        parts.append(
            "used AS (INSERT INTO billing_quoteuse (quote_id, used_at) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING RETURNING quote_id)"
        )
    parts += [
        f"first AS ({_UPDATE}{' AND EXISTS (SELECT FROM used)' if quoted else ''} RETURNING balance_minor)",
        f"second AS ({_UPDATE} AND EXISTS (SELECT FROM first) RETURNING balance_minor)",
        f"tx AS (INSERT INTO billing_transaction ({columns}) VALUES ({marks}) RETURNING id)",
        "entries AS (INSERT INTO billing_entry (transaction_id, account_id, amount_minor, currency) "
        "SELECT tx.id, e.account_id, e.amount_minor, e.currency FROM tx, "
        "(VALUES (%s, %s, %s), (%s, %s, %s)) AS e (account_id, amount_minor, currency))",
    ]
    used = "EXISTS (SELECT FROM used)" if quoted else "true"
    return (
        f"WITH {', '.join(parts)} SELECT (SELECT id FROM tx), {used}, "
        "(SELECT balance_minor FROM first), (SELECT balance_minor FROM second)"
    )


def one_statement_posting(account: Account) -> bool:
    """Whether the charge to `account` can be posted by `post_charge` (PostgreSQL)."""
    return connections[router.db_for_write(Account)].vendor == "postgresql" and account.pk is not None


def post_charge(
    book: Book, cause: Cause, payer: Account, revenue: Account, fee: Money, now: dt.datetime, quote_id: str = ""
) -> Posted:
    """Debits `payer` and credits `revenue` by `fee` (and records the quote's one use), or raises
    `OperationFailed` (insufficient funds, the quote used already) and the caller's transaction rolls back."""
    entries = [(payer, -fee), (revenue, fee)]
    problems = ledger.check_entries(book, entries)
    if problems:
        raise OperationFailed(problems)
    tx = cause.transaction(book, now)
    params: list[object] = [quote_id, now] if quote_id else []
    ordered = sorted(entries, key=lambda entry: entry[0].pk)
    for account, amount in ordered:
        params += [amount.minor, account.pk, amount.minor, amount.minor]
    params += [getattr(tx, name) for name in _transaction_fields()]
    for account, amount in entries:
        params += [account.pk, amount.minor, amount.currency]
    tx_id, quote_used_here, *balances = pg_fetch_one(Account, charge_sql(bool(quote_id)), params)
    if not quote_used_here:
        raise OperationFailed([Problem("fee", BooksCode.QUOTE_USED, {"value": quote_id})])
    after = {account.pk: balance for (account, _), balance in zip(ordered, balances, strict=True)}
    if after[payer.pk] is None:
        raise OperationFailed([ledger.insufficient(payer, fee.minor)])
    tx.pk, tx._state.adding = int(tx_id), False
    return Posted(tx, {pk: int(balance) for pk, balance in after.items()})
