"""What each kind of order sends to the registry, how the worker tells whether a lost one was done, and
what it changes in the registrar's records when it was.

Each kind is three functions over the order's stored `request` (JSON), so the worker can settle an
order long after the process that placed it is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kzreg.billing.money import Money
from kzreg.registrar import events, order_rows
from kzreg.registrar.connection import (
    CreateRequest,
    DomainState,
    Location,
    RegistryConnection,
    UpdateRequest,
)
from kzreg.registrar.models import Order, OrderKind, Service, unicode_of

Answer = dict[str, Any]


def _location(data: dict[str, str] | None) -> Location | None:
    return None if not data else Location(data["address"], data["city"], data["region"])


def add_years(when: dt.date, years: int) -> dt.date:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def _state_answer(state: DomainState) -> Answer:
    return {"expires_at": state.expires_at.isoformat(), "statuses": list(state.statuses)}


# --- create ------------------------------------------------------------------------------------


def submit_create(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    req = order.request
    state = conn.create_domain(
        CreateRequest(
            name=order.domain, years=order.years or 1, registrant=req["registrant"], admin=req["admin"],
            tech=req.get("tech") or "", nameservers=tuple(req["nameservers"]), location=_location(req["location"]),  # type: ignore[arg-type]
        )
    )  # fmt: skip
    return _state_answer(state)


def created(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    """Registered to us, for the years asked, counted from about when the order was sent."""
    if state is None or state.registrar != conn.registrar:
        return False
    expected = add_years(order.updated_at.date(), order.years or 1)
    return abs((state.expires_at.date() - expected).days) <= 2


# --- renew -------------------------------------------------------------------------------------


def submit_renew(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    current = dt.date.fromisoformat(order.request["current_expiry"])
    expires_at = conn.renew(order.domain, order.years or 1, current)
    return {"expires_at": expires_at.isoformat()}


def renewed(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    if state is None or state.registrar != conn.registrar:
        return False
    current = dt.date.fromisoformat(order.request["current_expiry"])
    return state.expires_at.date() == add_years(current, order.years or 1)


# --- modify ------------------------------------------------------------------------------------


def submit_modify(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    req = order.request
    ds = req.get("ds_records")
    conn.update(
        UpdateRequest(
            name=order.domain, nameservers=tuple(req["nameservers"]) if req.get("nameservers") is not None else None,
            admin=req.get("admin"), tech=req.get("tech"), location=_location(req.get("location")),
            ds_records=tuple(ds) if ds is not None else None,
        )
    )  # fmt: skip
    return {}


def modified(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    if state is None:
        return False
    req = order.request
    if req.get("nameservers") is not None and sorted(state.nameservers) != sorted(req["nameservers"]):
        return False
    return all(req.get(role) is None or state.contacts.get(role) == req[role] for role in ("admin", "tech"))


# --- delete ------------------------------------------------------------------------------------


def submit_delete(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    conn.delete(order.domain)
    return {}


def deleted(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    return state is None or "pendingDelete" in state.statuses


# --- transfer in -------------------------------------------------------------------------------


def submit_transfer_in(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    if not secret:  # the code is never stored: an order whose process died before sending cannot resend
        raise ValueError("a transfer is sent with its authorization code")
    answer = conn.transfer_request(order.domain, secret, order.years)
    return {"transfer": answer.status}


def transferred(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    return state is not None and (state.registrar == conn.registrar or "pendingTransfer" in state.statuses)


# --- registrant change (R14) -------------------------------------------------------------------


def submit_registrant_change(conn: RegistryConnection, order: Order, secret: str | None) -> Answer:
    conn.change_registrant(order.domain, order.request["registrant"])
    return {"registrant": order.request["registrant"]}


def registrant_changed(conn: RegistryConnection, order: Order, state: DomainState | None) -> bool:
    return state is not None and state.registrant.upper() == str(order.request["registrant"]).upper()


@dataclass(frozen=True)
class KindRules:
    submit: Callable[[RegistryConnection, Order, str | None], Answer]
    applied: Callable[[RegistryConnection, Order, DomainState | None], bool]


KINDS: dict[str, KindRules] = {
    OrderKind.CREATE: KindRules(submit_create, created),
    OrderKind.RENEW: KindRules(submit_renew, renewed),
    OrderKind.MODIFY: KindRules(submit_modify, modified),
    OrderKind.DELETE: KindRules(submit_delete, deleted),
    OrderKind.TRANSFER_IN: KindRules(submit_transfer_in, transferred),
    OrderKind.REGISTRANT_CHANGE: KindRules(submit_registrant_change, registrant_changed),
}


def fresh_values(order: Order, answer: Answer) -> dict[str, Any]:
    """What a create or a transfer in sets on its service (it starts the service anew)."""
    sponsored = order.kind == OrderKind.CREATE or answer.get("transfer") in ("clientApproved", "serverApproved")
    return {
        "name_unicode": unicode_of(order.domain),  # plain INSERTs do not run the field's pre_save
        "reseller_id": order.request.get("reseller_id"), "customer_id": order.request.get("customer_id"),
        "auto_renew": bool(order.request.get("auto_renew", False)),
        "retail_price": str(Money.from_minor(order.price_minor, order.currency)) if order.currency else "",
        "sponsored": sponsored, "statuses": answer.get("statuses", ["pendingTransfer"] if not sponsored else []),
    }  # fmt: skip


def record(order: Order, answer: Answer, now: dt.datetime) -> Service:
    """The service as the registry now has it, after the order was done."""
    service = order.service or order_rows.service_by_name(order.domain)
    # A create or transfer in starts the service anew (its `order_settled` tells it); others change it.
    fresh = order.kind in (OrderKind.CREATE, OrderKind.TRANSFER_IN)
    before = events.snapshot(service) if service is not None and not fresh else None
    if service is None:
        service = Service(name=order.domain, registrar_handle=order.registrar_handle, created_at=now)
    if fresh:
        for name, value in fresh_values(order, answer).items():
            setattr(service, name, value)
    if "expires_at" in answer:
        service.expires_at = dt.datetime.fromisoformat(answer["expires_at"])
    if order.kind == OrderKind.REGISTRANT_CHANGE:
        service.customer_id = order.request["customer_id"]
    if order.kind == OrderKind.DELETE:
        service.statuses = ["pendingDelete"]
        service.auto_renew = False
    service.last_synced_at = now
    if service._state.adding:
        order_rows.save_new(service)  # a created domain's new service: one plain INSERT
    else:
        service.save()
    if before is not None:
        events.changed(service, before, now)
    return service
