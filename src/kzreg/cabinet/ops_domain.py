"""Changing one domain from its page: name servers, administrative contact, DS records and server location
(`actions.order_modify`), deletion behind a confirmation (`actions.order_delete`), and a new registrant
(R14, `actions.order_registrant_change`).

Every form carries an idempotency key made when it was shown, so a double click is one order. The modify
form starts from what the registry and the last orders hold; only the parts that differ are sent, and
sending none is the wing's NOTHING_TO_CHANGE, shown at the top of the form.

A registrant changes what its registrar allows (`accounts.roles.DomainAction`: name servers, DS records,
server location; deletion) on its own domains, placed as the domain's seller
(`access.access_service_for_action`); the form shows only those parts, and a part it does not show, sent
anyway and different, is 403 (as is an administrative contact: that needs the order permission).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kzreg.accounts.roles import DomainAction, Permission, actions_of, permissions_of, require_action
from kzreg.cabinet.display import unicode_name
from kzreg.cabinet.domain_page import domain_context
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.ops_common import customers_offered, lines_of, place
from kzreg.cabinet.order_forms import SUCCESS, Typed, new_key, read, report
from kzreg.cabinet.texts import text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.access import access_customer_by_id, access_service_by_name, access_service_for_action, seller_of
from kzreg.registrar.models import Service

MODIFY_FIELDS = ("nameservers", "admin", "ds_records", "address", "city", "region", "key")
MODIFY_KNOWN = ("nameservers", "admin", "ds_records", "address", "city", "region")
LOCATION = ("address", "city", "region")
KINDS = {"registrant": "registrant_change", "transfer": "transfer_in"}  # confirmation key prefix → order kind
PART_ACTIONS = {"nameservers": DomainAction.NAMESERVERS, "ds_records": DomainAction.DS_RECORDS,
                "location": DomainAction.LOCATION}  # fmt: skip


def _current(request: HttpRequest, service: Service) -> dict[str, str]:
    """The modify form's starting values: the registry's name servers, the last orders' DS and location."""
    context = domain_context(request, service)
    state, location = context["state"], context["location"] or {}
    return {
        "nameservers": "\n".join(state.nameservers) if state is not None else "",
        "admin": "",
        "ds_records": "\n".join(context["ds_records"]),
        **{part: str(location.get(part, "")) for part in LOCATION},
    }


def _parts(user: Any) -> list[str]:
    """The parts of the modify form this user may change (403 when none)."""
    allowed = actions_of(user)
    parts = [part for part, action in PART_ACTIONS.items() if action in allowed]
    if not parts:
        require_action(user, DomainAction.NAMESERVERS)
    return parts


def _modify_form(
    request: HttpRequest, service: Service, typed: Typed, parts: list[str], status: int = 200
) -> HttpResponse:
    typed.values["key"] = new_key("modify")  # a failed or refused try keeps nothing of its key
    may_order = Permission.ORDER in permissions_of(request.user)
    context = {
        "service": service, "filters": typed, "parts": parts, "may_order": may_order,
        "customers": customers_offered(request) if may_order else [],
    }  # fmt: skip
    return render(request, "cabinet/pages/ops_modify.html", context, status=status)


def _changes(request: HttpRequest, typed: Typed, current: dict[str, str], parts: list[str]) -> dict[str, Any]:
    """The keyword arguments of `order_modify`: only what differs from the current values. A part the
    form did not show is unchanged unless it was sent, and then it must be allowed."""
    for part in PART_ACTIONS:
        names = LOCATION if part == "location" else (part,)
        if part not in parts and not any(name in request.POST for name in names):
            typed.values.update({name: current[name] for name in names})
    changes: dict[str, Any] = {}
    if lines_of(typed.values["nameservers"]) != lines_of(current["nameservers"]):
        typed.require("nameservers")
        changes["nameservers"] = lines_of(typed.values["nameservers"])
    if typed.values["admin"]:
        changes["admin_customer_id"] = access_customer_by_id(request.user, as_id(typed.values["admin"]),
                                                             Permission.ORDER).pk  # fmt: skip
    if typed.values["ds_records"].splitlines() != current["ds_records"].splitlines():
        changes["ds_records"] = [ds.strip() for ds in typed.values["ds_records"].splitlines() if ds.strip()]
    if any(typed.values[part] != current[part] for part in LOCATION):
        typed.require(*LOCATION)
        changes["location"] = {part: typed.values[part] for part in LOCATION}
    for part in changes.keys() & PART_ACTIONS.keys():
        require_action(request.user, PART_ACTIONS[part])
    return changes


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def modify_page(request: HttpRequest, name: str) -> HttpResponse:
    parts = _parts(request.user)
    service, seller = access_service_for_action(request.user, name, PART_ACTIONS[parts[0]])
    current = _current(request, service)
    if request.method != "POST":
        return _modify_form(request, service, Typed(dict(current)), parts)
    typed = read(request, MODIFY_FIELDS)
    changes = _changes(request, typed, current, parts)
    if typed.errors:
        return _modify_form(request, service, typed, parts, status=400)
    key = typed.values["key"]
    order = place(request, typed, MODIFY_KNOWN, lambda conn: actions.order_modify(conn, seller, service.name, key,
                                                                                     **changes))  # fmt: skip
    if order is None:
        return _modify_form(request, service, typed, parts, status=400)
    report(request, order)
    return redirect("cabinet:domain", name=service.name)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def delete_page(request: HttpRequest, name: str) -> HttpResponse:
    """GET: what deleting means and the button (behind the dialog); POST: the order."""
    service, seller = access_service_for_action(request.user, name, DomainAction.DELETE)
    typed = read(request, ("key",))
    if request.method == "POST" and typed.values["key"].startswith("cabinet-delete-"):
        key = typed.values["key"]
        order = place(request, typed, (), lambda conn: actions.order_delete(conn, seller, service.name, key))
        if order is not None:
            report(request, order)
            if order.state in SUCCESS:
                return redirect("cabinet:domains")
            return redirect("cabinet:domain", name=service.name)
    typed.values["key"] = new_key("delete")
    status = 400 if typed.errors else 200
    return render(request, "cabinet/pages/ops_delete.html", {"service": service, "filters": typed}, status=status)


def _registrant_form(request: HttpRequest, service: Service, typed: Typed, status: int = 200) -> HttpResponse:
    others = customers_offered(request, leave_out=service.customer_id)
    current = service.customer.organisation or service.customer.name if service.customer else "—"
    context = {"service": service, "filters": typed, "customers": others, "current": current}
    return render(request, "cabinet/pages/ops_registrant.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def registrant_page(request: HttpRequest, name: str) -> HttpResponse:
    """The form; `step=quote` a confirmation naming both registrants and the price (free unless billing
    prices it); `step=confirm` the order with the key the confirmation carried."""
    service = access_service_by_name(request.user, name, Permission.ORDER)
    seller = seller_of(request.user)
    typed = read(request, ("customer", "key"))
    if request.method != "POST":
        return _registrant_form(request, service, typed)
    typed.require("customer")
    customer = None
    if typed.values["customer"]:
        customer = access_customer_by_id(request.user, as_id(typed.values["customer"]), Permission.ORDER)
    if customer is None or typed.errors:
        return _registrant_form(request, service, typed, status=400)
    if request.POST.get("step") != "confirm" or not typed.values["key"].startswith("cabinet-registrant-"):
        try:
            price = actions.quote(seller, "registrant_change", service.name, None, customer.pk)
        except OperationFailed as failure:
            typed.take(failure, ("customer",))
            return _registrant_form(request, service, typed, status=400)
        rows = [(text("domains.registrant"), customer.organisation or customer.name)]
        return confirmation(request, typed, "registrant", service.name, rows, price, service.name)
    key = typed.values["key"]
    chosen = customer.pk
    order = place(request, typed, ("customer",),
                  lambda conn: actions.order_registrant_change(conn, seller, service.name, chosen, key))  # fmt: skip
    if order is None:
        return _registrant_form(request, service, typed, status=400)
    report(request, order)
    return redirect("cabinet:domain", name=service.name)


def confirmation(
    request: HttpRequest, typed: Typed, kind: str, name: str, rows: list[tuple[str, str]], price: Any,
    back_name: str | None,
) -> HttpResponse:  # fmt: skip
    """The confirmation page: what will be done, its price, and the form that places it with a new key."""
    back = reverse("cabinet:domain", args=[back_name]) if back_name else request.path
    context = {
        "filters": typed, "key": new_key(kind), "shown_name": unicode_name(name), "kind_key": f"kind.{KINDS[kind]}",
        "rows": rows, "price": price, "paid": price is not None and price.minor != 0, "back_url": back,
    }  # fmt: skip
    return render(request, "cabinet/pages/ops_confirm.html", context)
