"""The worker's settling of orders whose outcome nobody recorded (`unknown`, or stuck mid-way).

- `charged` for longer than `SETTLE_AFTER_MINUTES`: its process died before sending (an order is
  `submitted` before anything leaves), so the registry never saw it: failed and refunded.
- `submitted` that long: its process died while sending: it becomes `unknown`.
- `unknown`: the registry is asked (`info`); if it did what the order asked (`order_kinds`), the order is
  `reconciled` with outcome `done` and the service recorded; otherwise `reconciled` with outcome
  `refunded` and the charge reversed. If the registry cannot be asked now, the order waits for the next run.

On PostgreSQL several workers share the rows (`FOR UPDATE SKIP LOCKED`); each order is settled in its
own transaction, so one registry error stops nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import connections, router, transaction

from kzreg.core import clock
from kzreg.registrar.connection import RegistryConnection, RegistryError, registrar_settings
from kzreg.registrar.models import Order, OrderState, in_flight
from kzreg.registrar.order_kinds import KINDS, record
from kzreg.registrar.orders import move, refund_fields

log = logging.getLogger("kzreg.registrar.settle")
PRINCIPAL = "worker:settle-orders"


def _take(state: str, before: dt.datetime | None = None, limit: int = 100) -> list[int]:
    query = Order.objects.filter(in_flight(), state=state)  # `state` is one of them: the in-flight index
    if before is not None:
        query = query.filter(updated_at__lt=before)
    return list(query.order_by("id").values_list("pk", flat=True)[:limit])


def _lock(order_id: int, state: str) -> Order | None:
    skip = connections[router.db_for_write(Order)].features.has_select_for_update_skip_locked
    return Order.objects.select_for_update(skip_locked=skip).filter(pk=order_id, state=state).first()


def settle_orders(conn: RegistryConnection, limit: int = 100) -> dict[str, int]:
    now = clock.now()
    stale = now - dt.timedelta(minutes=int(registrar_settings()["SETTLE_AFTER_MINUTES"]))
    counts: Counter[str] = Counter()
    for order_id in _take(OrderState.CHARGED, stale, limit):
        with transaction.atomic():
            order = _lock(order_id, OrderState.CHARGED)
            if order is not None:
                move(order, OrderState.FAILED, PRINCIPAL, now, note="never sent: refunded", **refund_fields(order, now))
                counts["never_sent"] += 1
    for order_id in _take(OrderState.SUBMITTED, stale, limit):
        with transaction.atomic():
            order = _lock(order_id, OrderState.SUBMITTED)
            if order is not None:
                move(order, OrderState.UNKNOWN, PRINCIPAL, now, note="no outcome recorded")
    for order_id in _take(OrderState.UNKNOWN, None, limit):
        try:
            counts[settle_one(conn, order_id)] += 1
        except RegistryError as error:
            log.warning("order %s not settled yet: %s", order_id, error)
            counts["waiting"] += 1
    return dict(counts)


def settle_one(conn: RegistryConnection, order_id: int) -> str:
    """Asks the registry about one `unknown` order and reconciles it; returns the outcome. No row is
    locked while the registry is asked: the answer is applied only if the order is still `unknown`."""
    order = Order.objects.filter(pk=order_id, state=OrderState.UNKNOWN).first()
    if order is None:
        return "taken"
    state = conn.info(order.domain)
    applied = KINDS[order.kind].applied(conn, order, state)
    with transaction.atomic():
        order = _lock(order_id, OrderState.UNKNOWN)
        if order is None:
            return "taken"
        now = clock.now()
        if applied:
            answer: dict[str, object] = {"outcome": "done"}
            if state is not None:
                answer |= {"expires_at": state.expires_at.isoformat(), "statuses": list(state.statuses)}
            service = record(order, answer, now)
            move(order, OrderState.RECONCILED, PRINCIPAL, now, note="the registry had done it",
                 answer={**order.answer, **answer}, service=service)  # fmt: skip
            return "done"
        move(order, OrderState.RECONCILED, PRINCIPAL, now, note="the registry had not done it: refunded",
             answer={**order.answer, "outcome": "refunded"}, **refund_fields(order, now))  # fmt: skip
        return "refunded"
