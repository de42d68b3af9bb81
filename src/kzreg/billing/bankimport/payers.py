"""Billing's own map of payers' BIN/IIN to accounts, one per book, kept by that book's staff: how a bank
line without an invoice number finds its account. A BIN maps to an account of the same book only (the
registry's deposits and receivables; a registrar's resellers' deposits and its customers' receivables)."""

from __future__ import annotations

import datetime as dt

from kzreg.billing.bankimport.documents import BIN_RE
from kzreg.billing.books import registry_book
from kzreg.billing.models import Account, AccountKind, Book, Payer
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def clean_bin(raw: str) -> str:
    value = raw.strip()
    if not BIN_RE.match(value):
        raise OperationFailed([Problem("bin", PaymentCode.BIN_INVALID, {"value": raw})])
    return value


PAYABLE_KINDS = (AccountKind.PREPAID, AccountKind.RECEIVABLE)


def set_payer(
    bin_value: str, account: Account, name: str, principal: str, now: dt.datetime, book: Book | None = None
) -> Payer:
    """Maps the BIN to the account in the book (the registry's unless given; a later call moves it): the
    book's next import matches by it."""
    value = clean_bin(bin_value)
    book = book or registry_book(now)
    if account.book_id != book.pk or account.kind not in PAYABLE_KINDS:
        raise OperationFailed([Problem("account", BillingCode.OTHER_BOOK, {"account": account.name})])
    payer, _ = Payer.objects.update_or_create(
        book=book,
        bin=value,
        defaults={"account": account, "name": " ".join(name.split())[:200], "entered_by": principal, "created_at": now},
    )
    return payer


def remove_payer(bin_value: str, book: Book) -> None:
    value = clean_bin(bin_value)
    deleted, _ = Payer.objects.filter(book=book, bin=value).delete()
    if not deleted:
        raise OperationFailed([Problem("bin", Code.NOT_FOUND, {"kind": "payer", "key": value})])
