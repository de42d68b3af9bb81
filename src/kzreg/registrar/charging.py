"""Charging an order to its payer's book, and refunding it — the seam the orders use.

The payer (a reseller, or the registrar itself for its own customers) keeps a prepaid account in the
registrar's book (`billing`'s ledger: `OwnerKind.REGISTRAR`, keyed by the registrar's handle, so the book
needs no registry table); a charge debits it and credits the registrar's revenue, by `ledger.post`'s
guarded update, so a balance never passes its credit limit, even under concurrency. A refund is a new
transaction that reverses the charge (the ledger is append-only).

The retail price is one per-year amount from settings (`KZREG_RETAIL_PRICE`) until the books' price
groups land; this module is the one place orders ask.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from kzreg.billing.books import own_account
from kzreg.billing.ledger import Cause, post
from kzreg.billing.models import Account, AccountKind, Book, OwnerKind, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registrar.connection import registrar_settings
from kzreg.registrar.models import Order, OrderKind

PAID_KINDS = frozenset({OrderKind.CREATE, OrderKind.RENEW, OrderKind.TRANSFER_IN})


def retail_price(kind: str, years: int | None) -> Money:
    """What the payer pays for an order: the yearly retail price times the years, for paid kinds."""
    config = registrar_settings()["RETAIL_PRICE"]
    yearly = Money.of(str(config["amount"]), str(config["currency"]))
    return yearly.times(years or 1) if kind in PAID_KINDS else Money.zero(yearly.currency)


def registrar_book(handle: str, now: dt.datetime) -> Book:
    try:
        with transaction.atomic():
            book, _ = Book.objects.get_or_create(
                owner_kind=OwnerKind.REGISTRAR, owner_key=handle, defaults={"name": f"{handle} (registrar)",
                                                                            "created_at": now},
            )  # fmt: skip
    except IntegrityError:  # opened by a concurrent first use
        book = Book.objects.get(owner_kind=OwnerKind.REGISTRAR, owner_key=handle)
    return book


def payer_account(registrar_handle: str, payer: str) -> Account | None:
    return Account.objects.filter(
        book__owner_kind=OwnerKind.REGISTRAR, book__owner_key=registrar_handle, kind=AccountKind.PREPAID,
        holder_key=payer,
    ).first()  # fmt: skip


def open_payer_account(
    registrar_handle: str, payer: str, name: str, currency: str, now: dt.datetime, credit_limit: Money | None = None
) -> Account:
    """The payer's prepaid account in the registrar's book (credit limit 0 unless given)."""
    existing = payer_account(registrar_handle, payer)
    if existing is not None:
        return existing
    return Account.objects.create(
        book=registrar_book(registrar_handle, now), kind=AccountKind.PREPAID, holder_key=payer,
        name=f"prepaid {name}", currency=currency, credit_limit_minor=credit_limit.minor if credit_limit else 0,
        created_at=now,
    )  # fmt: skip


def charge(order: Order, now: dt.datetime) -> int | None:
    """Posts the order's price against its payer (the transaction's id), or None when it costs nothing.
    Refused (no account, short of funds): `OperationFailed`, nothing posted."""
    if not order.price_minor:
        return None
    account = payer_account(order.registrar_handle, order.payer)
    if account is None:
        raise OperationFailed([Problem("payer", BillingCode.NO_ACCOUNT, {"holder": order.payer})])
    price = Money.from_minor(order.price_minor, order.currency)
    revenue = own_account(account.book, AccountKind.REVENUE, price.currency, now)
    cause = Cause(
        kind="fee", principal=order.principal, operation=f"order_{order.kind}", request_id=f"order-{order.pk}",
        object_type="domain", object_key=order.domain, years=order.years, quote_id=order.quote_id,
    )  # fmt: skip
    return post(account.book, cause, [(account, -price), (revenue, price)], now).transaction.pk


def refund(order: Order, now: dt.datetime) -> int | None:
    """Reverses the order's charge with new entries (None when nothing was charged)."""
    if order.charge_tx is None:
        return None
    charged = Transaction.objects.get(pk=order.charge_tx)
    entries = [
        (entry.account, -Money.from_minor(entry.amount_minor, entry.currency)) for entry in charged.entries.all()
    ]
    cause = Cause(
        kind="refund", principal=order.principal, operation=f"order_{order.kind}", request_id=f"order-{order.pk}",
        object_type="domain", object_key=order.domain, years=order.years, reverses=charged,
    )  # fmt: skip
    return post(charged.book, cause, entries, now).transaction.pk
