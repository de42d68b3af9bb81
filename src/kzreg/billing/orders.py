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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from kzreg.billing.models import Account, AccountKind, OrderQuote, OwnerKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.price_lists import retail_price, wholesale_price
from kzreg.billing.prices import clean_request
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
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
    wholesale: Money | None = None
    retail: Money | None = None
    if reseller is not None:
        if reseller.registrar_id != registrar.id:
            raise OperationFailed([Problem("reseller", Code.NOT_FOUND, {"kind": "reseller", "key": reseller.handle})])
        wholesale = wholesale_price(reseller, zone_name, command, clean_years, now)
        deposit = reseller_deposit(reseller)
        if deposit is not None and deposit.currency != wholesale.currency:
            wholesale = convert(wholesale, deposit.currency, now.date())
        if customer_key:
            retail = retail_price(reseller_book(reseller, now), zone_name, command, clean_years, now)
    else:
        if not customer_key:
            raise OperationFailed([Problem("customer", Code.REQUIRED)])
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


def charge_order(payer: Account, quote_id: str, cause: Cause, now: dt.datetime) -> OrderCharge:
    """Charges the quoted order to `payer`: all the entries or none. Runs in the caller's transaction (a
    savepoint of it), so a registry operation failing afterwards in that transaction undoes the charge."""
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
