"""The registrar side's order charging (issue 11): quote, balance check, entries — all or nothing, in the
caller's transaction, so the registry operation that follows (or fails) decides for all of it.

`quote_order` prices an order before it is placed: what a reseller pays its registrar (wholesale, in the
reseller's deposit currency, converted at the day's rate if the list is in another) and what the
registrant pays the reseller (retail, when the reseller bills that registrant through kzreg: a customer
key), or what a registrar's own customer pays. `charge_order` charges exactly that quote, once:

- registrar's book: reseller's deposit −W, wholesale revenue +W (or: customer's receivable −R, retail
  revenue +R for the registrar's own customer);
- reseller's book: registrant's receivable −R, retail revenue +R, wholesale expense −W, payable to the
  registrar +W (the reseller's side of the same wholesale charge).

The deposit's credit limit is enforced by `ledger.post`'s guarded UPDATE (billing_insufficient_funds).

On PostgreSQL each is one prepared statement in the common case (issue 12, Speed; as ADR 0006 did for
the registry's fee): `quote_order` reads the prices and deposit and stores the quote in one
data-modifying WITH, and `charge_order` reads the quote and the accounts with one statement and writes
the quote's use, every balance and both transactions with their entries with a second. Whatever that
shape does not cover — a price in another currency than the deposit's, an account not opened yet, a
quote used or expired, funds short — writes nothing there and goes the ORM/ledger way below, which
opens what is missing or raises the exact problem. The charge statement locks its accounts first, in
the order `ledger.post` would (the registrar's book by account id, then the reseller's), checks the
credit limits on the locked rows and only then writes, so a refusal leaves nothing behind (the quote
still usable) and two charges never deadlock; the balance UPDATE keeps ledger's guard.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import secrets
from typing import Any

from django.db import connections, router, transaction

from kzreg.billing import ledger
from kzreg.billing.books import (
    REGISTRAR_HOLDER,
    book_account,
    customer_account,
    registrar_book,
    reseller_book,
    reseller_deposit,
)
from kzreg.billing.exchange import convert
from kzreg.billing.fees import quote_minutes
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Book, OrderQuote, OwnerKind, PriceAudience, Transaction
from kzreg.billing.money import Money
from kzreg.billing.price_lists import retail_price, wholesale_price
from kzreg.billing.prices import clean_request
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.billing.sqlrows import fetch_one
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.resellers.models import Reseller

ORDER = "order"


@dataclasses.dataclass(frozen=True)
class OrderCharge:
    seller: Transaction  # in the registrar's book
    reseller: Transaction | None  # in the reseller's book (None for a registrar's own customer)


def quote_order(
    registrar: Any,
    zone: str,
    command: str,
    years: object,
    now: dt.datetime,
    reseller: Any = None,
    customer_key: str = "",
) -> OrderQuote:
    """Prices an order and stores the quote (single-use, expires after `KZREG["QUOTE_MINUTES"]`)."""
    zone_name, command, clean_years = clean_request(zone, command, years)
    customer_key = (customer_key or "").strip()
    if reseller is not None and reseller.registrar_id != registrar.id:
        raise OperationFailed([Problem("reseller", Code.NOT_FOUND, {"kind": "reseller", "key": reseller.handle})])
    if reseller is None and not customer_key:
        raise OperationFailed([Problem("customer", Code.REQUIRED)])
    if _one_statement():
        quick = _quote_in_one(registrar.id, reseller.id if reseller is not None else None, customer_key,
                              (zone_name, command, clean_years), now)  # fmt: skip
        if quick is not None:
            return quick
    wholesale: Money | None = None
    retail: Money | None = None
    if reseller is not None:
        wholesale = wholesale_price(reseller, zone_name, command, clean_years, now)
        deposit = reseller_deposit(reseller)
        if deposit is not None and deposit.currency != wholesale.currency:
            wholesale = convert(wholesale, deposit.currency, now.date())
        if customer_key:
            retail = retail_price(reseller_book(reseller, now), zone_name, command, clean_years, now)
    else:
        retail = retail_price(registrar_book(registrar, now), zone_name, command, clean_years, now)
    return OrderQuote.objects.create(
        id=secrets.token_hex(12),
        registrar_id=registrar.id,
        reseller_id=reseller.id if reseller is not None else None,
        customer_key=customer_key,
        zone=zone_name,
        command=command,
        years=clean_years,
        wholesale_minor=wholesale.minor if wholesale else None,
        wholesale_currency=wholesale.currency if wholesale else "",
        retail_minor=retail.minor if retail else None,
        retail_currency=retail.currency if retail else "",
        created_at=now,
        expires_at=now + dt.timedelta(minutes=quote_minutes()),
    )


def _one_statement() -> bool:
    return bool(connections[router.db_for_write(OrderQuote)].vendor == "postgresql")


_PRICE = (
    "SELECT p.amount_minor, p.currency FROM billing_listprice p "
    "WHERE p.book_id = (SELECT id FROM billing_book WHERE owner_kind = %s AND owner_key = %s) "
    "AND p.audience = %s AND p.zone = %s AND p.command = %s AND p.years = %s "
    "AND p.valid_from <= %s AND (p.valid_to IS NULL OR p.valid_to > %s)"
)
_QUOTE_COLUMNS = (
    "id, registrar_id, reseller_id, customer_key, zone, command, years, wholesale_minor, wholesale_currency, "
    "retail_minor, retail_currency, created_at, expires_at"
)


@functools.cache
def _quote_sql(wholesale: bool, retail: bool) -> str:
    """The quote in one statement: the wholesale price in force (the reseller's own row, else its group's,
    else the registrar's for all, as `wholesale_price`), the deposit's currency, the retail price, and the
    quote's INSERT — only when every price is there and no conversion is needed (else no row)."""
    parts, conditions = [], []
    if wholesale:
        parts.append(
            f"w AS ({_PRICE} AND (p.reseller_id = %s OR p.group_id = (SELECT group_id FROM "
            "billing_resellergroupmember WHERE reseller_id = %s) OR (p.reseller_id IS NULL AND p.group_id IS NULL)) "
            "ORDER BY CASE WHEN p.reseller_id = %s THEN 0 WHEN p.group_id IS NOT NULL THEN 1 ELSE 2 END, "
            "p.valid_from DESC, p.id DESC LIMIT 1)"
        )
        parts.append(
            "d AS (SELECT a.currency FROM billing_account a JOIN billing_book b ON b.id = a.book_id "
            "WHERE b.owner_kind = %s AND b.owner_key = %s AND a.kind = %s AND a.holder_key = %s ORDER BY a.id LIMIT 1)"
        )
        conditions += ["EXISTS (SELECT FROM w)",
                       "(NOT EXISTS (SELECT FROM d) OR (SELECT currency FROM d) = (SELECT currency FROM w))"]  # fmt: skip
    if retail:
        parts.append(f"r AS ({_PRICE} ORDER BY p.valid_from DESC, p.id DESC LIMIT 1)")
        conditions.append("EXISTS (SELECT FROM r)")
    w_cols = "(SELECT amount_minor FROM w), (SELECT currency FROM w)" if wholesale else "NULL, ''"
    r_cols = "(SELECT amount_minor FROM r), (SELECT currency FROM r)" if retail else "NULL, ''"
    parts.append(
        f"q AS (INSERT INTO billing_orderquote ({_QUOTE_COLUMNS}) SELECT %s::text, %s::bigint, %s::bigint, %s::text, "
        f"%s::text, %s::text, %s::integer, {w_cols}, {r_cols}, %s::timestamptz, %s::timestamptz "
        f"WHERE {' AND '.join(conditions)} "
        "RETURNING wholesale_minor, wholesale_currency, retail_minor, retail_currency)"
    )
    return f"WITH {', '.join(parts)} SELECT * FROM q"


def _quote_in_one(
    registrar_id: int, reseller_id: int | None, customer_key: str, what: tuple[str, str, int], now: dt.datetime
) -> OrderQuote | None:
    """The quote stored by one statement (PostgreSQL), or None: not this shape, nothing written."""
    zone, command, years = what
    wholesale, retail = reseller_id is not None, reseller_id is None or bool(customer_key)
    params: list[Any] = []
    if wholesale:
        params += [OwnerKind.REGISTRAR.value, str(registrar_id), PriceAudience.WHOLESALE.value, zone, command, years,
                   now, now, reseller_id, reseller_id, reseller_id]  # fmt: skip
        params += [OwnerKind.REGISTRAR.value, str(registrar_id), AccountKind.PREPAID.value, str(reseller_id)]
    if retail:
        book = (
            (OwnerKind.RESELLER.value, str(reseller_id))
            if wholesale
            else (OwnerKind.REGISTRAR.value, str(registrar_id))
        )
        params += [*book, PriceAudience.RETAIL.value, zone, command, years, now, now]
    quote_id, expires_at = secrets.token_hex(12), now + dt.timedelta(minutes=quote_minutes())
    params += [quote_id, registrar_id, reseller_id, customer_key, zone, command, years, now, expires_at]
    row = fetch_one(OrderQuote, _quote_sql(wholesale, retail), params, write=True)
    if row is None:
        return None
    quote = OrderQuote(
        id=quote_id, registrar_id=registrar_id, reseller_id=reseller_id, customer_key=customer_key, zone=zone,
        command=command, years=years, wholesale_minor=row[0], wholesale_currency=row[1], retail_minor=row[2],
        retail_currency=row[3], created_at=now, expires_at=expires_at,
    )  # fmt: skip
    quote._state.adding, quote._state.db = False, router.db_for_write(OrderQuote)
    return quote


def _use(quote_id: str, now: dt.datetime) -> OrderQuote:
    """Marks the quote used (one guarded UPDATE: a concurrent second use waits and then finds it used)."""
    using = router.db_for_write(OrderQuote)
    connection = connections[using]
    at = OrderQuote._meta.get_field("used_at").get_db_prep_value(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_orderquote SET used_at = %s WHERE id = %s AND used_at IS NULL AND expires_at > %s",
            [at, quote_id, at],
        )
        updated = cursor.rowcount
    row = OrderQuote.objects.using(using).filter(pk=quote_id).first()
    if row is None:
        raise OperationFailed([Problem("quote", BillingCode.QUOTE_UNKNOWN, {"value": quote_id})])
    if updated != 1:
        if row.expires_at <= now:
            params = {"expires_at": row.expires_at.isoformat()}
            raise OperationFailed([Problem("quote", BillingCode.QUOTE_EXPIRED, params)])
        raise OperationFailed([Problem("quote", BooksCode.QUOTE_USED, {"value": quote_id})])
    return row


def _check_payer(payer: Account, quote: OrderQuote) -> Money:
    """What the payer is charged in the registrar's book, if it is the payer the quote was given to."""
    in_registrar_book = payer.book.owner_kind == OwnerKind.REGISTRAR and payer.book.owner_key == str(quote.registrar_id)
    if quote.reseller_id is not None:
        expected = (AccountKind.PREPAID, str(quote.reseller_id))
        amount = quote.wholesale
    else:
        expected = (AccountKind.RECEIVABLE, quote.customer_key)
        amount = quote.retail
    if not in_registrar_book or (payer.kind, payer.holder_key) != expected or amount is None:
        raise OperationFailed([Problem("account", BooksCode.QUOTE_PAYER, {"account": payer.name, "value": quote.id})])
    if amount.currency != payer.currency:
        params = {"account": payer.name, "expected": payer.currency, "value": amount.currency}
        raise OperationFailed([Problem("account", BillingCode.CURRENCY_MISMATCH, params)])
    return amount


def reseller_deposit_id(reseller_id: int) -> int | None:
    """The id of the reseller's deposit (`books.reseller_deposit`), by one plain statement: what an order
    charge needs of its payer (`charge_order` reads the row itself, under the charge)."""
    row = fetch_one(Account, _deposit_sql(), _deposit_params(reseller_id))
    return None if row is None else int(row[0])


def _deposit_params(reseller_id: Any) -> list[Any]:
    return [reseller_id, OwnerKind.REGISTRAR.value, AccountKind.PREPAID.value, str(reseller_id)]


def charge_reseller_order(reseller_id: int, quote_id: str, cause: Cause, now: dt.datetime) -> OrderCharge | None:
    """`charge_order` of a reseller's order to its deposit, the deposit found by the charge's own read
    (PostgreSQL, the common case: one statement fewer than `reseller_deposit_id` then `charge_order`).
    None — nothing written — when that does not apply (SQLite, no deposit, any shape `_charge_in_two` does
    not cover): the caller then finds the payer and calls `charge_order`, which decides or names the
    problem."""
    if not _one_statement():
        return None
    return _charge_in_two(None, quote_id, cause, now, deposit_of=reseller_id)


@functools.cache
def _deposit_sql() -> str:
    return (
        "SELECT a.id FROM billing_account a JOIN billing_book b ON b.id = a.book_id "
        f"JOIN {Reseller._meta.db_table} r ON b.owner_key = CAST(r.registrar_id AS TEXT) "
        "WHERE r.id = %s AND b.owner_kind = %s AND a.kind = %s AND a.holder_key = %s ORDER BY a.id LIMIT 1"
    )


def charge_order(payer: Account, quote_id: str, cause: Cause, now: dt.datetime) -> OrderCharge:
    """Charges the quoted order to `payer`: all the entries or none. Runs in the caller's transaction (a
    savepoint of it), so a registry operation failing afterwards in that transaction undoes the charge.
    On PostgreSQL the common case is two statements and no savepoint (`_charge_in_two`). Only the payer's
    id is taken from `payer`: its row is read again under the charge."""
    if _one_statement():
        quick = _charge_in_two(payer.pk, quote_id, cause, now)
        if quick is not None:
            return quick
    with transaction.atomic():
        quote = _use(quote_id, now)
        payer = Account.objects.select_related("book").get(pk=payer.pk)
        amount = _check_payer(payer, quote)
        cause = dataclasses.replace(cause, kind=ORDER, fee_command=quote.command, years=quote.years, quote_id=quote.id)
        book = payer.book
        revenue_holder = "wholesale" if quote.reseller_id is not None else "retail"
        revenue = book_account(
            book,
            AccountKind.REVENUE,
            revenue_holder,
            amount.currency,
            f"{revenue_holder} revenue {amount.currency}",
            now,
        )
        seller = ledger.post(book, cause, [(payer, -amount), (revenue, amount)], now).transaction
        if quote.reseller_id is None:
            return OrderCharge(seller, None)
        reseller = Reseller.objects.select_related("registrar").get(pk=quote.reseller_id)
        return OrderCharge(seller, _reseller_side(reseller, quote, amount, cause, now))


def _reseller_side(reseller: Any, quote: OrderQuote, wholesale: Money, cause: Cause, now: dt.datetime) -> Transaction:
    """The reseller's book: what it owes its registrar for the order, and what its registrant owes it."""
    book = reseller_book(reseller, now)
    currency = wholesale.currency
    expense = book_account(book, AccountKind.EXPENSE, "wholesale", currency, f"wholesale expense {currency}", now)
    payable = book_account(
        book, AccountKind.PAYABLE, REGISTRAR_HOLDER, currency, f"payable {reseller.registrar.handle}", now
    )
    entries: list[tuple[Account, Money]] = [(expense, -wholesale), (payable, wholesale)]
    retail = quote.retail
    if retail is not None:
        customer = customer_account(book, quote.customer_key, retail.currency, now)
        revenue = book_account(
            book, AccountKind.REVENUE, "retail", retail.currency, f"retail revenue {retail.currency}", now
        )
        entries += [(customer, -retail), (revenue, retail)]
    return ledger.post(book, cause, entries, now).transaction


# --- the charge in two statements (PostgreSQL) ------------------------------------------------------

_ACCOUNT = (
    "(SELECT a.id FROM billing_account a WHERE a.book_id = {book} AND a.kind = %s AND a.holder_key = {holder} "
    "AND a.currency = {currency})"
)
_CHARGE_READ_ANY = (
    "WITH q AS (SELECT * FROM billing_orderquote WHERE id = %s), "
    "p AS (SELECT a.id, a.book_id, a.kind, a.holder_key, a.currency, a.name, b.owner_kind, b.owner_key "
    "FROM billing_account a JOIN billing_book b ON b.id = a.book_id WHERE a.id = {payer}), "
    "rb AS (SELECT b.id FROM billing_book b, q WHERE q.reseller_id IS NOT NULL AND b.owner_kind = %s "
    "AND b.owner_key = q.reseller_id::text) "
    "SELECT q.registrar_id, q.reseller_id, q.customer_key, q.command, q.years, q.wholesale_minor, "
    "q.wholesale_currency, q.retail_minor, q.retail_currency, q.expires_at, q.used_at, "
    "p.id, p.book_id, p.kind, p.holder_key, p.currency, p.name, p.owner_kind, p.owner_key, "
    + _ACCOUNT.format(
        book="p.book_id",
        holder="CASE WHEN q.reseller_id IS NULL THEN 'retail' ELSE 'wholesale' END",
        currency="CASE WHEN q.reseller_id IS NULL THEN q.retail_currency ELSE q.wholesale_currency END",
    )
    + ", (SELECT id FROM rb), "
    + _ACCOUNT.format(book="(SELECT id FROM rb)", holder="'wholesale'", currency="q.wholesale_currency")
    + ", "
    + _ACCOUNT.format(book="(SELECT id FROM rb)", holder="%s", currency="q.wholesale_currency")
    + ", "
    + _ACCOUNT.format(book="(SELECT id FROM rb)", holder="q.customer_key", currency="q.retail_currency")
    + ", "
    + _ACCOUNT.format(book="(SELECT id FROM rb)", holder="'retail'", currency="q.retail_currency")
    + " FROM q, p"
)


@functools.cache
def _charge_read_sql(by_reseller: bool) -> str:
    """The charge's read, its payer given by id, or (`by_reseller`) as the reseller's deposit found in the
    same statement (`_deposit_sql`, one round trip fewer per reseller's order; issue 12, Speed)."""
    return _CHARGE_READ_ANY.replace("{payer}", f"({_deposit_sql()})" if by_reseller else "%s")


@functools.cache
def _shared_tx_fields() -> tuple[str, ...]:
    """A charge transaction's fields but its id and book: the same in both books' transactions."""
    return tuple(f.attname for f in Transaction._meta.concrete_fields if not f.primary_key and f.attname != "book_id")


@functools.cache
def _charge_sql(seller_accounts: int, reseller_accounts: int) -> str:
    """The charge's writes: lock the accounts (the registrar's book by id, then the reseller's, as two
    `ledger.post`s would), refuse on the locked rows if a limit would be passed, and only then use the
    quote, move the balances (ledger's guard kept) and insert each book's transaction and entries.

    Each value is a parameter once (issue 12, Speed): an entry is its account's balance move (`deltas`,
    which carries the currency, the entry's place and its book), and the two books' transactions, alike
    but for the book (`Cause.transaction`), share one row of values (`txv`). So the common shapes stay
    within psycopg's 50 parameters for a statement whose conversion it keeps (58 and 70 before: the SQL was
    split anew on every charge, ~6% of an order's client time)."""
    marks = lambda n: ", ".join(["%s"] * n)  # noqa: E731
    connection = connections[router.db_for_write(Transaction)]
    fields = [Transaction._meta.get_field(n) for n in _shared_tx_fields()]
    columns = ", ".join(str(f.column) for f in fields)  # type: ignore[union-attr]
    # Typed (an INSERT … SELECT does not take its columns' types), without a length: a cast would cut.
    typed = ", ".join(
        f"%s::{f.cast_db_type(connection).split('(')[0]} AS {f.column}"  # type: ignore[union-attr]
        for f in fields
    )
    parts = [
        f"lk1 AS (SELECT id, balance_minor, credit_limit_minor FROM billing_account WHERE id IN ({marks(seller_accounts)}) "
        "ORDER BY id FOR UPDATE)"
    ]
    locked = ["lk1"]
    if reseller_accounts:
        parts.append(
            f"lk2 AS (SELECT id, balance_minor, credit_limit_minor FROM billing_account WHERE id IN "
            f"({marks(reseller_accounts)}) AND (SELECT count(*) FROM lk1) = %s ORDER BY id FOR UPDATE)"
        )
        locked.append("lk2")
    books = [seller_accounts] + ([reseller_accounts] if reseller_accounts else [])
    rows = [(book, n) for book, count in enumerate(books, 1) for n in range(count)]
    deltas = ", ".join(f"(%s::bigint, %s::bigint, %s::text, {n}, {book})" for book, n in rows)
    parts += [
        f"deltas AS (SELECT * FROM (VALUES {deltas}) AS v (id, delta, currency, n, book))",
        "bad AS (SELECT FROM (" + " UNION ALL ".join(f"SELECT * FROM {name}" for name in locked) + ") l "
        "JOIN deltas d ON d.id = l.id WHERE d.delta < 0 AND l.credit_limit_minor IS NOT NULL "
        "AND l.balance_minor + d.delta < -l.credit_limit_minor)",
        "used AS (UPDATE billing_orderquote SET used_at = %s WHERE id = %s AND used_at IS NULL AND expires_at > %s "
        + "".join(f"AND (SELECT count(*) FROM {name}) = %s " for name in locked)
        + "AND NOT EXISTS (SELECT FROM bad) RETURNING id)",
        "upd AS (UPDATE billing_account a SET balance_minor = a.balance_minor + d.delta, version = a.version + 1 "
        "FROM deltas d WHERE a.id = d.id AND EXISTS (SELECT FROM used) AND (d.delta >= 0 OR a.credit_limit_minor "
        "IS NULL OR a.balance_minor + d.delta >= -a.credit_limit_minor) RETURNING a.id)",
        f"txv AS (SELECT {typed})",
    ]
    for book in range(1, len(books) + 1):
        parts += [
            f"tx{book} AS (INSERT INTO billing_transaction (book_id, {columns}) SELECT %s::bigint, txv.* FROM txv "
            "WHERE EXISTS (SELECT FROM used) RETURNING id)",
            f"etx{book} AS (INSERT INTO billing_entry (transaction_id, account_id, amount_minor, currency) "
            f"SELECT tx{book}.id, d.id, d.delta, d.currency FROM tx{book}, deltas d WHERE d.book = {book} "
            "ORDER BY d.n)",
        ]
    tx2 = "(SELECT id FROM tx2)" if reseller_accounts else "NULL"
    return (
        f"WITH {', '.join(parts)} SELECT (SELECT id FROM tx1), {tx2}, EXISTS (SELECT FROM used), "
        "(SELECT count(*) FROM upd)"
    )


def _charge_in_two(
    payer_id: int | None, quote_id: str, cause: Cause, now: dt.datetime, deposit_of: int | None = None
) -> OrderCharge | None:
    """`charge_order` on PostgreSQL: one statement reads the quote and every account, one writes (see
    `_charge_sql`). None: not this shape (a quote used, expired or unknown, an account not opened yet,
    funds short): nothing was written, and `charge_order` goes the ledger way. The payer is the account
    `payer_id`, or without it the deposit of the reseller `deposit_of` (`reseller_deposit_id`'s), read with
    the rest."""
    payer_params = [payer_id] if payer_id is not None else _deposit_params(deposit_of)
    row = fetch_one(Account, _charge_read_sql(payer_id is None), [quote_id, *payer_params, OwnerKind.RESELLER.value,
                                                                   AccountKind.REVENUE.value, AccountKind.EXPENSE.value,
                                                                   AccountKind.PAYABLE.value, REGISTRAR_HOLDER,
                                                                   AccountKind.RECEIVABLE.value,
                                                                   AccountKind.REVENUE.value], write=True)  # fmt: skip
    if row is None:
        return None
    (registrar_id, reseller_id, customer_key, command, years, w_minor, w_cur, r_minor, r_cur, expires_at, used_at,
     *payer_row, revenue_id, reseller_book_id, expense_id, payable_id, customer_id, retail_id) = row  # fmt: skip
    if used_at is not None or expires_at <= now:
        return None
    quote = OrderQuote(
        id=quote_id, registrar_id=registrar_id, reseller_id=reseller_id, customer_key=customer_key, command=command,
        years=years, wholesale_minor=w_minor, wholesale_currency=w_cur, retail_minor=r_minor, retail_currency=r_cur,
    )  # fmt: skip
    p_id, p_book, p_kind, p_holder, p_currency, p_name, owner_kind, owner_key = payer_row
    book = Book(id=p_book, owner_kind=owner_kind, owner_key=owner_key)
    payer = Account(id=p_id, book=book, kind=p_kind, holder_key=p_holder, currency=p_currency, name=p_name)
    amount = _check_payer(payer, quote)  # a payer the quote was not given to: refused here, as below
    if revenue_id is None:
        return None
    seller = [(payer, -amount), (_account(revenue_id, book, amount.currency), amount)]
    reseller: list[tuple[Account, Money]] = []
    if reseller_id is not None:
        wholesale, retail = quote.wholesale, quote.retail
        if None in (reseller_book_id, expense_id, payable_id) or wholesale is None:
            return None
        rbook = Book(id=reseller_book_id, owner_kind=OwnerKind.RESELLER, owner_key=str(reseller_id))
        reseller = [(_account(expense_id, rbook, wholesale.currency), -wholesale),
                    (_account(payable_id, rbook, wholesale.currency), wholesale)]  # fmt: skip
        if retail is not None:
            if customer_id is None or retail_id is None:
                return None
            reseller += [(_account(customer_id, rbook, retail.currency), -retail),
                         (_account(retail_id, rbook, retail.currency), retail)]  # fmt: skip
    cause = dataclasses.replace(cause, kind=ORDER, fee_command=quote.command, years=quote.years, quote_id=quote.id)
    posts = [(book, seller)] + ([(rbook, reseller)] if reseller else [])
    for post_book, entries in posts:
        problems = ledger.check_entries(post_book, entries)
        if problems:
            raise OperationFailed(problems)
    params: list[Any] = [account.pk for account, _ in sorted(seller, key=lambda e: e[0].pk)]
    if reseller:
        params += [account.pk for account, _ in sorted(reseller, key=lambda e: e[0].pk)] + [len(seller)]
    for account, money in seller + reseller:  # each account's move, and its entry
        params += [account.pk, money.minor, money.currency]
    params += [now, quote_id, now, len(seller)] + ([len(reseller)] if reseller else [])
    txs = [cause.transaction(post_book, now) for post_book, _ in posts]  # alike but for the book
    params += [getattr(txs[0], name) for name in _shared_tx_fields()]
    params += [tx.book_id for tx in txs]
    seller_tx, reseller_tx, used_here, moved = fetch_one(Account, _charge_sql(len(seller), len(reseller)), params,
                                                         write=True) or (None, None, False, 0)  # fmt: skip
    if not used_here:
        return None  # used meanwhile, expired, or funds short: the ledger way says which
    if moved != len(seller) + len(reseller):  # cannot happen: the rows were locked and checked
        raise OperationFailed([ledger.insufficient(payer, amount.minor)])
    for tx, tx_id in zip(txs, (seller_tx, reseller_tx), strict=False):
        tx.pk, tx._state.adding = int(tx_id), False
    return OrderCharge(txs[0], txs[1] if reseller else None)


def _account(account_id: int, book: Book, currency: str) -> Account:
    return Account(id=account_id, book=book, currency=currency, name=str(account_id))
