"""Renewing a domain: the period, then the price and the rights links (S5) on a confirmation page, then
`registrar.actions.order_renew` with the key the confirmation carried (sent twice: one order; the
registry refuses a second renewal of the same period anyway).

A registrant renews its own domain when its registrar allows it (`access.access_service_for_action`),
as its seller: a reseller's customer's renewal is paid from the reseller's deposit, as when the reseller
orders it (the confirmation names the reseller and does not show its wholesale price: the reseller bills
the registrant by its own prices); a registrar's own customer pays the registrar's retail price, shown.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import DomainAction, is_registrant
from kzreg.cabinet import registrar_card
from kzreg.cabinet.display import unicode_name
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.order_forms import MAX_YEARS, Typed, new_key, read, report
from kzreg.cabinet.texts import text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.access import access_service_for_action
from kzreg.registrar.connection import open_connection
from kzreg.registrar.models import Service

FIELDS = ("years", "key")


def _form(request: HttpRequest, service: Service, typed: Typed, status: int = 200) -> HttpResponse:
    context = {"service": service, "filters": typed, "year_choices": range(1, MAX_YEARS + 1)}
    return render(request, "cabinet/pages/order_renew.html", context, status=status)


def _registrant_payer(service: Service, quote: dict[str, Any]) -> str:
    """Who pays a registrant's renewal, said on its confirmation page; a reseller's wholesale price is not
    the registrant's business, so it is taken off the page."""
    if service.reseller is not None:
        quote["price"] = None
        return text("order.registrant_reseller_pays", reseller=service.reseller.name)
    return text("order.registrant_registrar_pays", registrar=registrar_card.card().name)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def renew_page(request: HttpRequest, name: str) -> HttpResponse:
    service, seller = access_service_for_action(request.user, name, DomainAction.RENEW)
    typed = read(request, FIELDS)
    if request.method != "POST":
        typed.values["years"] = typed.values["years"] or "1"
        return _form(request, service, typed)
    years = typed.years()
    if years is None:
        return _form(request, service, typed, status=400)
    try:
        price = actions.quote(seller, "renew", service.name, years, service.customer_id)
    except OperationFailed as failure:
        typed.take(failure, ("years",))
        return _form(request, service, typed, status=400)
    if request.POST.get("step") != "confirm" or not typed.values["key"].startswith("cabinet-renew-"):
        quote: dict[str, Any] = {"years": years, "price": price}
        context: dict[str, Any] = {
            "filters": typed, "quote": quote, "key": new_key("renew"),
            "shown_name": unicode_name(service.name), "kind_key": "kind.renew",
            "back_url": reverse("cabinet:domain", args=[service.name]),
        }  # fmt: skip
        if is_registrant(request.user):
            context["payer_note"] = _registrant_payer(service, quote)
        return render(request, "cabinet/pages/order_confirm.html", context)
    conn = open_connection(f"cabinet:{request.user.get_username()}")
    try:
        order = actions.order_renew(conn, seller, service.name, years, typed.values["key"])
    except OperationFailed as failure:
        typed.take(failure, ("years",))
        return _form(request, service, typed, status=400)
    finally:
        conn.close()
    report(request, order)
    return redirect("cabinet:domain", name=service.name)
