"""Ordering a new domain: the form (availability, registrant, name servers, server location, period),
then the price quote and the registrant rights links (S5, PS-3.11) on a confirmation page, then the order.

Three steps, one URL: GET shows the form; POST `step=quote` checks availability and asks the registrar
wing for the price, answering the confirmation page (or the form again, each problem beside its field);
POST `step=confirm` places the order with the key the confirmation page carried, so sending it twice is
one order. The order itself is `registrar.actions.order_create`, as in the API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import Permission
from kzreg.cabinet.display import unicode_name
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.order_forms import MAX_YEARS, Typed, new_key, read, report
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.access import access_customer_by_id, customers_visible_to, seller_of
from kzreg.registrar.connection import RegistryError, open_connection

FIELDS = ("name", "customer", "nameservers", "address", "city", "region", "years", "auto_renew", "key")
KNOWN = ("name", "customer", "nameservers", "address", "city", "region", "years")
CUSTOMERS_OFFERED = 500


def _nameservers(typed: Typed) -> list[str]:
    return [
        line.strip().lower() for line in typed.values["nameservers"].replace(",", "\n").splitlines() if line.strip()
    ]


def _location(typed: Typed) -> dict[str, str]:
    return {part: typed.values[part] for part in ("address", "city", "region")}


def _check(request: HttpRequest, typed: Typed, confirming: bool) -> dict[str, Any] | None:
    """Everything the confirmation page shows, or None with the problems in `typed`. Confirming, the
    availability and price are the order's own to check (a confirmation sent again finds its order)."""
    typed.require("name", "customer", "nameservers", "address", "city", "region")
    years = typed.years()
    customer = None
    if typed.values["customer"]:
        customer = access_customer_by_id(request.user, as_id(typed.values["customer"]), Permission.ORDER)
    if typed.errors:
        return None
    name = actions.a_label(typed.values["name"])
    quote = {"name": name, "customer": customer, "years": years, "nameservers": _nameservers(typed)}
    if confirming:
        return quote
    try:
        available = actions.check(open_connection(f"cabinet:{request.user.get_username()}"), [name])[0]
    except RegistryError:
        typed.add("", text("search.unavailable"))
        return None
    if not available.available:
        typed.add("name", available.message(current_language()) or text("search.taken"))
        return None
    try:
        price = actions.quote(seller_of(request.user), "create", name, years, customer.pk if customer else None)
    except OperationFailed as failure:
        typed.take(failure, KNOWN)
        return None
    return {**quote, "price": price}


def _form(request: HttpRequest, typed: Typed, status: int = 200) -> HttpResponse:
    customers = customers_visible_to(request.user, Permission.ORDER).order_by("name")[:CUSTOMERS_OFFERED]
    context = {"filters": typed, "customers": customers, "year_choices": range(1, MAX_YEARS + 1)}
    return render(request, "cabinet/pages/order_new.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def order_new_page(request: HttpRequest) -> HttpResponse:
    seller_of(request.user)  # registrants and users without a seller: refused before anything is shown
    typed = read(request, FIELDS)
    if request.method != "POST":
        typed.values["years"] = typed.values["years"] or "1"
        return _form(request, typed)
    confirming = request.POST.get("step") == "confirm" and typed.values["key"].startswith("cabinet-create-")
    quote = _check(request, typed, confirming)
    if quote is None:
        return _form(request, typed, status=400)
    if not confirming:
        back = {k: v for k, v in typed.values.items() if k != "key"}
        context = {
            "filters": typed, "quote": quote, "key": new_key("create"), "shown_name": unicode_name(quote["name"]),
            "back_url": f"{reverse('cabinet:order_new')}?{urlencode(back)}",
        }  # fmt: skip
        return render(request, "cabinet/pages/order_confirm.html", context)
    try:
        order = actions.order_create(
            open_connection(f"cabinet:{request.user.get_username()}"), seller_of(request.user),
            name=quote["name"], years=quote["years"], customer_id=quote["customer"].pk,
            nameservers=quote["nameservers"], location=_location(typed), key=typed.values["key"],
            auto_renew=typed.values["auto_renew"] == "on",
        )  # fmt: skip
    except OperationFailed as failure:
        typed.take(failure, KNOWN)
        return _form(request, typed, status=400)
    report(request, order)
    if order.state in ("done", "reconciled"):
        return redirect("cabinet:domain", name=order.domain)
    return redirect("cabinet:dashboard")
