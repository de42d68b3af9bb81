"""One domain's page: statuses, expiry, contacts, name servers, DS records, server location, its orders,
the sponsoring registrar named (PS-3.8), and the authorization code on request (confirmed, logged).

The registry is asked for what it holds now (through the registrar wing's connection); when it does not
answer, the page says so and shows what the registrar last saw. DS records and the location are the
ones the registrar's orders last sent (the registry's info does not carry them back).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from kzreg.accounts.roles import DomainAction, Permission, actions_of, permissions_of
from kzreg.cabinet import registrar_card
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.access import access_service_by_name, access_service_for_action, orders_visible_to
from kzreg.registrar.connection import DomainState, RegistryError, open_connection
from kzreg.registrar.models import Order, Service

HISTORY = 50
MODIFY_ACTIONS = (DomainAction.NAMESERVERS, DomainAction.DS_RECORDS, DomainAction.LOCATION)


def _registry_state(service: Service, principal: str) -> tuple[DomainState | None, bool]:
    """What the registry says now, and whether it answered."""
    try:
        conn = open_connection(principal)
    except RegistryError:
        return None, False
    try:
        return conn.info(service.name), True
    except RegistryError:
        return None, False
    finally:
        conn.close()


def _last_sent(orders: list[Order], key: str) -> Any:
    """The value the newest done order sent for `key` (location, ds_records), or None."""
    for order in orders:
        if order.state in ("done", "reconciled") and key in (order.request or {}):
            return order.request[key]
    return None


def domain_context(request: HttpRequest, service: Service) -> dict[str, Any]:
    state, answered = _registry_state(service, f"cabinet:{request.user.get_username()}")
    orders = list(orders_visible_to(request.user).filter(domain=service.name).order_by("-id")[:HISTORY])
    card = registrar_card.card()
    sponsor = state.registrar if state is not None else service.registrar_handle
    return {
        "service": service,
        "state": state,
        "registry_answered": answered,
        "orders": orders,
        "location": _last_sent(orders, "location"),
        "ds_records": _last_sent(orders, "ds_records") or [],
        "sponsor_name": card.name if sponsor == card.handle else sponsor,
        "sponsor_handle": sponsor,
        **may(request.user),
    }


def may(user: Any) -> dict[str, Any]:
    """What the page offers: the domain actions `accounts.roles` allows this user (a registrant: what its
    registrar allows), and the registrant change, which needs the order permission (never a registrant's)."""
    allowed = actions_of(user)
    return {
        "may": {action.value: True for action in allowed},
        "may_modify": any(action in allowed for action in MODIFY_ACTIONS),
        "may_order": Permission.ORDER in permissions_of(user),
    }


@cabinet_page
@require_http_methods(["GET", "HEAD"])
def domain_page(request: HttpRequest, name: str) -> HttpResponse:
    service = access_service_by_name(request.user, name)
    return render(request, "cabinet/pages/domain.html", domain_context(request, service))


@cabinet_page
@require_POST
def auth_code_page(request: HttpRequest, name: str) -> HttpResponse:
    """Shows the code once, in this answer only (never kept in the session); `actions.show_auth_code`
    writes who asked to the audit log."""
    service, seller = access_service_for_action(request.user, name, DomainAction.AUTH_CODE)
    context = domain_context(request, service)
    conn = open_connection(f"cabinet:{request.user.get_username()}")
    try:
        context["auth_code"] = actions.show_auth_code(conn, seller, service.name)
        context["auth_code_note"] = text("domain.auth_code_shown")
    except OperationFailed as failure:
        reason = "; ".join(p.message(current_language()) for p in failure.problems)
        context["auth_code_error"] = text("domain.auth_code_failed", reason=reason)
    except RegistryError:
        context["auth_code_error"] = text("domain.auth_code_failed", reason=text("domain.registry_unreachable"))
    finally:
        conn.close()
    return render(request, "cabinet/pages/domain.html", context)
