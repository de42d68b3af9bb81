"""Finding and opening books and accounts: the registry's book, its own accounts, registrars' deposits;
the registrar's book (its resellers' deposits, its customers' receivables, what it owes the registry) and
each reseller's book (its registrants' receivables, what it owes its registrar).

A registrar has at most one prepaid account at the registry, in the currency staff open it in. A
registrar without one is not charged by the fee guard: the fee regime starts when staff open the
account (docs/billing.md, "Who pays").
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connections, router, transaction

from kzreg.billing import limits
from kzreg.billing.models import Account, AccountKind, Book, OwnerKind
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem

REGISTRY_BOOK_NAME = "KazNIC (registry)"


def registry_book(now: dt.datetime) -> Book:
    book, _ = Book.objects.get_or_create(
        owner_kind=OwnerKind.REGISTRY, owner_key="", defaults={"name": REGISTRY_BOOK_NAME, "created_at": now}
    )
    return book


def own_account(book: Book, kind: AccountKind, currency: str, now: dt.datetime) -> Account:
    """The book owner's own account of a kind in a currency (revenue, bank), opened on first use; no floor."""
    try:
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(
                book=book,
                kind=kind,
                holder_key="",
                currency=currency,
                defaults={"name": f"{kind.label} {currency}", "created_at": now},
            )
    except IntegrityError:  # opened by a concurrent first use
        account = Account.objects.get(book=book, kind=kind, holder_key="", currency=currency)
    return account


@functools.cache
def _prepaid_sql(lock: bool) -> tuple[str, tuple[str, ...]]:
    # Integers and text only, which every backend returns as they are; the rest loads on first use.
    columns = tuple(f.attname for f in Account._meta.concrete_fields if f.attname != "created_at")
    sql = (
        f"SELECT {', '.join(columns)} FROM billing_account WHERE kind = %s AND holder_key = %s "
        "AND book_id = (SELECT id FROM billing_book WHERE owner_kind = %s AND owner_key = '')"
        + (" FOR UPDATE" if lock else "")
    )
    return sql, columns


def deposit_columns() -> tuple[str, ...]:
    """The deposit's columns a plain statement reads (`Account.from_db` and `make_instance` take them in this order)."""
    return _prepaid_sql(False)[1]


def prepaid_account(registrar_id: int | None, lock: bool = False) -> Account | None:
    """The registrar's prepaid account at the registry, or None.

    Every fee-bearing operation asks this twice (its check and its charge), registrars without an account
    too, so it is one prepared statement rather than an ORM query (compiling that cost more than the rest
    of the guard: `bench/bench_create.py`, ADR 0004). It reads where the operation writes."""
    if registrar_id is None:
        return None
    using = router.db_for_write(Account)
    sql, columns = _prepaid_sql(lock and connections[using].features.has_select_for_update)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [AccountKind.PREPAID.value, str(registrar_id), OwnerKind.REGISTRY.value])
        row = cursor.fetchone()
    return None if row is None else Account.from_db(using, list(columns), row)


def open_prepaid(
    registrar_id: int,
    registrar_handle: str,
    currency: str,
    now: dt.datetime,
    credit_limit: Money | None = None,
    principal: str = "system",
) -> Account:
    """Opens the registrar's prepaid account (credit limit 0 unless given), its limit's trail started in
    the same transaction (`limits.record_opening`); a second one is refused."""
    existing = prepaid_account(registrar_id)
    if existing is not None:
        raise OperationFailed(
            [
                Problem(
                    "account", BillingCode.ACCOUNT_EXISTS, {"holder": registrar_handle, "currency": existing.currency}
                )
            ]
        )
    return _open_prepaid(
        lambda: registry_book(now), str(registrar_id), registrar_handle, currency, now, credit_limit, principal
    )


def _open_prepaid(
    book: Callable[[], Book], holder_key: str, handle: str, currency: str, now: dt.datetime, credit_limit: Money | None,
    principal: str,
) -> Account:  # fmt: skip
    """A prepaid account in the book `book()` gives (made only once the limit's currency is checked) for its
    holder, with its limit's trail started in the same transaction; a limit in another currency is refused."""
    if credit_limit is not None and credit_limit.currency != currency:
        params = {"account": handle, "expected": currency, "value": credit_limit.currency}
        raise OperationFailed([Problem("credit_limit", BillingCode.CURRENCY_MISMATCH, params)])
    with transaction.atomic():
        account = Account.objects.create(
            book=book(),
            kind=AccountKind.PREPAID,
            holder_key=holder_key,
            name=f"prepaid {handle}",
            currency=currency,
            credit_limit_minor=credit_limit.minor if credit_limit else 0,
            created_at=now,
        )
        limits.record_opening(account, principal, now)
    return account


# The registrar's book (PS) and each reseller's: keyed by the owner's id (kind + key, no foreign key).
# Holders inside a registrar's book: its resellers (prepaid, by reseller id), its own customers
# (receivable, by the customer's key), the registry (payable). Inside a reseller's book: its registrants
# (receivable) and its registrar (payable). Each owner's own accounts are held by "" (revenue, bank,
# expense).
REGISTRY_HOLDER = "registry"
REGISTRAR_HOLDER = "registrar"


def owner_book(kind: OwnerKind, key: int, name: str, now: dt.datetime) -> Book:
    """The book of a registrar or reseller (by id), opened on first use."""
    try:
        with transaction.atomic():
            book, _ = Book.objects.get_or_create(
                owner_kind=kind, owner_key=str(key), defaults={"name": name, "created_at": now}
            )
    except IntegrityError:  # opened by a concurrent first use
        book = Book.objects.get(owner_kind=kind, owner_key=str(key))
    return book


def registrar_book(registrar: Any, now: dt.datetime) -> Book:
    return owner_book(OwnerKind.REGISTRAR, registrar.id, f"{registrar.handle} (registrar)", now)


def reseller_book(reseller: Any, now: dt.datetime) -> Book:
    return owner_book(OwnerKind.RESELLER, reseller.id, f"{reseller.handle} (reseller)", now)


def book_account(book: Book, kind: AccountKind, holder: str, currency: str, name: str, now: dt.datetime) -> Account:
    """An account of a book, opened on first use with no floor (a customer's receivable, a payable)."""
    try:
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(
                book=book, kind=kind, holder_key=holder, currency=currency, defaults={"name": name, "created_at": now}
            )
    except IntegrityError:
        account = Account.objects.get(book=book, kind=kind, holder_key=holder, currency=currency)
    return account


def reseller_deposit(reseller: Any) -> Account | None:
    """The reseller's prepaid account in its registrar's book, or None (not opened)."""
    return (
        Account.objects.filter(
            book__owner_kind=OwnerKind.REGISTRAR,
            book__owner_key=str(reseller.registrar_id),
            kind=AccountKind.PREPAID,
            holder_key=str(reseller.id),
        )
        .select_related("book")
        .first()
    )


def open_reseller_deposit(
    reseller: Any, currency: str, now: dt.datetime, credit_limit: Money | None = None, principal: str = "system"
) -> Account:
    """Opens the reseller's prepaid account in its registrar's book (its wholesale orders are charged to
    it), its limit's trail started with it; a second one is refused, as for a registrar's deposit."""
    existing = reseller_deposit(reseller)
    if existing is not None:
        params = {"holder": reseller.handle, "currency": existing.currency}
        raise OperationFailed([Problem("account", BillingCode.ACCOUNT_EXISTS, params)])
    book = functools.partial(registrar_book, reseller.registrar, now)
    return _open_prepaid(book, str(reseller.id), reseller.handle, currency, now, credit_limit, principal)


def customer_account(book: Book, customer_key: str, currency: str, now: dt.datetime) -> Account:
    """A customer's receivable in a seller's book (a registrar's own customer, a reseller's registrant)."""
    return book_account(book, AccountKind.RECEIVABLE, customer_key, currency, f"receivable {customer_key}", now)
