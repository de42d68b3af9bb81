"""Service events: what happened to a registrar's domain, written in the transaction of the change.

`changed(service, before, now)` compares a service with the values it had (`snapshot`) and writes an
event per kind of difference — expiry changed, statuses changed, transferred in or out, deleted — and
`order_settled(order, now)` one per order that reached its end. Each event is queued at once for every
webhook that may see it (`WebhookDelivery`, the HTTP outbox): the domain's reseller's hooks, and the
registrar's own hooks (reseller None), which see every domain it sponsors. The worker posts them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import router

from kzreg.registrar import order_rows
from kzreg.registrar.models import EventKind, Order, OrderState, Service, ServiceEvent

TRACKED = ("expires_at", "statuses", "sponsored")
FINAL = (OrderState.DONE, OrderState.FAILED, OrderState.RECONCILED)


def snapshot(service: Service) -> dict[str, Any]:
    return {name: getattr(service, name) for name in TRACKED} | {"statuses": list(service.statuses or [])}


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def emit(
    kind: str, domain: str, registrar_handle: str, reseller_id: int | None, data: dict[str, Any], now: dt.datetime,
    service: Service | None = None,
) -> ServiceEvent:  # fmt: skip
    """One event and its deliveries (the caller's transaction holds both): one plain statement on
    PostgreSQL (`order_rows.insert_service_event`; every settled order writes one)."""
    values = {"service_id": service.pk if service is not None else None, "domain": domain,
              "registrar_handle": registrar_handle, "reseller_id": reseller_id, "kind": kind, "data": data, "at": now}  # fmt: skip
    event = ServiceEvent(id=order_rows.insert_service_event(values), **values)
    event._state.adding, event._state.db = False, router.db_for_write(ServiceEvent)
    return event


def _service_event(service: Service, kind: str, data: dict[str, Any], now: dt.datetime) -> None:
    emit(kind, service.name, service.registrar_handle, service.reseller_id, data, now, service)


def changed(service: Service, before: dict[str, Any], now: dt.datetime) -> list[str]:
    """Events for what differs between `before` and the service now; their kinds."""
    after = snapshot(service)
    kinds: list[str] = []
    if before["sponsored"] != after["sponsored"]:
        if after["sponsored"]:
            kinds.append(EventKind.TRANSFER_DONE)
            _service_event(service, EventKind.TRANSFER_DONE,
                           {"direction": "in", "expires_at": _when(service.expires_at)}, now)  # fmt: skip
        elif "deleted" in after["statuses"]:
            kinds.append(EventKind.DELETED)
            _service_event(service, EventKind.DELETED, {}, now)
        else:
            kinds.append(EventKind.TRANSFER_DONE)
            _service_event(service, EventKind.TRANSFER_DONE, {"direction": "out"}, now)
        return kinds
    if after["sponsored"] and before["expires_at"] != after["expires_at"]:
        kinds.append(EventKind.EXPIRY_CHANGED)
        _service_event(service, EventKind.EXPIRY_CHANGED,
                       {"from": _when(before["expires_at"]), "to": _when(after["expires_at"])}, now)  # fmt: skip
    if sorted(before["statuses"]) != sorted(after["statuses"]):
        kinds.append(EventKind.STATUS_CHANGED)
        _service_event(service, EventKind.STATUS_CHANGED,
                       {"from": sorted(before["statuses"]), "to": sorted(after["statuses"])}, now)  # fmt: skip
    return kinds


def settled_data(order: Order) -> dict[str, Any]:
    """What an order's `order_settled` event says."""
    return {"order": order.pk, "kind": order.kind, "state": order.state,
            "outcome": order.answer.get("outcome", order.state)}  # fmt: skip


def order_settled(order: Order, now: dt.datetime) -> None:
    """An order reached its end (done, failed, reconciled): its seller hears which."""
    if order.state not in FINAL:
        return
    service = order.service
    reseller_id = service.reseller_id if service is not None else order.request.get("reseller_id")
    emit(EventKind.ORDER_SETTLED, order.domain, order.registrar_handle, reseller_id, settled_data(order), now, service)
