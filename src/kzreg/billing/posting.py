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

import psycopg
from django.db import connections, router

from kzreg.billing import ledger
from kzreg.billing.ledger import Cause, Posted
from kzreg.billing.models import Account, Book, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems_books import BooksCode
from kzreg.billing.sqlrows import PendingRow, pg_fetch_one
from kzreg.core.errors import OperationFailed, Problem

_UPDATE = (
    "UPDATE billing_account SET balance_minor = balance_minor + %s, version = version + 1 "
    "WHERE id = %s AND (%s >= 0 OR credit_limit_minor IS NULL OR balance_minor + %s >= -credit_limit_minor)"
)


REFUSED = "KZ104"  # the SQLSTATE `billing_refuse_charge` raises (migration 0008)
QUOTE_USED = "quote used"
INSUFFICIENT = "insufficient funds"


def _transaction_fields() -> list[str]:
    return [f.attname for f in Transaction._meta.concrete_fields if not f.primary_key]


@functools.cache
def charge_parts(quoted: bool, object_id_sql: str = "", prefix: str = "") -> tuple[str, str]:
    """The charge's common table expressions and its answer's expressions (`charge_sql`), their names
    starting with `prefix` (a charge that joins another statement: `rider`)."""
    fields = _transaction_fields()
    columns = ", ".join(Transaction._meta.get_field(name).column for name in fields)  # type: ignore[union-attr,misc]
    marks = ", ".join(object_id_sql if object_id_sql and name == "object_id" else "%s" for name in fields)
    used, first, second, tx, entries = (f"{prefix}{name}" for name in ("used", "first", "second", "tx", "entries"))
    parts = []
    if quoted:
        parts.append(
            f"{used} AS (INSERT INTO billing_quoteuse (quote_id, used_at) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING RETURNING quote_id)"
        )
    parts += [
        f"{first} AS ({_UPDATE}{f' AND EXISTS (SELECT FROM {used})' if quoted else ''} RETURNING balance_minor)",
        f"{second} AS ({_UPDATE} AND EXISTS (SELECT FROM {first}) RETURNING balance_minor)",
        f"{tx} AS (INSERT INTO billing_transaction ({columns}) VALUES ({marks}) RETURNING id)",
        f"{entries} AS (INSERT INTO billing_entry (transaction_id, account_id, amount_minor, currency) "
        f"SELECT {tx}.id, e.account_id, e.amount_minor, e.currency FROM {tx}, "
        "(VALUES (%s, %s, %s), (%s, %s, %s)) AS e (account_id, amount_minor, currency))",
    ]
    was_used = f"EXISTS (SELECT FROM {used})" if quoted else "true"
    if object_id_sql:
        # `second` is updated only after `first` (its EXISTS): no row in it means either update refused.
        answer = (
            f"CASE WHEN NOT {was_used} THEN billing_refuse_charge('{QUOTE_USED}') "
            f"WHEN NOT EXISTS (SELECT FROM {second}) THEN billing_refuse_charge('{INSUFFICIENT}') "
            f"ELSE (SELECT id FROM {tx}) END, (SELECT balance_minor FROM {first}), (SELECT balance_minor FROM {second})"
        )
    else:
        answer = (
            f"(SELECT id FROM {tx}), {was_used}, (SELECT balance_minor FROM {first}), "
            f"(SELECT balance_minor FROM {second})"
        )
    return ", ".join(parts), answer


@functools.cache
def charge_sql(quoted: bool, object_id_sql: str = "") -> str:
    """The charge's statement. With `object_id_sql` (the ending form, `send_charge`) the transaction's
    object id is that SQL expression (the key of a row inserted earlier in the same pipeline) and a refusal
    is raised by the statement itself (`billing_refuse_charge`, SQLSTATE KZ104) instead of answered."""
    ctes, answer = charge_parts(quoted, object_id_sql)
    return f"WITH {ctes} SELECT {answer}"


def one_statement_posting(account: Account) -> bool:
    """Whether the charge to `account` can be posted by `post_charge` (PostgreSQL)."""
    return connections[router.db_for_write(Account)].vendor == "postgresql" and account.pk is not None


@functools.cache
def _cause_columns() -> tuple[tuple[str, object], ...]:
    """Each transaction field with the default it takes when `Cause` has no such attribute (a column added
    to the model later is written by the statement as the model's default, as `Cause.transaction` would)."""
    return tuple((f.attname, f.get_default()) for f in Transaction._meta.concrete_fields if not f.primary_key)


def _transaction_values(cause: Cause, book: Book, now: dt.datetime, skip: str) -> list[object]:
    """The transaction row's values in `_transaction_fields` order, as `cause.transaction(book, now)` has them,
    without making the model instance (a charge sent with the writes never needs it)."""
    values: list[object] = []
    for name, default in _cause_columns():
        if name == skip:
            continue
        if name == "book_id":
            values.append(book.pk)
        elif name == "reverses_id":
            values.append(None if cause.reverses is None else cause.reverses.pk)
        elif name == "created_at":
            values.append(now)
        else:
            values.append(getattr(cause, name, default))
    return values


def _params(
    cause: Cause, book: Book, entries: list[tuple[Account, Money]], now: dt.datetime, quote_id: str, skip: str = ""
) -> tuple[list[Account], list[object]]:
    """The accounts in update order and the statement's parameters (`skip`: a field the statement fills
    itself)."""
    problems = ledger.check_entries(book, entries)
    if problems:
        raise OperationFailed(problems)
    params: list[object] = [quote_id, now] if quote_id else []
    minors = [amount.minor for _, amount in entries]
    ordered = sorted(range(len(entries)), key=lambda n: entries[n][0].pk)
    for n in ordered:
        params += [minors[n], entries[n][0].pk, minors[n], minors[n]]
    params += _transaction_values(cause, book, now, skip)
    for (account, amount), minor in zip(entries, minors, strict=True):
        params += [account.pk, minor, amount.currency]
    return [entries[n][0] for n in ordered], params


def post_charge(
    book: Book, cause: Cause, payer: Account, revenue: Account, fee: Money, now: dt.datetime, quote_id: str = ""
) -> Posted:
    """Debits `payer` and credits `revenue` by `fee` (and records the quote's one use), or raises
    `OperationFailed` (insufficient funds, the quote used already) and the caller's transaction rolls back."""
    ordered, params = _params(cause, book, [(payer, -fee), (revenue, fee)], now, quote_id)
    tx_id, quote_used_here, *balances = pg_fetch_one(Account, charge_sql(bool(quote_id)), params)
    if not quote_used_here:
        raise OperationFailed([Problem("fee", BooksCode.QUOTE_USED, {"value": quote_id})])
    after = {account.pk: balance for account, balance in zip(ordered, balances, strict=True)}
    if after[payer.pk] is None:
        raise OperationFailed([ledger.insufficient(payer, fee.minor)])
    tx = cause.transaction(book, now)
    tx.pk, tx._state.adding = int(tx_id), False
    return Posted(tx, {pk: int(balance) for pk, balance in after.items()})


def can_send_charge(account: Account) -> bool:
    """Whether `send_charge` can post a charge to `account` now: PostgreSQL (`one_statement_posting`), inside
    a pipeline open on the ledger's connection (`registry.rows.pipeline()`, `sqlrows.in_pipeline`); the
    connection looked up once for both."""
    connection = connections[router.db_for_write(Account)]
    if connection.vendor != "postgresql" or account.pk is None:
        return False
    return getattr(connection.connection, "_pipeline", None) is not None


@functools.cache
def _row_layout(skip: str) -> tuple[tuple[str, object], ...]:
    """`_cause_columns` without `skip` (a field the statement fills itself)."""
    return tuple(column for column in _cause_columns() if column[0] != skip)


def pair_params(
    book: Book, payer: Account, revenue: Account, fee: Money, row: dict[str, object], quote_id: str
) -> list[object]:
    """The ending charge's parameters (`charge_parts` with an object id expression), in order.

    `row` is the transaction row by field name, as `Cause.transaction` would make it (a field it leaves out
    takes the model's default, like `_transaction_values`); its parameters are laid out directly rather than
    through a `Cause` and the general `_params`: a registration's charge is always this pair, and the pair's
    rules (`ledger.check_entries`) are decided on the minor units, the general check run only when one fails."""
    minor = fee.minor
    currency = fee.currency
    if not (payer.book_id == revenue.book_id == book.pk and currency == payer.currency == revenue.currency):
        problems = ledger.check_entries(book, [(payer, -fee), (revenue, fee)])
        if problems:
            raise OperationFailed(problems)
    params: list[object] = [quote_id, row["created_at"]] if quote_id else []
    payer_pk, revenue_pk = payer.pk, revenue.pk
    if payer_pk < revenue_pk:  # the lower account id is updated first (no deadlock: ADR 0006)
        params += [-minor, payer_pk, -minor, -minor, minor, revenue_pk, minor, minor]
    else:
        params += [minor, revenue_pk, minor, minor, -minor, payer_pk, -minor, -minor]
    params += [row.get(name, default) for name, default in _row_layout("object_id")]
    params += [payer_pk, -minor, currency, revenue_pk, minor, currency]
    return params


def send_charge(
    book: Book,
    payer: Account,
    revenue: Account,
    fee: Money,
    row: dict[str, object],
    quote_id: str,
    object_id_sql: str,
) -> PendingRow:
    """`post_charge`, sent into the open pipeline (`can_send_charge`) behind the operation's last writes and
    answered with them: the transaction's object id is `object_id_sql` (the key of the row those writes
    inserted), and a refusal is an error raised by the statement (SQLSTATE KZ104, `refusal` reads it), so
    that a COMMIT queued behind it commits nothing. The answer: the transaction's id and both balances."""
    params = pair_params(book, payer, revenue, fee, row, quote_id)
    return PendingRow(Account, charge_sql(bool(quote_id), object_id_sql), params, write=True)


RIDER_PREFIX = "fee_"


def rider_parts(
    book: Book, payer: Account, revenue: Account, fee: Money, row: dict[str, object], quote_id: str, key_sql: str
) -> tuple[str, str, list[object]]:
    """`send_charge` as parts of the new row's own INSERT statement (`registry.guards.Rider`): the charge's
    CTEs (named `fee_…`), its answer's three expressions (the transaction's id, or the refusal raised as
    by `send_charge`; both balances) and their parameters. `key_sql` is the new row's key in that statement."""
    ctes, answer = charge_parts(bool(quote_id), key_sql, RIDER_PREFIX)
    return ctes, answer, pair_params(book, payer, revenue, fee, row, quote_id)


def refusal(error: BaseException) -> str | None:
    """`QUOTE_USED` or `INSUFFICIENT` when `error` (or what caused it) is `send_charge`'s refusal, else None."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, psycopg.Error) and seen.sqlstate == REFUSED:
            message = seen.diag.message_primary or ""
            return next((reason for reason in (QUOTE_USED, INSUFFICIENT) if message.endswith(reason)), None)
        seen = seen.__cause__ or seen.__context__
    return None
