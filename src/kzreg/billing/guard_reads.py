"""What the fee guard's check reads, in one statement: the payer's deposit, its fee revenue account, the
price in force and the quote the command carries (if any).

Every fee-bearing operation asks these before it writes. Read one by one (the deposit with its revenue
account, `prices.registry_fee`, `fees.redeem`) they were three round trips; here they are one statement, built
once, prepared on PostgreSQL (`sqlrows.fetch_one`), and plain SQL that SQLite runs as well. What the
answer means is decided by the same functions as before (`prices.fee_of`, `fees.quoted_amount`).
A registration sends it with its own reads (`read_soon` from the guard's `prefetch`, inside the
operation's read pipeline): on PostgreSQL no round trip of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import router

from kzreg.billing.books import deposit_columns
from kzreg.billing.models import Account, AccountKind, OwnerKind
from kzreg.billing.prices import PRICE_SQL, price_params
from kzreg.billing.sqlrows import PendingRow
from kzreg.core.plain_sql import make_instance

QUOTE_COLUMNS = "registrar_id, zone, command, years, amount_minor, currency, valid, used"
QUOTE_SUBQUERY = (
    "SELECT q.registrar_id, q.zone, q.command, q.years, q.amount_minor, q.currency, q.expires_at > %s AS valid, "
    "u.quote_id IS NOT NULL AS used FROM billing_quote q LEFT JOIN billing_quoteuse u ON u.quote_id = q.id "
    "WHERE q.id = %s"
)


@functools.cache
def _sql(quoted: bool = True) -> str:
    """The statement; without `quoted` (a command that carries no quote id: an agreed fee, or none) it
    leaves the quote out rather than look up the empty id."""
    deposit = ", ".join(f"a.{column}" for column in deposit_columns())
    quote = ", ".join(f"q.{column}" for column in QUOTE_COLUMNS.split(", "))
    return (
        f"SELECT {deposit}, (SELECT r.id FROM billing_account r WHERE r.book_id = a.book_id AND r.kind = %s "
        f"AND r.holder_key = '' AND r.currency = a.currency), p.amount_minor, p.currency"
        + (f", {quote}" if quoted else "")
        + f" FROM billing_account a LEFT JOIN ({PRICE_SQL}) AS p ON 1 = 1"
        + (f" LEFT JOIN ({QUOTE_SUBQUERY}) AS q ON 1 = 1" if quoted else "")
        + " WHERE a.kind = %s AND a.holder_key = %s "
        "AND a.book_id = (SELECT id FROM billing_book WHERE owner_kind = %s AND owner_key = '')"
    )


class FeeReads(NamedTuple):
    account: Account
    revenue_id: int | None  # None: the first charge opens the revenue account
    price: tuple[int | None, str | None]  # the price row in force (amount_minor, currency), or (None, None)
    quote: tuple | None  # `fees.QUOTE_SQL`'s columns, None when the command carries no quote or it is unknown


def read(payer: int, zone: str, command: str, years: int, quote_id: str, now: dt.datetime) -> FeeReads | None:
    """What a charge of `payer` for `command` needs; None when the payer has no deposit (not charged)."""
    return read_soon(payer, zone, command, years, quote_id, now).result()


def _decode(alias: str, row: tuple[Any, ...] | None, quote_id: str) -> FeeReads | None:
    """`read`'s answer from its row (None, or NULLs where it joined another read: no deposit)."""
    if row is None or row[0] is None:
        return None
    names = deposit_columns()
    width = len(names)
    account = make_instance(Account, alias, names, row[:width])
    revenue_id, price_minor, price_currency = row[width : width + 3]
    quote = tuple(row[width + 3 :]) if quote_id else None
    return FeeReads(
        account=account,
        revenue_id=None if revenue_id is None else int(revenue_id),
        price=(price_minor, price_currency),
        quote=quote if quote and quote[1] is not None else None,
    )


class PendingReads:
    """`read`'s answer, the statement sent at once and decoded on first use (see `sqlrows.PendingRow`)."""

    def __init__(self, pending: PendingRow, quote_id: str):
        self._pending, self._quote_id = pending, quote_id

    def result(self) -> FeeReads | None:
        return _decode(self._pending.alias, self._pending.row(), self._quote_id)


class RiddenReads:
    """`read`'s answer where its statement joined one of the operation's own reads (`rider`, the registry's
    `guards.ReadRider`): `bind` is given the function that returns its columns."""

    def __init__(self, alias: str, quote_id: str):
        self._alias, self._quote_id = alias, quote_id
        self._fetch: Callable[[], tuple[Any, ...]] | None = None

    def bind(self, fetch: Callable[[], tuple[Any, ...]]) -> None:
        self._fetch = fetch

    def result(self) -> FeeReads | None:
        assert self._fetch is not None, "a rider's answer is bound when its read is sent"
        return _decode(self._alias, self._fetch(), self._quote_id)


def _params(payer: int, zone: str, command: str, years: int, quote_id: str, now: dt.datetime) -> list[object]:
    price = price_params(zone, command, years, now)
    # `now` as the price's timestamp column takes it serves the quote's expires_at too
    quote = [price[-1], quote_id] if quote_id else []
    return [REVENUE, *price, *quote, PREPAID, str(payer), REGISTRY]


def read_soon(payer: int, zone: str, command: str, years: int, quote_id: str, now: dt.datetime) -> PendingReads:
    """`read`, sent now: inside the registry's read pipeline it travels with the operation's own reads."""
    params = _params(payer, zone, command, years, quote_id, now)
    return PendingReads(PendingRow(Account, _sql(bool(quote_id)), params, write=True), quote_id)


def alias() -> str:
    """The connection `read` runs on (where the ledger's writes go), as the routers name it (no connection
    looked up: that costs more than the routers)."""
    return str(router.db_for_write(Account))


def rider(
    payer: int, zone: str, command: str, years: int, quote_id: str, now: dt.datetime
) -> tuple[str, list[object], int]:
    """`read` as a statement that joins another read on the same connection: its SQL, its parameters and
    how many columns it answers (`RiddenReads` decodes them)."""
    width = len(deposit_columns()) + 3 + (len(QUOTE_COLUMNS.split(", ")) if quote_id else 0)
    return _sql(bool(quote_id)), _params(payer, zone, command, years, quote_id, now), width


REVENUE, PREPAID, REGISTRY = AccountKind.REVENUE.value, AccountKind.PREPAID.value, OwnerKind.REGISTRY.value
