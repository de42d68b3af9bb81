"""The retail price list editor (issue 13 §Money, SPEC B4): a reseller sets what its registrants pay, a
registrar's staff what its own customers pay, per zone, operation and period with validity dates.

Three steps on one URL, as ordering: the form; `step=check` asks billing whether the row would be
accepted (`price_lists.set_retail_price` / `set_own_retail_price` run and rolled back, so every rule is
billing's and each problem comes back beside its field) and answers a confirmation page with the price
in force now; `step=save` adds the row. Billing keeps rows as history: a new row with a later start
replaces the old one from that day (`price_lists.retail_price` takes the latest in force).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import Permission, require
from kzreg.billing.books import registrar_book, reseller_book
from kzreg.billing.models import FeeCommand, ListPrice, OwnerKind, PriceAudience
from kzreg.billing.money import CURRENCIES, Money, MoneyError
from kzreg.billing.price_lists import retail_price, set_own_retail_price, set_retail_price
from kzreg.cabinet import display
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.money_period import today
from kzreg.cabinet.order_forms import MAX_YEARS, Typed, read
from kzreg.cabinet.texts import current_language, text
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar.access import seller_of
from kzreg.registrar.charging import registrar_of

FIELDS = ("zone", "command", "years", "amount", "currency", "valid_from", "valid_to")
COMMANDS = tuple(str(c) for c in FeeCommand)


def _owner(user: Any) -> tuple[Any, Any]:
    """(the reseller, None) for a reseller's user, (None, the registrar) for registrar staff."""
    require(user, Permission.PAY)
    seller = seller_of(user)
    if seller.reseller is not None:
        return seller.reseller, None
    return None, registrar_of(seller.registrar_handle)


def _rows_in_force_and_to_come(reseller: Any, registrar: Any) -> list[ListPrice]:
    kind, key = (OwnerKind.RESELLER, reseller.pk) if reseller else (OwnerKind.REGISTRAR, registrar.pk)
    now = clock.now()
    rows = ListPrice.objects.filter(book__owner_kind=kind, book__owner_key=str(key), audience=PriceAudience.RETAIL)
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
    return list(rows.order_by("zone", "command", "years", "valid_from", "id"))


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _read(typed: Typed) -> dict[str, Any] | None:
    """What was typed as billing's arguments; problems this page can see beside their fields."""
    values = typed.values
    typed.require("zone", "command", "amount")
    years = typed.years()
    if values["currency"] not in CURRENCIES:
        typed.add("currency", text("money.bad_currency"))
    days: dict[str, dt.date | None] = {"valid_from": None, "valid_to": None}
    for name in days:
        if values[name]:
            try:
                days[name] = dt.date.fromisoformat(values[name])
            except ValueError:
                typed.add(name, text("money.bad_date"))
    amount = None
    if values["amount"] and values["currency"] in CURRENCIES:
        try:
            amount = Money.of(values["amount"].replace(" ", "").replace(",", "."), values["currency"])
        except MoneyError:
            typed.add("amount", text("money.bad_amount"))
    if typed.errors or years is None or amount is None:
        return None
    start = days["valid_from"] or today()
    end = days["valid_to"]
    return {
        "zone": values["zone"], "command": values["command"], "years": years, "amount": amount,
        "valid_from": _midnight(start), "valid_to": _midnight(end) if end else None,
    }  # fmt: skip


def _set(reseller: Any, registrar: Any, row: dict[str, Any], principal: str) -> ListPrice:
    if reseller is not None:
        return set_retail_price(reseller, principal=principal, **row)
    return set_own_retail_price(registrar, principal=principal, **row)


def _price_now(reseller: Any, registrar: Any, saved: ListPrice) -> Money | None:
    now = clock.now()
    book = reseller_book(reseller, now) if reseller is not None else registrar_book(registrar, now)
    try:
        return retail_price(book, saved.zone, saved.command, saved.years, now)
    except OperationFailed:
        return None


def _form(request: HttpRequest, typed: Typed, rows: list[ListPrice], status: int = 200) -> HttpResponse:
    context = {
        "filters": typed, "rows": rows, "commands": COMMANDS, "currencies": tuple(CURRENCIES),
        "year_choices": range(1, MAX_YEARS + 1), "tab": "prices",
    }  # fmt: skip
    return render(request, "cabinet/pages/money_prices.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def prices_page(request: HttpRequest) -> HttpResponse:
    reseller, registrar = _owner(request.user)
    rows = _rows_in_force_and_to_come(reseller, registrar)
    typed = read(request, FIELDS)
    if request.method != "POST":
        defaults = {
            "zone": "kz",
            "command": "create",
            "years": "1",
            "currency": "KZT",
            "valid_from": today().isoformat(),
        }
        typed.values = {name: typed.values[name] or defaults.get(name, "") for name in FIELDS}
        return _form(request, typed, rows)
    row = _read(typed)
    if row is None:
        return _form(request, typed, rows, status=400)
    principal = f"cabinet:{request.user.get_username()}"
    try:
        with transaction.atomic():
            checked = _set(reseller, registrar, row, principal)
            if request.POST.get("step") != "save":
                transaction.set_rollback(True)  # only asked: billing's answer, nothing kept
    except OperationFailed as failure:
        typed.take(failure, FIELDS)
        return _form(request, typed, rows, status=400)
    if request.POST.get("step") != "save":
        context = {
            "filters": typed,
            "row": checked,
            "price_now": _price_now(reseller, registrar, checked),
            "tab": "prices",
        }
        return render(request, "cabinet/pages/money_price_confirm.html", context)
    words = {
        "command": text(f"money.command_{checked.command}"), "zone": checked.zone, "years": checked.years,
        "price": display.money(checked.amount, current_language()), "start": row["valid_from"].date().isoformat(),
    }  # fmt: skip
    messages.success(request, text("money.saved", **words))
    return redirect("cabinet:money_prices")
