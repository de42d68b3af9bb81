"""The registrar side's price lists (B4): a registrar's wholesale prices to its resellers, and retail
prices to registrants, set by each seller (a reseller for its registrants, a registrar for its own
customers). Rows live with the seller's book (`ListPrice`), with validity periods, per zone, fee command
and period in years, in KZT or USD.

Wholesale lookup, most specific first: the reseller's own row, its group's row, the registrar's row for
all its resellers. No row in force is an error naming the seller (`billing_no_list_price`): unlike the
registry's fee there is no configured default — a registrar decides what its resellers pay.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from kzreg.billing.books import registrar_book, reseller_book
from kzreg.billing.models import Book, ListPrice, OwnerKind, PriceAudience, ResellerGroup, ResellerGroupMember
from kzreg.billing.money import Money
from kzreg.billing.prices import clean_request
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def create_group(registrar: Any, name: str, now: dt.datetime) -> ResellerGroup:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise OperationFailed([Problem("name", Code.INVALID, {"value": name})])
    group, _ = ResellerGroup.objects.get_or_create(registrar_id=registrar.id, name=name, defaults={"created_at": now})
    return group


def assign_group(reseller: Any, group: ResellerGroup | None, now: dt.datetime) -> None:
    """Puts the reseller in the group (one group at most), or in none; the group must be its registrar's."""
    if group is None:
        ResellerGroupMember.objects.filter(reseller_id=reseller.id).delete()
        return
    if group.registrar_id != reseller.registrar_id:
        raise OperationFailed([Problem("group", BooksCode.GROUP_OTHER_REGISTRAR, {"value": group.name})])
    ResellerGroupMember.objects.update_or_create(reseller_id=reseller.id, defaults={"group": group, "assigned_at": now})


def _add_row(
    book: Book,
    audience: PriceAudience,
    request: tuple[str, str, object],
    amount: Money,
    principal: str,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None,
    reseller_id: int | None = None,
    group: ResellerGroup | None = None,
) -> ListPrice:
    problems: list[Problem] = []
    try:
        zone, command, years = clean_request(*request)
    except OperationFailed as refusal:
        problems += refusal.problems
    if amount.minor < 0:
        problems.append(Problem("amount", BillingCode.AMOUNT_NEGATIVE, {"value": amount.plain}))
    if valid_to is not None and valid_to <= valid_from:
        params = {"value": valid_to.isoformat(), "start": valid_from.isoformat()}
        problems.append(Problem("valid_to", BooksCode.DATE_ORDER, params))
    if problems:
        raise OperationFailed(problems)
    return ListPrice.objects.create(
        book=book, audience=audience, reseller_id=reseller_id, group=group, zone=zone, command=command,
        years=years, amount_minor=amount.minor, currency=amount.currency, valid_from=valid_from,
        valid_to=valid_to, entered_by=principal,
    )  # fmt: skip


def set_wholesale_price(
    registrar: Any,
    zone: str,
    command: str,
    years: object,
    amount: Money,
    principal: str,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None = None,
    reseller: Any = None,
    group: ResellerGroup | None = None,
) -> ListPrice:
    """A registrar's wholesale price for one reseller, one group, or (neither) all its resellers."""
    if reseller is not None and group is not None:
        raise OperationFailed([Problem("group", BooksCode.PRICE_TARGET)])
    if reseller is not None and reseller.registrar_id != registrar.id:
        raise OperationFailed([Problem("reseller", Code.NOT_FOUND, {"kind": "reseller", "key": reseller.handle})])
    if group is not None and group.registrar_id != registrar.id:
        raise OperationFailed([Problem("group", BooksCode.GROUP_OTHER_REGISTRAR, {"value": group.name})])
    book = registrar_book(registrar, valid_from)
    reseller_id = reseller.id if reseller is not None else None
    request = (zone, command, years)
    return _add_row(book, PriceAudience.WHOLESALE, request, amount, principal, valid_from, valid_to, reseller_id, group)


def set_retail_price(
    reseller: Any,
    zone: str,
    command: str,
    years: object,
    amount: Money,
    principal: str,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None = None,
) -> ListPrice:
    """The reseller's own price to its registrants (set by the reseller; the cabinet calls this later)."""
    book = reseller_book(reseller, valid_from)
    return _add_row(book, PriceAudience.RETAIL, (zone, command, years), amount, principal, valid_from, valid_to)


def set_own_retail_price(
    registrar: Any,
    zone: str,
    command: str,
    years: object,
    amount: Money,
    principal: str,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None = None,
) -> ListPrice:
    """The registrar's price to its own customers (those who come without a reseller)."""
    book = registrar_book(registrar, valid_from)
    return _add_row(book, PriceAudience.RETAIL, (zone, command, years), amount, principal, valid_from, valid_to)


def _in_force(rows: Any, at: dt.datetime) -> ListPrice | None:
    return (
        rows.filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .order_by("-valid_from", "-id")
        .first()
    )


def wholesale_price(reseller: Any, zone: str, command: str, years: int, at: dt.datetime) -> Money:
    """What the reseller pays its registrar: its own row, else its group's, else the registrar's for all."""
    rows = ListPrice.objects.filter(
        book=registrar_book(reseller.registrar, at),
        audience=PriceAudience.WHOLESALE,
        zone=zone,
        command=command,
        years=years,
    )
    group_id = ResellerGroupMember.objects.filter(reseller_id=reseller.id).values_list("group_id", flat=True).first()
    candidates = [rows.filter(reseller_id=reseller.id)]
    if group_id is not None:
        candidates.append(rows.filter(group_id=group_id))
    candidates.append(rows.filter(reseller_id__isnull=True, group__isnull=True))
    for candidate in candidates:
        row = _in_force(candidate, at)
        if row is not None:
            return row.amount
    raise _no_price(reseller.registrar.handle, zone, command, years)


def retail_price(book: Book, zone: str, command: str, years: int, at: dt.datetime) -> Money:
    """A seller's retail price (a reseller's to its registrants, a registrar's to its own customers)."""
    rows = ListPrice.objects.filter(book=book, audience=PriceAudience.RETAIL, zone=zone, command=command, years=years)
    row = _in_force(rows, at)
    if row is None:
        raise _no_price(book.name, zone, command, years)
    return row.amount


def offered_retail_price(
    owner_kind: OwnerKind, owner_id: int, zone: str, command: str, years: int, at: dt.datetime
) -> Money | None:
    """A seller's retail price in force, or None where the seller keeps no book or no such row: for a text
    that mentions the price (an expiry reminder), read without opening a book as `retail_price`'s callers do."""
    book = Book.objects.filter(owner_kind=owner_kind, owner_key=str(owner_id)).first()
    if book is None:
        return None
    rows = ListPrice.objects.filter(book=book, audience=PriceAudience.RETAIL, zone=zone, command=command, years=years)
    row = _in_force(rows, at)
    return row.amount if row is not None else None


def _no_price(seller: str, zone: str, command: str, years: int) -> OperationFailed:
    params = {"seller": seller, "zone": zone, "command": command, "years": years}
    return OperationFailed([Problem("price", BooksCode.NO_LIST_PRICE, params)])
