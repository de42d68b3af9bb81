"""The registrar staff's pages (issue 13 §Registrar staff; S7, PS-4.5, PS-8): the resellers, one
reseller (contract, status, wholesale price group, its orders over a period), the audit report of the
requests a reseller processed over a period with a CSV export, and the log of views of personal data.

Only users with registrar roles open them (`staff_period.staff_only`: a reseller's user gets 403); rows
are read through `registrar.access` (`resellers_visible_to`, `access_reseller_by_id`,
`orders_visible_to`, `personal_data_views_visible_to`), so another registrar's reseller is a 404. Staff
with the administration role also see the forms of `staff_reseller_forms` (create, contract, status,
price group, through `resellers.management`) and every page shows the reseller's history of changes.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.billing.money import Money
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import SortOption, as_id, keyset_page
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.staff_period import read_period, staff_only
from kzreg.cabinet.texts import text
from kzreg.registrar.access import (
    access_reseller_by_id,
    orders_visible_to,
    personal_data_views_visible_to,
    resellers_visible_to,
)
from kzreg.registrar.models import Order
from kzreg.resellers import management
from kzreg.resellers.models import Reseller

HISTORY_ROWS = 50  # the newest changes; `kzreg reseller show` lists them all
RESELLER_SORTS = (SortOption("handle", "handle", unique=True), SortOption("name", "name"))
ORDER_SORTS = (SortOption("when", "created_at", dt.datetime.fromisoformat),)
VIEW_SORTS = (SortOption("at", "at", dt.datetime.fromisoformat),)
CSV_COLUMNS = ("order", "created_at", "updated_at", "kind", "domain", "years", "state", "price", "currency",
               "principal", "idempotency_key")  # fmt: skip


@cabinet_page
def resellers_page(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    page = keyset_page(resellers_visible_to(request.user), RESELLER_SORTS, request.GET.get("sort", ""),
                       request.GET.get("after", ""))  # fmt: skip
    context = {"page": page, "manages": management.may_manage(request.user)}
    return render(request, "cabinet/pages/staff_resellers.html", context)


def _reseller(request: HttpRequest) -> Reseller:
    staff_only(request.user)
    return access_reseller_by_id(request.user, as_id(request.GET.get("reseller", "")))


def _orders(user: Any, reseller: Reseller, start: dt.datetime, end: dt.datetime) -> QuerySet[Order]:
    """The requests the reseller processed in the period: the orders it paid for (S7)."""
    rows = orders_visible_to(user).filter(payer=f"reseller:{reseller.pk}")
    return rows.filter(created_at__gte=start, created_at__lt=end)


@cabinet_page
def reseller_page(request: HttpRequest) -> HttpResponse:
    return render_reseller(request, _reseller(request))


def render_reseller(request: HttpRequest, reseller: Reseller, group_form: Typed | None = None,
                    status: int = 200) -> HttpResponse:  # fmt: skip
    """One reseller's page; `group_form` is a refused price group form shown as typed."""
    period = read_period(request, ("reseller",))
    group = management.price_group_of(reseller)
    activity: list[dict[str, Any]] = []
    if period.valid:
        grouped = (
            _orders(request.user, reseller, period.start, period.end)
            .values("kind", "state", "currency").annotate(count=Count("id"), total=Sum("price_minor"))
            .order_by("kind", "state", "currency")
        )  # fmt: skip
        for row in grouped:
            total = Money.from_minor(row["total"] or 0, row["currency"]) if row["currency"] else None
            activity.append({**row, "amount": total})
    manages = management.may_manage(request.user)
    context = {
        "reseller": reseller, "group": group, "filters": period.typed, "activity": activity, "manages": manages,
        "groups": management.group_names(reseller.registrar_id) if manages else [],
        "group_form": group_form or Typed({"group": group.name if group else ""}),
        "events": management.events_of(reseller)[:HISTORY_ROWS],
    }  # fmt: skip
    return render(request, "cabinet/pages/staff_reseller.html", context, status=status)


@cabinet_page
def audit_page(request: HttpRequest) -> HttpResponse:
    """The audit report (S7, PS-4.5): every order the reseller paid for in the period; `format=csv`
    answers all of them as a CSV file, the page shows them in keyset pages."""
    reseller = _reseller(request)
    period = read_period(request, ("reseller",))
    if not period.valid:
        context = {"reseller": reseller, "filters": period.typed, "page": None}
        return render(request, "cabinet/pages/staff_audit.html", context, status=400)
    rows = _orders(request.user, reseller, period.start, period.end)
    if request.GET.get("format") == "csv":
        return _csv(reseller, period.typed.values, rows)
    page = keyset_page(rows, ORDER_SORTS, request.GET.get("sort", ""), request.GET.get("after", ""))
    for order in page.rows:
        order.price = Money.from_minor(order.price_minor, order.currency) if order.currency else None
    context = {"reseller": reseller, "filters": period.typed, "page": page}
    return render(request, "cabinet/pages/staff_audit.html", context)


def _csv(reseller: Reseller, values: dict[str, str], rows: QuerySet[Order]) -> HttpResponse:
    """All the period's rows, read in chunks (the answer is built in memory: a few MB for 100,000)."""
    name = f"audit-{reseller.handle}-{values['from']}-{values['to']}.csv"
    answer = HttpResponse(content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(answer)
    writer.writerow(CSV_COLUMNS)
    for o in rows.order_by("created_at", "id").iterator(chunk_size=2000):
        price = Money.from_minor(o.price_minor, o.currency).plain if o.currency else ""
        writer.writerow((o.pk, o.created_at.isoformat(), o.updated_at.isoformat(), o.kind, o.domain, o.years or "",
                         o.state, price, o.currency, o.principal, o.idempotency_key))  # fmt: skip
    return answer


@cabinet_page
def data_views_page(request: HttpRequest) -> HttpResponse:
    """Who saw whose personal data (PS-8, C4): filtered by user, customer and period, newest first."""
    staff_only(request.user)
    period = read_period(request, ("user", "customer"))
    values = period.typed.values
    if values["customer"] and not as_id(values["customer"]):
        period.typed.add("customer", text("views.bad_customer"))
    page = None
    if period.valid:
        rows = personal_data_views_visible_to(request.user).filter(at__gte=period.start, at__lt=period.end)
        if values["user"]:
            rows = rows.filter(username=values["user"])
        if values["customer"]:
            rows = rows.filter(customer_key=as_id(values["customer"]))
        page = keyset_page(rows, VIEW_SORTS, request.GET.get("sort", "-at"), request.GET.get("after", ""))
    status = 200 if period.valid else 400
    return render(request, "cabinet/pages/staff_data_views.html", {"filters": period.typed, "page": page},
                  status=status)  # fmt: skip
