"""The order path's own rows by plain statements (issue 12, Speed): the order locked and read, its state
moved with its events, a service event and its deliveries — each one statement built once per model and
backend instead of an ORM query compiled on every call (the compile was most of each statement's cost,
docs/benchmarks.md). On PostgreSQL they go through psycopg's own cursor, which prepares a statement it
sees again; the events are written in the same statement as the order's UPDATE (a data-modifying WITH).

Values go in as the model's fields prepare them and come back through the converters the ORM would
apply, so SQLite and PostgreSQL get and give what the ORM did (tests/registrar/test_order_rows.py).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.db.models import Model

from kzreg.core import plain_sql
from kzreg.registrar.models import (
    Customer,
    DeliveryState,
    Order,
    OrderEvent,
    OrderState,
    Service,
    ServiceEvent,
    Webhook,
    WebhookDelivery,
)

M = TypeVar("M", bound=Model)
EVENT_FIELDS = ("order_id", "from_state", "to_state", "at", "principal", "note")


def _connection(model: type[Model]) -> Any:
    return plain_sql.write_connection(model)


def run(model: type[Model], sql: str, params: Sequence[Any], rows: bool = True) -> list[tuple[Any, ...]]:
    """Runs a statement where `model`'s writes go; its rows (none unless `rows`): `core.plain_sql.run`, on
    the order path's kept cursor (a cursor made per statement cost ~3% of an order's client instructions)."""
    return plain_sql.run(model, sql, params, rows=rows, keep="registrar")


def vendor(model: type[Model]) -> str:
    return str(_connection(model).vendor)


def one_statement(model: type[Model]) -> bool:
    """Whether `model`'s writes go to PostgreSQL, where the order path's writes are joined in one statement."""
    return bool(_connection(model).vendor == "postgresql")


# Makes the statement's transaction commit without waiting for its WAL flush (ADR 0016): only where a
# statement commits alone (`commits_alone`) or opens the caller's outermost transaction (`open_and_claim`).
NO_WAIT = "set_config('synchronous_commit', 'off', true)"


def commits_alone(model: type[Model]) -> bool:
    """True when a statement on `model`'s connection is not inside a caller's transaction on PostgreSQL
    (no `atomic` around it): only then may its transaction skip the wait for the flush (`NO_WAIT`);
    inside a caller's transaction the setting would reach that transaction's commit too."""
    connection = _connection(model)
    return bool(connection.vendor == "postgresql" and not connection.in_atomic_block)


@functools.cache
def _reader(model: type[Model], vendor: str) -> tuple[str, tuple[str, ...], tuple[Any, ...]]:
    """The model's column list, attnames, and each column's converters (the compiler's: the backend's,
    then the field's `from_db_value`). They depend on the backend only (every connection is in UTC)."""
    connection = _connection(model)
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    converters = []
    for field in fields:
        col = field.get_col(model._meta.db_table)
        converters.append((col, tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection))))
    return columns, tuple(f.attname for f in fields), tuple(converters)


def columns(model: type[Model]) -> str:
    """The model's columns, in the order `load` takes them."""
    return _reader(model, _connection(model).vendor)[0]


def load(model: type[M], row: Sequence[Any]) -> M:
    """A model instance from a row of `columns(model)`, converted as the ORM converts it."""
    connection = _connection(model)
    _, names, converters = _reader(model, connection.vendor)
    values = []
    for value, (col, funcs) in zip(row, converters, strict=True):
        for func in funcs:
            value = func(value, col, connection)
        values.append(value)
    return model.from_db(connection.alias, list(names), values)


def column(model: type[Model], attname: str) -> str:
    return str(model._meta.get_field(attname).column)  # type: ignore[union-attr]


def prep(model: type[Model], attname: str, value: Any) -> Any:
    return plain_sql.prep(model, attname, value)


# --- the order --------------------------------------------------------------------------------------


@functools.cache
def _order_sql(vendor: str, lock: bool) -> str:
    if lock:
        return f"SELECT {columns(Order)} FROM registrar_order WHERE id = %s" + (
            " FOR UPDATE" if vendor == "postgresql" else ""
        )
    return f"SELECT {columns(Order)} FROM registrar_order WHERE payer = %s AND idempotency_key = %s"


def lock_order(order_id: int) -> Order:
    """The order, its row locked until the transaction ends (SQLite: one writer at a time anyway)."""
    found = run(Order, _order_sql(_connection(Order).vendor, True), [order_id])
    if not found:
        raise Order.DoesNotExist(f"order {order_id}")
    return load(Order, found[0])


def order_by_key(payer: str, key: str) -> Order | None:
    """The order placed under `(payer, key)`, if any."""
    found = run(Order, _order_sql(_connection(Order).vendor, False), [payer, key])
    return load(Order, found[0]) if found else None


@functools.cache
def _reserving_sql() -> str:
    table = Order._meta.db_table
    return (
        f"SELECT {joined([(Order, 'o')])}, nextval(pg_get_serial_sequence('{table}', 'id')) FROM (SELECT 1 AS one) AS x "
        f"LEFT JOIN {table} o ON o.payer = %s AND o.idempotency_key = %s"
    )


def order_by_key_reserving(payer: str, key: str) -> tuple[Order | None, int | None]:
    """`order_by_key`, and on PostgreSQL in the same statement an id reserved for a new order (None
    elsewhere; one not used is a gap in the sequence, as a rolled-back insert leaves)."""
    if _connection(Order).vendor != "postgresql":
        return order_by_key(payer, key), None
    row = run(Order, _reserving_sql(), [payer, key])[0]
    return split_row([Order], row[:-1])[0], int(row[-1])


@functools.cache
def _insert_sql(model: type[Model], names: tuple[str, ...], count: int, returning: bool) -> str:
    cols = ", ".join(column(model, n) for n in names)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    sql = f"INSERT INTO {model._meta.db_table} ({cols}) VALUES {', '.join([one] * count)}"
    return sql + (f" RETURNING {model._meta.pk.column}" if returning else "")


# Values a field would save unchanged (`Field.get_db_prep_save`: None, a text column's str, a boolean's
# bool, on PostgreSQL an aware datetime — a naive one goes through the field, which warns and makes it
# aware), by the field's internal type: they skip the field's preparation (issue 12, Speed). Every other
# value goes through the field.
_AS_THEY_ARE: dict[str, tuple[type, ...]] = {"CharField": (str,), "TextField": (str,), "BooleanField": (bool,)}


@functools.cache
def _preparers(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[tuple[Any, tuple[type, ...]], ...]:
    """Each named field, and the value types it saves as they are."""
    out = []
    for name in names:
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        same = (dt.datetime,) if kind == "DateTimeField" and vendor == "postgresql" else _AS_THEY_ARE.get(kind, ())
        out.append((field, same))
    return tuple(out)


def _values(model: type[Model], names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    connection = _connection(model)
    names = tuple(names)
    preparers = _preparers(model, names, connection.vendor)
    out = []
    for row in rows:
        for name, (field, same) in zip(names, preparers, strict=True):
            value = row[name]
            unchanged = value is None or (isinstance(value, same) and getattr(value, "tzinfo", True) is not None)
            out.append(value if same and unchanged else field.get_db_prep_save(value, connection))
    return out


def insert(model: type[Model], rows: Sequence[Mapping[str, Any]], returning: bool = False) -> int | None:
    """Inserts rows given as {attname: value} (the same keys in each) in one statement; the first row's
    primary key when `returning`."""
    names = tuple(rows[0])
    connection = _connection(model)
    can_return = returning and connection.features.can_return_columns_from_insert
    found = run(model, _insert_sql(model, names, len(rows), can_return), _values(model, names, rows), rows=can_return)
    if not returning:
        return None
    if can_return:
        return int(found[0][0])
    with connection.cursor() as cursor:  # SQLite without RETURNING
        cursor.execute("SELECT last_insert_rowid()")
        return int(cursor.fetchone()[0])


def create_order(values: Mapping[str, Any], event: Mapping[str, Any], no_wait: bool = False) -> int:
    """Inserts the order and its first event (PostgreSQL: one statement); the order's id. `no_wait`
    (PostgreSQL): the transaction it is in commits without waiting for the WAL flush (ADR 0016)."""
    connection = _connection(Order)
    if connection.vendor != "postgresql":
        order_id = insert(Order, [values], returning=True)
        assert order_id is not None
        insert(OrderEvent, [{**event, "order_id": order_id}])
        return order_id
    names = tuple(values)
    event_names = tuple(n for n in EVENT_FIELDS if n != "order_id")
    sql = _create_sql(names, event_names, no_wait)
    params = _values(Order, names, [values]) + _values(OrderEvent, event_names, [event])
    return int(run(Order, sql, params)[0][0])


@functools.cache
def _create_sql(names: tuple[str, ...], event_names: tuple[str, ...], no_wait: bool = False) -> str:
    event_cols = ", ".join(column(OrderEvent, n) for n in event_names)
    marks = ", ".join(["%s"] * len(event_names))
    return (
        f"WITH o AS ({_insert_sql(Order, names, 1, True)}), "
        f"e AS (INSERT INTO registrar_orderevent (order_id, {event_cols}) SELECT o.id, {marks} FROM o) "
        f"SELECT id{f', {NO_WAIT}' if no_wait else ''} FROM o"
    )


def insert_claimed(values: Mapping[str, Any], events: Sequence[Mapping[str, Any]], no_wait: bool = False) -> None:
    """Inserts an order whose id was reserved (`values["id"]`), in the state it has reached, with its events —
    one statement (PostgreSQL only; `orders.open_and_claim`). `no_wait`: as `create_order`'s (ADR 0016)."""
    names = tuple(values)
    rows = [{"order_id": values["id"], **event} for event in events]
    params = _values(OrderEvent, EVENT_FIELDS, rows) + _values(Order, names, [values])
    run(Order, _claimed_sql(names, len(rows), no_wait), params, rows=no_wait)


@functools.cache
def _claimed_sql(names: tuple[str, ...], events: int, no_wait: bool) -> str:
    sql = f"WITH e AS ({_insert_sql(OrderEvent, EVENT_FIELDS, events, False)}) {_insert_sql(Order, names, 1, False)}"
    return sql + (f" RETURNING {NO_WAIT}" if no_wait else "")


@functools.cache
def _advance_sql(vendor: str, names: tuple[str, ...], events: int) -> str:
    sets = ", ".join(f"{column(Order, n)} = %s" for n in names)
    update = f"UPDATE registrar_order SET {sets} WHERE id = %s"
    if vendor != "postgresql":
        return update
    return f"WITH e AS ({_insert_sql(OrderEvent, EVENT_FIELDS, events, False)}) {update}"


def advance(order: Order, events: Sequence[Mapping[str, Any]], names: Sequence[str]) -> None:
    """Writes the order's new events and its changed fields `names` (already set on `order`); on
    PostgreSQL both in one statement."""
    connection = _connection(Order)
    names = tuple(names)
    update = [*_values(Order, names, [{n: getattr(order, n) for n in names}]), order.pk]
    rows = [{"order_id": order.pk, **event} for event in events]
    if connection.vendor != "postgresql":
        insert(OrderEvent, rows)
        run(Order, _advance_sql(connection.vendor, names, len(rows)), update, rows=False)
        return
    params = _values(OrderEvent, EVENT_FIELDS, rows) + update
    run(Order, _advance_sql(connection.vendor, names, len(rows)), params, rows=False)


# --- customers --------------------------------------------------------------------------------------


@functools.cache
def _customer_sql() -> str:
    return f"SELECT {columns(Customer)} FROM registrar_customer WHERE id = %s AND registrar_handle = %s"


def customer_pk(customer_id: Any) -> int | None:
    """The id as the ORM prepares it (a value that is no id fails as `filter(pk=…)` would), or None when the
    ORM would find nothing for it (out of the column's range)."""
    pk = prep(Customer, "id", customer_id)
    low, high = _connection(Customer).ops.integer_field_range(Customer._meta.pk.get_internal_type())
    return None if pk is None or not low <= pk <= high else int(pk)


def customer_in(customer_id: Any, registrar_handle: str) -> Customer | None:
    """The customer with this id if it is the registrar's (the tenant check's read, `customers.customer_of`)."""
    pk = customer_pk(customer_id)
    if pk is None:
        return None
    found = run(Customer, _customer_sql(), [pk, registrar_handle])
    return load(Customer, found[0]) if found else None


def joined(parts: Sequence[tuple[type[Model], str]]) -> str:
    """The columns of each `(model, alias)` in turn, qualified by the alias, as `split_row` takes them."""
    return ", ".join(f"{alias}.{name}" for model, alias in parts for name in columns(model).split(", "))


def split_row(models: Sequence[type[Model]], row: Sequence[Any]) -> list[Any]:
    """A row of `joined` columns as one instance per model, None for a part whose primary key is NULL (an
    outer join that found nothing)."""
    out, start = [], 0
    for model in models:
        fields = model._meta.concrete_fields
        part = row[start : start + len(fields)]
        start += len(fields)
        pk_at = next(i for i, f in enumerate(fields) if f.primary_key)
        out.append(None if part[pk_at] is None else load(model, part))
    return out


# --- services ---------------------------------------------------------------------------------------


@functools.cache
def _service_sql() -> str:
    return f"SELECT {columns(Service)} FROM registrar_service WHERE name = %s"


def service_by_name(name: str) -> Service | None:
    found = run(Service, _service_sql(), [name])
    return load(Service, found[0]) if found else None


def save_new(instance: Model) -> None:
    """Inserts a new instance (every field as it is now) by a plain statement and gives it its id."""
    model = type(instance)
    values = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
    instance.pk = insert(model, [values], returning=True)
    instance._state.adding, instance._state.db = False, _connection(model).alias


# --- service events ---------------------------------------------------------------------------------

EVENT_COLUMNS = ("service_id", "domain", "registrar_handle", "reseller_id", "kind", "data", "at")


def _audience(reseller_id: int | None) -> str:
    """The hooks that hear a domain's events: the registrar's own (reseller NULL), and its reseller's."""
    return "(w.reseller_id IS NULL OR w.reseller_id = %s)" if reseller_id is not None else "w.reseller_id IS NULL"


@functools.cache
def _hooks_sql(with_reseller: bool) -> str:
    audience = _audience(1 if with_reseller else None)
    return f"SELECT w.id FROM registrar_webhook w WHERE w.registrar_handle = %s AND {audience} ORDER BY w.id"


@functools.cache
def _service_event_sql(with_reseller: bool) -> str:
    audience = _audience(1 if with_reseller else None)
    return (
        f"WITH ev AS ({_insert_sql(ServiceEvent, EVENT_COLUMNS, 1, True)}), "
        "d AS (INSERT INTO registrar_webhookdelivery "
        "(webhook_id, event_id, state, attempts, next_at, last_error, created_at) "
        "SELECT w.id, ev.id, %s, 0, %s, '', %s FROM ev, registrar_webhook w "
        f"WHERE w.registrar_handle = %s AND {audience} ORDER BY w.id) "
        "SELECT id FROM ev"
    )


def insert_service_event(values: Mapping[str, Any]) -> int:
    """The event (`EVENT_COLUMNS`) and a pending delivery to each hook that hears it (PostgreSQL: one
    statement); the event's id."""
    connection = _connection(ServiceEvent)
    reseller_id, handle = values["reseller_id"], values["registrar_handle"]
    audience: list[Any] = [handle] + ([reseller_id] if reseller_id is not None else [])
    if connection.vendor == "postgresql":
        at = prep(WebhookDelivery, "next_at", values["at"])
        params = [*_values(ServiceEvent, EVENT_COLUMNS, [values]), DeliveryState.PENDING.value, at, at, *audience]
        return int(run(ServiceEvent, _service_event_sql(reseller_id is not None), params)[0][0])
    hooks = [int(row[0]) for row in run(Webhook, _hooks_sql(reseller_id is not None), audience)]
    event_id = insert(ServiceEvent, [values], returning=True)
    assert event_id is not None
    if hooks:
        at = values["at"]
        insert(WebhookDelivery, [{"webhook_id": pk, "event_id": event_id, "next_at": at, "created_at": at,
                                  "state": DeliveryState.PENDING.value, "attempts": 0, "last_error": ""}
                                 for pk in hooks])  # fmt: skip
    return event_id


# --- a created domain's order done -------------------------------------------------------------------

# The service's columns a create sets anew on a name the registrar served before (`order_kinds.record`):
# the others (its registrar, when it was first made, the renewal warning) stay.
RESTARTED = ("reseller_id", "customer_id", "auto_renew", "retail_price", "sponsored", "statuses", "last_synced_at")


def _typed(model: type[Model], names: Sequence[str]) -> str:
    """Placeholders cast to each column's type: in a SELECT list PostgreSQL cannot take a parameter's type
    from the column it goes to (a NULL would be text). Text columns as `text`: a cast to varchar(n) would cut
    a value that is too long instead of refusing it."""
    connection = _connection(model)
    out = []
    for name in names:
        field = model._meta.get_field(name)
        kind = "text" if field.get_internal_type() in ("CharField", "TextField") else field.db_type(connection)
        out.append(f"%s::{kind}")
    return ", ".join(out)


@functools.cache
def _finish_created_sql(
    service_names: tuple[str, ...], restarted: tuple[str, ...], with_reseller: bool, no_wait: bool = False
) -> str:
    event_names = tuple(n for n in EVENT_FIELDS if n != "order_id")
    restart = ", ".join(f"{column(Service, n)} = EXCLUDED.{column(Service, n)}" for n in restarted)
    return (
        "WITH lk AS (SELECT id FROM registrar_order WHERE id = %s AND state = %s FOR UPDATE), "
        f"s AS (INSERT INTO registrar_service ({', '.join(column(Service, n) for n in service_names)}) "
        f"SELECT {_typed(Service, service_names)} FROM lk "
        f"ON CONFLICT (name) DO UPDATE SET {restart} RETURNING id), "
        f"e AS (INSERT INTO registrar_orderevent (order_id, {', '.join(column(OrderEvent, n) for n in event_names)}) "
        f"SELECT lk.id, {_typed(OrderEvent, event_names)} FROM lk), "
        "u AS (UPDATE registrar_order SET state = %s, updated_at = %s, answer = %s, service_id = (SELECT id FROM s) "
        "WHERE id = (SELECT id FROM lk)), "
        f"ev AS (INSERT INTO registrar_serviceevent ({', '.join(EVENT_COLUMNS)}) "
        f"SELECT s.id, {_typed(ServiceEvent, EVENT_COLUMNS[1:])} FROM s RETURNING id), "
        "d AS (INSERT INTO registrar_webhookdelivery "
        "(webhook_id, event_id, state, attempts, next_at, last_error, created_at) "
        "SELECT w.id, ev.id, %s, 0, %s, '', %s FROM ev, registrar_webhook w "
        f"WHERE w.registrar_handle = %s AND {_audience(1 if with_reseller else None)} ORDER BY w.id) "
        f"SELECT s.id{f', {NO_WAIT}' if no_wait else ''} FROM s"
    )


def finish_created(
    order: Order, service: Mapping[str, Any], event: Mapping[str, Any], changed: Mapping[str, Any],
    settled: Mapping[str, Any],
) -> int | None:  # fmt: skip
    """A created domain's order done in ONE statement (PostgreSQL; its own transaction unless the caller
    has one): its service inserted — or, for a name the registrar served before, started anew (`RESTARTED`
    and `expires_at`) — the order moved from `submitted` with its event (`event`; `changed`: its new state,
    `updated_at` and `answer`), and the `settled` service event (`EVENT_COLUMNS` but the service) with a
    delivery to each hook that hears it. All of it only if the order is still `submitted` under its row lock
    (the worker may have taken a stuck one): the service's id, or None and nothing written. (Only the id
    comes back: no front reads the service from a create's order, and reading its row back and making a
    model of it was ~3% of an order's client instructions; `order.service` loads it when asked.)

    Standing alone (`commits_alone`), its commit does not wait for the WAL flush (ADR 0016): the charge and
    the registry's create are on disk before it, and losing it in a crash leaves the order `submitted`, which
    the worker settles by asking the registry (`settle.py`) — as a crash just before it would."""
    names = tuple(service)
    restarted = RESTARTED + (("expires_at",) if "expires_at" in service else ())
    reseller_id, handle = settled["reseller_id"], settled["registrar_handle"]
    at = prep(WebhookDelivery, "next_at", settled["at"])
    params = [
        order.pk, OrderState.SUBMITTED.value,
        *_values(Service, names, [service]),
        *_values(OrderEvent, EVENT_FIELDS[1:], [event]),
        *_values(Order, ("state", "updated_at", "answer"), [changed]),
        *_values(ServiceEvent, EVENT_COLUMNS[1:], [settled]),
        DeliveryState.PENDING.value, at, at, handle, *([reseller_id] if reseller_id is not None else []),
    ]  # fmt: skip
    no_wait = commits_alone(Service)
    found = run(Service, _finish_created_sql(names, restarted, reseller_id is not None, no_wait), params)
    return int(found[0][0]) if found else None
