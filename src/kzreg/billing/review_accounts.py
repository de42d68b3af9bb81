"""The book a bank statement is imported into, and the accounts staff name in it — by a handle or `@N`.

- The registry's book (`registry`, the default): a registrar's handle (its prepaid deposit) or `@N` of a
  deposit or receivable there, the book the registry's bank account belongs to.
- A registrar's own book (`--book PS-KZ`): a reseller's handle of that registrar (its deposit in the
  registrar's book) or `@N` of a deposit or receivable of that book. An account of another book, or a
  reseller of another registrar, is "not found": a line is never booked outside its book.
"""

from __future__ import annotations

import datetime as dt

from kzreg.billing.books import prepaid_account, registrar_book, registry_book, reseller_deposit
from kzreg.billing.models import Account, AccountKind, Book, OwnerKind
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.queries import find_registrar
from kzreg.resellers.models import Reseller

PAYABLE_KINDS = (AccountKind.PREPAID, AccountKind.RECEIVABLE)


def statement_book(ref: str | None, now: dt.datetime) -> Book:
    """`None`/`registry`: the registry's book; a registrar's handle: that registrar's own book."""
    if ref is None or ref.strip().lower() in ("", "registry"):
        return registry_book(now)
    return registrar_book(find_registrar(ref.strip()), now)


def _numbered(book: Book, ref: str) -> Account:
    found = (
        Account.objects.select_related("book")
        .filter(pk=int(ref[1:]) if ref[1:].isdigit() and len(ref) < 20 else -1, book=book)
        .filter(kind__in=PAYABLE_KINDS)
        .first()
    )
    if found is None:
        raise OperationFailed([Problem("account", Code.NOT_FOUND, {"kind": "account", "key": ref[:40]})])
    return found


def registry_account(ref: str) -> Account:
    ref = ref.strip()
    if ref.startswith("@"):
        found = (
            Account.objects.select_related("book")
            .filter(pk=int(ref[1:]) if ref[1:].isdigit() else -1, book__owner_kind=OwnerKind.REGISTRY)
            .filter(kind__in=PAYABLE_KINDS)
            .first()
        )
        if found is None:
            raise OperationFailed([Problem("account", Code.NOT_FOUND, {"kind": "account", "key": ref[:40]})])
        return found
    registrar = find_registrar(ref)
    account = prepaid_account(registrar.id)
    if account is None:
        raise OperationFailed([Problem("account", BillingCode.NO_ACCOUNT, {"holder": registrar.handle})])
    return account


def book_account(book: Book, ref: str) -> Account:
    """The account `ref` names in `book` (see the module's docstring)."""
    ref = ref.strip()
    if book.owner_kind == OwnerKind.REGISTRY:
        return registry_account(ref)
    if ref.startswith("@"):
        return _numbered(book, ref)
    reseller = Reseller.objects.filter(handle=ref.upper(), registrar_id=int(book.owner_key)).first()
    if reseller is None:
        raise OperationFailed([Problem("account", Code.NOT_FOUND, {"kind": "reseller", "key": ref.upper()[:40]})])
    account = reseller_deposit(reseller)
    if account is None:
        raise OperationFailed([Problem("account", BillingCode.NO_ACCOUNT, {"holder": reseller.handle})])
    return account
