"""What EPP's fee extension (RFC 8748) and later the registrar's orders ask billing: a price, a quote, a balance.

`price` answers a fee:check (nothing stored); `quote` stores the price under an id that expires
(`KZREG["QUOTE_MINUTES"]`, 15 by default), so a later order or an EPP command can say which price it
agreed to and be charged exactly that (`guard.RegistryFees` honours a command's `fee_quote_id`), once:
a quote is single-use.
`balance` is the registrar's prepaid account (the CLI, the registrar wing). A transform command's fee and the
balance it left are the charge's own: the fee guard reports them in the operation's result (`FeeReport`,
`OperationResult.reports[REPORT]`), which EPP's <fee:creData> and its siblings answer from.

Amounts are in the registrar's account currency when it has an account (converted at the day's rate if
the price list is in another), else in the price's own currency.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from kzreg.billing.books import prepaid_account
from kzreg.billing.exchange import convert
from kzreg.billing.models import Account, AccountKind, FeeCommand, OwnerKind, QuoteUse
from kzreg.billing.models import Quote as QuoteRow
from kzreg.billing.money import Money
from kzreg.billing.prices import PRICE_SQL, clean_request, default_fee, fee_of, price_params, registry_fee
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.billing.sqlrows import fetch_one, insert_rows, prep
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem


@dataclass(frozen=True)
class Price:
    zone: str
    command: str
    years: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Quote:
    id: str
    zone: str
    command: str
    years: int
    amount: Decimal
    currency: str
    expires_at: dt.datetime
    registrar_id: int | None


REPORT = "fee"  # the key of the fee guard's report in an operation's result (`OperationResult.reports`)


@dataclass(frozen=True)
class FeeReport:
    """What the fee guard tells the channel about an operation's fee, read from the charge itself (the guarded
    UPDATE's RETURNING, or the ledger's post), never by another query.

    `charged` False: nothing was charged by this operation — the payer has no prepaid account (`fee` is then
    the price the command was checked against, `balance` None), or the fee is charged by a later operation
    (a transfer's request, charged when it is approved: `balance` is the account's as the request found it).
    `payer_id` is the registrar whose account this is: a channel shows the report only to that registrar."""

    payer_id: int | None
    fee: Money
    charged: bool
    balance: Money | None = None  # after the charge
    credit_limit: Money | None = None  # None: no account, or an account without a floor
    refunds_charged_back: Money | None = None  # a restore: the delete's refunds, charged again with its fee


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    currency: str
    credit_limit: Decimal
    available: Decimal


def quote_minutes() -> int:
    return int(cast(dict, settings.KZREG).get("QUOTE_MINUTES", 15))


def fee_for(
    zone: str, command: str, years: int, registrar_id: int | None, at: dt.datetime, account: Account | None = None
) -> Money:
    """The fee in the currency the registrar pays in (zone, command and years already cleaned); `account`
    is the registrar's deposit when the caller has read it already."""
    fee = registry_fee(zone, command, years, at)
    account = account or prepaid_account(registrar_id)
    if account is not None and account.currency != fee.currency:
        fee = convert(fee, account.currency, at.date())
    return fee


# The price in force and the registrar's deposit currency in one statement (what `fee_for` reads in two).
FEE_AND_DEPOSIT_SQL = (
    f"SELECT p.amount_minor, p.currency, d.currency FROM (SELECT 1 AS one) AS o LEFT JOIN ({PRICE_SQL}) AS p "
    "ON 1 = 1 LEFT JOIN (SELECT currency FROM billing_account WHERE kind = %s AND holder_key = %s AND book_id = "
    "(SELECT id FROM billing_book WHERE owner_kind = %s AND owner_key = '')) AS d ON 1 = 1"
)


def payers_fee(zone: str, command: str, years: int, registrar_id: int | None, at: dt.datetime) -> Money:
    """`fee_for` without an account at hand: the price and the deposit's currency read by one statement."""
    if registrar_id is None:
        return fee_for(zone, command, years, None, at)
    params = [
        *price_params(zone, command, years, at),
        AccountKind.PREPAID.value,
        str(registrar_id),
        OwnerKind.REGISTRY.value,
    ]
    amount_minor, currency, deposit_currency = fetch_one(Account, FEE_AND_DEPOSIT_SQL, params) or (None,) * 3
    fee = fee_of(amount_minor, currency, command, years)
    if deposit_currency is not None and deposit_currency != fee.currency:
        fee = convert(fee, str(deposit_currency), at.date())
    return fee


def price(zone: str, command: str, years: int, registrar_id: int | None = None) -> Price:
    """The fee now, nothing stored (fee:check for many names). Bad input: every problem at once."""
    zone_name, command, years = clean_request(zone, command, years)
    fee = payers_fee(zone_name, command, years, registrar_id, clock.now())
    return Price(zone_name, command, years, fee.amount, fee.currency)


def quote(zone: str, command: str, years: int, registrar_id: int | None) -> Quote:
    """The fee now, stored under an id that `expires_at` ends."""
    zone_name, command, years = clean_request(zone, command, years)
    now = clock.now()
    quote_id, expires_at = secrets.token_hex(12), now + dt.timedelta(minutes=quote_minutes())
    stored = _store_priced(quote_id, zone_name, command, years, registrar_id, now, expires_at)
    if stored is None:  # a conversion, or no payer: the fee decided here, then stored
        stored = payers_fee(zone_name, command, years, registrar_id, now)
        _store(
            {
                "id": quote_id,
                "registrar_id": registrar_id,
                "zone": zone_name,
                "command": command,
                "years": years,
                "amount_minor": stored.minor,
                "currency": stored.currency,
                "created_at": now,
                "expires_at": expires_at,
            }
        )
    return Quote(quote_id, zone_name, command, years, stored.amount, stored.currency, expires_at, registrar_id)


HELD_DAYS = 30  # how long after a transfer's pending period its held price lasts (a late approval)


def transfer_hold_id(transfer_id: int) -> str:
    """The id of the quote that holds a transfer's price from its request to its approval."""
    return f"transfer-{transfer_id}"


def hold(quote_id: str, registrar_id: int, zone: str, command: str, years: int, fee: Money, now: dt.datetime,
         expires_at: dt.datetime) -> None:  # fmt: skip
    """Stores `fee` as a quote the caller decided (the fee guard's held transfer price), in the caller's
    transaction."""
    row = {
        "id": quote_id, "registrar_id": registrar_id, "zone": zone, "command": command, "years": years,
        "amount_minor": fee.minor, "currency": fee.currency, "created_at": now, "expires_at": expires_at,
    }  # fmt: skip
    _store(row)


def _in_own_transaction(connection: BaseDatabaseWrapper) -> bool:
    """Whether a statement on `connection` is a transaction of its own (PostgreSQL in autocommit mode)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit()


def _store_priced(
    quote_id: str,
    zone: str,
    command: str,
    years: int,
    registrar_id: int | None,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> Money | None:
    """Stores the quote with the price in force (or the default fee) read by the INSERT itself: one round
    trip where reading the price and then inserting took two. None, and nothing stored, when the fee needs
    a conversion to the deposit's currency (the exchange rate is Python's) or there is no payer."""
    if registrar_id is None:
        return None
    default = default_fee().times(1 if command == FeeCommand.RESTORE else years)
    connection = connections[router.db_for_write(QuoteRow)]
    params = [
        quote_id,
        registrar_id,
        zone,
        command,
        years,
        default.minor,
        default.currency,
        prep(QuoteRow, "created_at", now),
        prep(QuoteRow, "expires_at", expires_at),
        *price_params(zone, command, years, now),
        AccountKind.PREPAID.value,
        str(registrar_id),
        OwnerKind.REGISTRY.value,
        default.currency,
    ]
    row = fetch_one(QuoteRow, _priced_insert_sql(_in_own_transaction(connection)), params, write=True)
    return None if row is None else Money.from_minor(int(row[0]), str(row[1]))


def _store(row: Mapping[str, object]) -> None:
    """Stores a quote whose fee is decided: one INSERT built once (sqlrows.py), or `_standalone_insert_sql`."""
    connection = connections[router.db_for_write(QuoteRow)]
    if not _in_own_transaction(connection):
        insert_rows(QuoteRow, [row])
        return
    fetch_one(QuoteRow, _standalone_insert_sql(tuple(row)), list(row.values()), write=True)


# Standing alone on PostgreSQL, a quote's commit does not wait for the WAL flush (`synchronous_commit` off
# for its transaction only): a quote moves no money, and one lost in a crash is asked for again. It is one
# statement in autocommit mode, whose RETURNING sets that for its own (implicit) transaction: one round
# trip, where BEGIN, SET LOCAL, INSERT and COMMIT took four. Inside a caller's transaction it commits with
# the caller, durably.
_ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)"


@functools.cache
def _priced_insert_sql(own_transaction: bool) -> str:
    """INSERT … SELECT of a quote priced by the row in force (`prices.PRICE_SQL`) or else the default fee,
    only where the payer's deposit is in the same currency (or the payer has none)."""
    names = ("id", "registrar_id", "zone", "command", "years", "amount_minor", "currency", "created_at", "expires_at")
    columns = ", ".join(QuoteRow._meta.get_field(name).column for name in names)  # type: ignore[union-attr,misc]
    returning = "amount_minor, currency" + (f", {_ASYNC_COMMIT}" if own_transaction else "")
    return (
        f"INSERT INTO billing_quote ({columns}) SELECT %s, %s, %s, %s, %s, COALESCE(p.amount_minor, %s), "
        f"COALESCE(p.currency, %s), %s, %s FROM (SELECT 1 AS one) AS o LEFT JOIN ({PRICE_SQL}) AS p ON 1 = 1 "
        "LEFT JOIN (SELECT currency FROM billing_account WHERE kind = %s AND holder_key = %s AND book_id = "
        "(SELECT id FROM billing_book WHERE owner_kind = %s AND owner_key = '')) AS d ON 1 = 1 "
        f"WHERE d.currency IS NULL OR d.currency = COALESCE(p.currency, %s) RETURNING {returning}"
    )


@functools.cache
def _standalone_insert_sql(names: tuple[str, ...]) -> str:
    columns = ", ".join(QuoteRow._meta.get_field(name).column for name in names)  # type: ignore[union-attr,misc]
    return f"INSERT INTO billing_quote ({columns}) VALUES ({', '.join(['%s'] * len(names))}) RETURNING {_ASYNC_COMMIT}"


# The quote, whether it is still valid at a moment, and whether it was used, in one statement.
QUOTE_SQL = (
    "SELECT q.registrar_id, q.zone, q.command, q.years, q.amount_minor, q.currency, q.expires_at > %s, "
    "u.quote_id IS NOT NULL FROM billing_quote q LEFT JOIN billing_quoteuse u ON u.quote_id = q.id WHERE q.id = %s"
)


def redeem(
    quote_id: str,
    zone: str,
    command: str,
    years: int,
    registrar_id: int | None,
    now: dt.datetime,
    consume: bool = False,
) -> Money:
    """The quoted amount, if the quote is this registrar's, for this very request, unused and still valid.

    A quote is single-use: `consume=True` (the charge) records its one use in the caller's transaction,
    and a second use finds that record (`billing_quote_used`). The operation's early check reads without
    consuming, so a refused operation leaves the quote usable."""
    found = fetch_one(QuoteRow, QUOTE_SQL, [prep(QuoteRow, "expires_at", now), quote_id])
    return quoted_amount(found, quote_id, zone, command, years, registrar_id, now, consume)


def quoted_amount(
    found: tuple | None,
    quote_id: str,
    zone: str,
    command: str,
    years: int,
    registrar_id: int | None,
    now: dt.datetime,
    consume: bool = False,
) -> Money:
    """`redeem` for a caller that read QUOTE_SQL's columns already (`found`: None when no such quote)."""
    if found is None:
        raise OperationFailed([Problem("fee", BillingCode.QUOTE_UNKNOWN, {"value": quote_id})])
    quoted_registrar, quoted_zone, quoted_command, quoted_years, minor, currency, valid, used = found
    if (quoted_registrar, quoted_zone, quoted_command, quoted_years) != (registrar_id, zone, command, years):
        raise OperationFailed([Problem("fee", BillingCode.QUOTE_MISMATCH, {"value": quote_id})])
    if not valid:
        expires_at = QuoteRow.objects.values_list("expires_at", flat=True).get(pk=quote_id)
        raise OperationFailed([Problem("fee", BillingCode.QUOTE_EXPIRED, {"expires_at": expires_at.isoformat()})])
    if used or (consume and not use_once(quote_id, now)):
        raise OperationFailed([Problem("fee", BooksCode.QUOTE_USED, {"value": quote_id})])
    return Money.from_minor(int(minor), str(currency))


def use_once(quote_id: str, now: dt.datetime) -> bool:
    """Records the quote's use; False if it was used before. One statement, no savepoint: a concurrent use
    of the same quote waits for this transaction and then finds the row (PostgreSQL), or waits its turn
    as SQLite's one writer."""
    using = router.db_for_write(QuoteUse)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_quoteuse (quote_id, used_at) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING quote_id",
            [quote_id, QuoteUse._meta.get_field("used_at").get_db_prep_value(now, connections[using])],
        )
        return cursor.fetchone() is not None


def balance(registrar_id: int) -> Balance | None:
    """The registrar's prepaid account at the registry (None: it has none, and is not charged)."""
    account = prepaid_account(registrar_id)
    if account is None:
        return None
    limit = Money.from_minor(account.credit_limit_minor or 0, account.currency)
    return Balance(
        amount=account.balance.amount,
        currency=account.currency,
        credit_limit=limit.amount,
        available=(account.balance + limit).amount,
    )
