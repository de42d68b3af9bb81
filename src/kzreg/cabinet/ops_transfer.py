"""Transferring a domain in from another registrar with its authorization code (`/cabinet/transfer/`):
the name, the code, the registrant and the period, then the price on a confirmation page with the rights
links (S5), then `actions.order_transfer_in`. The code goes to the registry and is never stored (the
confirmation page carries it back in its form, as the person typed it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import Permission, require
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.ops_common import customers_offered, place
from kzreg.cabinet.ops_domain import confirmation
from kzreg.cabinet.order_forms import MAX_YEARS, Typed, read, report
from kzreg.cabinet.texts import text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.access import access_customer_by_id, seller_of

FIELDS = ("name", "auth_code", "customer", "years", "key")
KNOWN = ("name", "auth_code", "customer", "years")


def _form(request: HttpRequest, typed: Typed, status: int = 200) -> HttpResponse:
    context = {"filters": typed, "customers": customers_offered(request), "year_choices": range(1, MAX_YEARS + 1)}
    return render(request, "cabinet/pages/ops_transfer.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def transfer_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.ORDER)  # a viewer, a registrant: refused before anything is shown
    seller = seller_of(request.user)
    typed = read(request, FIELDS)
    if request.method != "POST":
        typed.values["years"] = typed.values["years"] or "1"
        return _form(request, typed)
    typed.require("name", "auth_code", "customer")
    years = typed.years()
    customer = None
    if typed.values["customer"]:
        customer = access_customer_by_id(request.user, as_id(typed.values["customer"]), Permission.ORDER)
    if customer is None or years is None or typed.errors:
        return _form(request, typed, status=400)
    name = actions.a_label(typed.values["name"])
    if request.POST.get("step") != "confirm" or not typed.values["key"].startswith("cabinet-transfer-"):
        try:
            price = actions.quote(seller, "transfer_in", name, years, customer.pk)
        except OperationFailed as failure:
            typed.take(failure, KNOWN)
            return _form(request, typed, status=400)
        rows = [(text("domains.registrant"), customer.organisation or customer.name), (text("order.years"), str(years))]
        return confirmation(request, typed, "transfer", name, rows, price, None)
    key, auth_code, chosen = typed.values["key"], typed.values["auth_code"], customer.pk
    order = place(request, typed, KNOWN,
                  lambda conn: actions.order_transfer_in(conn, seller, name, auth_code, chosen, key, years))  # fmt: skip
    if order is None:
        return _form(request, typed, status=400)
    report(request, order)
    if order.state in ("done", "reconciled"):
        messages.info(request, text("ops.transfer_pending"))
    return redirect("cabinet:dashboard")
