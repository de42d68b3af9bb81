"""Placing an order: quote → charge the payer → submit to the registry → done | failed | unknown.

Each step is its own short transaction that locks the order row and moves it along `states.TRANSITIONS`
only from the state it expects, writing an `OrderEvent`. So:

- the same `(payer, idempotency_key)` is one order (a unique index): asked again — even at the same
  moment from another thread — the first order is the answer, charged once;
- only the caller that moved the order from `charged` to `submitted` sends it, once;
- the order is `submitted` before anything is sent: a charged order was never sent, and a crash while
  sending leaves `submitted`, which the worker settles (`settle.py`) by asking the registry;
- a refusal refunds in the transaction that marks it failed; a lost answer refunds nothing yet.

Bad input and a refused charge raise `OperationFailed` and leave no charge (a refused charge leaves the
order `quoted`, so the same key may try again when the funds are there).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, router, transaction

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registrar import charging, events, order_rows
from kzreg.registrar.connection import AnswerLost, RegistryConnection, RegistryRefused, RegistryUnreachable
from kzreg.registrar.models import EventKind, Order, OrderKind, OrderState, Service
from kzreg.registrar.order_kinds import KINDS, fresh_values, record
from kzreg.registrar.problems import RegistrarCode
from kzreg.registrar.states import check_transition
from kzreg.resellers.models import Reseller

log = logging.getLogger("kzreg.registrar.orders")
MAX_YEARS = 10


def payer_key(reseller: Reseller | None, customer_id: int | None) -> str:
    """Who pays: the reseller that serves the customer (its deposit), else the registrar's own customer."""
    return f"reseller:{reseller.pk}" if reseller is not None else charging.customer_key(customer_id)


def move(order: Order, new: str, principal: str, now: dt.datetime, note: str = "", **fields: Any) -> None:
    """Moves a locked order to `new` (an edge of the machine) and writes its event."""
    move_through(order, [(new, note)], principal, now, **fields)


def move_through(
    order: Order, steps: Sequence[tuple[str, str]], principal: str, now: dt.datetime, **fields: Any
) -> None:
    """Moves a locked order along edges of the machine (`(state, note)` each), one event per edge, and
    writes only what changed (the state, `updated_at`, `fields`): one statement on PostgreSQL."""
    events_, names = _moved(order, steps, principal, now, **fields)
    order_rows.advance(order, events_, names)
    events.order_settled(order, now)  # at an end only: the seller's webhooks hear it


def _moved(
    order: Order, steps: Sequence[tuple[str, str]], principal: str, now: dt.datetime, **fields: Any
) -> tuple[list[dict[str, Any]], list[str]]:
    """`move_through`'s changes made on the instance only: the events to write and the columns changed."""
    events_ = []
    state = order.state
    for new, note in steps:
        check_transition(state, new)
        events_.append({"from_state": state, "to_state": new, "at": now, "principal": principal, "note": note[:2000]})
        state = new
    order.state, order.updated_at = state, now
    for name, value in fields.items():
        setattr(order, name, value)
    return events_, ["state", "updated_at", *_attnames(fields)]


def _attnames(fields: dict[str, Any]) -> list[str]:
    return [Order._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]


def locked(order_id: int) -> Order:
    return order_rows.lock_order(order_id)


def problems_answer(error: RegistryRefused | RegistryUnreachable) -> dict[str, Any]:
    if isinstance(error, RegistryUnreachable):
        problems = [Problem("", RegistrarCode.REGISTRY_UNREACHABLE, {"reason": str(error)})]
        code = 2400
    else:
        problems, code = list(error.problems), error.code
    return {
        "code": code,
        "problems": [{"field": p.field, "code": str(p.code), "message": {lang: p.message(lang) for lang in
                                                                         ("kk", "ru", "en")}} for p in problems],
    }  # fmt: skip


def open_order(
    kind: str,
    domain: str,
    *,
    registrar_handle: str,
    reseller: Reseller | None,
    principal: str,
    key: str,
    years: int | None = None,
    request: dict[str, Any] | None = None,
    service: Service | None = None,
    period_key: str = "",
    looked_up: bool = False,
) -> Order:
    """The order for `(payer, key)`: created `quoted` with its price, or the one already there (the same
    request; another request under the same key is refused). `looked_up`: the caller has just found no
    order under the key (a concurrent one is still found: the unique index refuses the second)."""
    body, payer, stored = _request_and_payer(request, service, reseller)
    existing = None if looked_up else order_rows.order_by_key(payer, key)
    if existing is None:
        body = stored
        try:
            with transaction.atomic(using=router.db_for_write(Order)):
                return _new_order(kind, domain, registrar_handle, reseller, principal, key, years, body, service,
                                  period_key, payer)  # fmt: skip
        except IntegrityError:  # the same key placed at the same moment: that one is the order
            existing = Order.objects.get(payer=payer, idempotency_key=key)
    if (existing.kind, existing.domain, existing.years) != (kind, domain, years) or any(
        existing.request.get(name) != value for name, value in body.items()
    ):
        raise OperationFailed([Problem("idempotency_key", RegistrarCode.IDEMPOTENCY_REUSED, {"order": existing.pk})])
    return existing


def _request_and_payer(
    request: dict[str, Any] | None, service: Service | None, reseller: Reseller | None
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The request as given, who pays for it, and the request as a new order stores it (its customer and
    reseller filled in)."""
    given = dict(request or {})
    customer_id = given.get("customer_id", service.customer_id if service is not None else None)
    stored = dict(given)
    stored.setdefault("customer_id", customer_id)
    stored.setdefault("reseller_id", reseller.pk if reseller is not None else None)
    return given, payer_key(reseller, customer_id), stored


def _quoted_values(
    kind: str, domain: str, registrar_handle: str, reseller: Reseller | None, principal: str, key: str,
    years: int | None, body: dict[str, Any], service: Service | None, period_key: str, payer: str,
    registrar: Any = None,
) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """A new `quoted` order's columns and its first event, the quote stored (`registrar`: the registry's
    registrar, if the caller has read it)."""
    now = clock.now()
    quote = charging.quote(kind, domain, years, registrar_handle, reseller, body["customer_id"], now, registrar)
    price = charging.quoted_amount(quote)
    values = {
        "kind": kind, "state": OrderState.QUOTED.value, "domain": domain, "registrar_handle": registrar_handle,
        "payer": payer, "idempotency_key": key, "principal": principal,
        "service_id": service.pk if service is not None else None, "years": years,
        "price_minor": price.minor if price else 0, "currency": price.currency if price else "",
        "quote_id": quote.pk if quote else "", "request": body, "answer": {}, "period_key": period_key,
        "created_at": now, "updated_at": now,
    }  # fmt: skip
    event = {"from_state": "", "to_state": OrderState.QUOTED.value, "at": now, "principal": principal,
             "note": f"{price or 'free'}"}  # fmt: skip
    return values, event


def _instance(order_id: int, values: dict[str, Any], service: Service | None) -> Order:
    order = Order(id=order_id, **values)
    order._state.adding, order._state.db = False, router.db_for_write(Order)
    if service is not None:
        order.service = service
    return order


def _new_order(
    kind: str, domain: str, registrar_handle: str, reseller: Reseller | None, principal: str, key: str,
    years: int | None, body: dict[str, Any], service: Service | None, period_key: str, payer: str,
    no_wait: bool = False, registrar: Any = None,
) -> Order:  # fmt: skip
    """Quotes and inserts a new `quoted` order with its first event, in the caller's transaction (`no_wait`:
    whose commit need not wait for the WAL flush, ADR 0016; `registrar`: the registry's registrar, if read)."""
    values, event = _quoted_values(kind, domain, registrar_handle, reseller, principal, key, years, body, service,
                                   period_key, payer, registrar)  # fmt: skip
    return _instance(order_rows.create_order(values, event, no_wait), values, service)


def open_and_claim(
    kind: str,
    domain: str,
    *,
    registrar_handle: str,
    reseller: Reseller | None,
    principal: str,
    key: str,
    years: int | None = None,
    request: dict[str, Any] | None = None,
    service: Service | None = None,
    period_key: str = "",
    flushed_later: bool = False,
    registrar: Any = None,
    order_id: int | None = None,
) -> Order | None:
    """A new order quoted, charged and claimed (`submitted`) in ONE transaction (issue 12, Speed: one
    BEGIN/COMMIT and one WAL flush instead of three — the quote's, the new order's, the charge's), for a
    caller that has just found no order under the key. None when that did not go through — the charge
    refused, no price, the same key placed at the same moment — and then nothing of it was written (not
    even the quote): the caller takes the step-by-step way (`open_order`, `run`), which leaves a refused
    order `quoted` and raises the exact problem. What stays true: a `submitted` order was charged, and the
    unique index keeps one order per key (the second insert waits for the first's commit, then fails).

    `registrar`: the registry's registrar for the quote, if the caller has just read it. `order_id`: an id
    the caller reserved for the new order (`charging.before_create`): on PostgreSQL the order is then charged
    first and inserted `submitted` with its three events in one statement (`order_rows.insert_claimed`) — no
    INSERT of a `quoted` row and UPDATE of it, the same rows in the end (tests/registrar/test_order_rows.py).
    `flushed_later`: every way on from here ends in a commit in this database that waits for the WAL flush
    (the local registry's own writes, else the order's refund or `unknown`), so this transaction's commit —
    when it is the outermost one — need not wait for its own (ADR 0016): one flush fewer per order."""
    _given, payer, body = _request_and_payer(request, service, reseller)
    no_wait = flushed_later and order_rows.commits_alone(Order)
    try:
        with transaction.atomic(using=router.db_for_write(Order)):
            if order_id is not None and order_rows.one_statement(Order):
                values, first = _quoted_values(kind, domain, registrar_handle, reseller, principal, key, years,
                                               body, service, period_key, payer, registrar)  # fmt: skip
                order = _instance(order_id, values, service)  # not written yet: the charge names its id
                note, fields = _charged(order, order.created_at)
                steps = [(OrderState.CHARGED, note), (OrderState.SUBMITTED, "")]
                moves, _names = _moved(order, steps, principal, order.created_at, **fields)
                columns = {name: getattr(order, name) for name in ("id", *values, *_attnames(fields))}
                order_rows.insert_claimed(columns, [first, *moves], no_wait)
                return order
            order = _new_order(kind, domain, registrar_handle, reseller, principal, key, years, body, service,
                               period_key, payer, no_wait, registrar)  # fmt: skip
            note, fields = _charged(order, order.created_at)
            steps = [(OrderState.CHARGED, note), (OrderState.SUBMITTED, "")]
            move_through(order, steps, principal, order.created_at, **fields)
            return order
    except (OperationFailed, IntegrityError):
        return None


def charge(order: Order) -> Order:
    """`quoted` → `charged`, the payer's book charged in the same transaction; refused: stays quoted."""
    with transaction.atomic():
        current = locked(order.pk)
        if current.state == OrderState.QUOTED:
            now = clock.now()
            note, fields = _charged(current, now)
            move_through(current, [(OrderState.CHARGED, note)], current.principal, now, **fields)
        return current


def _charged(order: Order, now: dt.datetime) -> tuple[str, dict[str, int | None]]:
    """Charges a locked `quoted` order: the charged event's note and the fields naming the transactions."""
    txs = charging.charge(order, now)
    seller_tx, reseller_tx = txs if txs is not None else (None, None)
    return f"ledger transactions {txs or 'none'}", {"charge_tx": seller_tx, "reseller_charge_tx": reseller_tx}


def charge_and_claim(order: Order) -> Order | None:
    """`quoted` → `charged` → `submitted` (or `charged` → `submitted`) in one transaction: one row lock and
    one commit instead of two, and both events with the order's UPDATE (issue 12, Speed). The same
    guarantees as `charge` then `claim_for_sending`: a refused charge leaves it quoted and raises; exactly
    one caller gets the order to send, the others None; a `submitted` order was charged."""
    with transaction.atomic():
        current = locked(order.pk)
        now = clock.now()
        steps: list[tuple[str, str]] = []
        fields: dict[str, int | None] = {}
        if current.state == OrderState.QUOTED:
            note, fields = _charged(current, now)
            steps.append((OrderState.CHARGED, note))
        elif current.state != OrderState.CHARGED:
            return None
        steps.append((OrderState.SUBMITTED, ""))
        move_through(current, steps, current.principal, now, **fields)
        return current


def claim_for_sending(order: Order) -> Order | None:
    """`charged` → `submitted`, for exactly one caller (the others get None)."""
    with transaction.atomic():
        current = locked(order.pk)
        if current.state != OrderState.CHARGED:
            return None
        move(current, OrderState.SUBMITTED, current.principal, clock.now())
        return current


def finish_done(order: Order, answer: dict[str, Any], to: str = OrderState.DONE, note: str = "") -> Order:
    done = _finish_created(order, answer, note) if to == OrderState.DONE else None
    if done is not None:
        return done
    with transaction.atomic():
        current = locked(order.pk)
        now = clock.now()
        service = record(current, answer, now)
        move(current, to, current.principal, now, note=note, answer={**current.answer, **answer}, service=service)
        return current


def _finish_created(order: Order, answer: dict[str, Any], note: str) -> Order | None:
    """A claimed create done in one statement on PostgreSQL (`order_rows.finish_created`: one round trip
    and no BEGIN/COMMIT instead of seven; issue 12, Speed): what `record` and `move` write, the same rows.
    None — nothing written — when it does not apply (another kind, SQLite, an order that is no longer
    `submitted`: the worker took it), and the locked way below decides as before."""
    if (order.kind != OrderKind.CREATE or order.state != OrderState.SUBMITTED or order.service_id is not None
            or not order_rows.one_statement(Order)):  # fmt: skip
        return None
    now = clock.now()
    check_transition(order.state, OrderState.DONE)
    service = {"name": order.domain, "registrar_handle": order.registrar_handle, "expires_at": None,
               "renewal_warned_for": None, "created_at": now, "last_synced_at": now, **fresh_values(order, answer)}  # fmt: skip
    if "expires_at" in answer:
        service["expires_at"] = dt.datetime.fromisoformat(answer["expires_at"])
    else:
        del service["expires_at"]  # a service made anew has none; one served before keeps its own
    before = (order.state, order.updated_at, order.answer)
    order.state, order.updated_at, order.answer = OrderState.DONE, now, {**order.answer, **answer}
    event = {"from_state": before[0], "to_state": order.state, "at": now, "principal": order.principal,
             "note": note[:2000]}  # fmt: skip
    settled = {"domain": order.domain, "registrar_handle": order.registrar_handle,
               "reseller_id": service["reseller_id"], "kind": EventKind.ORDER_SETTLED, "data": events.settled_data(order),
               "at": now}  # fmt: skip
    changed = {"state": order.state, "updated_at": now, "answer": order.answer}
    done = order_rows.finish_created(order, service, event, changed, settled)
    if done is None:
        order.state, order.updated_at, order.answer = before
        return None
    order.service_id = done  # `order.service` reads the row when asked (no cached one: a create had none)
    return order


def finish_refunded(order: Order, answer: dict[str, Any], to: str = OrderState.FAILED, note: str = "") -> Order:
    with transaction.atomic():
        current = locked(order.pk)
        now = clock.now()
        refunds = refund_fields(current, now)
        move(current, to, current.principal, now, note=note, answer={**current.answer, **answer}, **refunds)
        return current


def refund_fields(order: Order, now: dt.datetime) -> dict[str, int | None]:
    """Refunds the order's charges; the fields that name the refund transactions."""
    refunds = charging.refund(order, now)
    seller = refunds[0] if order.charge_tx is not None and refunds else None
    reseller = refunds[-1] if order.reseller_charge_tx is not None and refunds else None
    return {"refund_tx": seller, "reseller_refund_tx": reseller}


def submit(order: Order, conn: RegistryConnection, secret: str | None = None) -> Order:
    """Sends a claimed (`submitted`) order and records what came back."""
    rules = KINDS[order.kind]
    try:
        answer = rules.submit(conn, order, secret)
    except (RegistryRefused, RegistryUnreachable) as error:
        return finish_refunded(order, problems_answer(error), note=str(error))
    except AnswerLost as error:
        with transaction.atomic():
            current = locked(order.pk)
            move(current, OrderState.UNKNOWN, current.principal, clock.now(), note=f"answer lost: {error}")
            return current
    except Exception:
        # A fault of ours after the request may have left: nobody knows the outcome, the worker asks.
        with transaction.atomic():
            current = locked(order.pk)
            move(current, OrderState.UNKNOWN, current.principal, clock.now(), note="error while sending")
        log.exception("order %s: error while sending", order.pk)
        raise
    return finish_done(order, answer)


def run(order: Order, conn: RegistryConnection, secret: str | None = None) -> Order:
    """Takes an order as far as it goes now: charge, then send (once), then its outcome."""
    claimed = charge_and_claim(order)
    if claimed is None:
        return Order.objects.get(pk=order.pk)
    return submit(claimed, conn, secret)
