"""Billing's own rows written and read by plain statements on the hot path (a charged registration).

The ORM compiles every `create` and `filter` anew, which cost a charged create more client CPU than the
database work itself (bench/bench_charged_create.py). These helpers build each statement once per model
and backend, adapt values with the model's own fields (so SQLite and PostgreSQL get what the ORM would
send), and leave the rest to psycopg, which prepares a statement on the server after a few runs. They
are billing's: the registry's fast path (`registry.rows`) stays inside the registry (import contract).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.db import connections, router
from django.db.models import Model

from kzreg.core import plain_sql


@functools.cache
def _insert_sql(model: type[Model], columns: tuple[str, ...], rows: int, returning: bool) -> str:
    table = model._meta.db_table
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * rows)}"
    return sql + (f" RETURNING {model._meta.pk.column}" if returning else "")


def insert_rows(model: type[Model], rows: Sequence[Mapping[str, Any]], returning: bool = False) -> int | None:
    """Inserts rows given as {attname: value} (all with the same keys) in one statement; the first row's
    primary key when `returning`."""
    using = router.db_for_write(model)
    connection = connections[using]
    names = tuple(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    columns = tuple(field.column for field in fields)  # type: ignore[union-attr]
    params = [
        field.get_db_prep_save(row[name], connection)  # type: ignore[union-attr]
        for row in rows
        for name, field in zip(names, fields, strict=True)
    ]
    can_return = connection.features.can_return_columns_from_insert
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, columns, len(rows), returning and can_return), params)
        if not returning:
            return None
        return int(cursor.fetchone()[0]) if can_return else int(cursor.lastrowid)


def fetch_one(model: type[Model], sql: str, params: Sequence[Any], write: bool = False) -> tuple[Any, ...] | None:
    """The first row of a statement on `model`'s database (for reading, or where its writes go); on
    PostgreSQL through psycopg's own cursor (`_pg_cursor`: prepared after a few runs)."""
    connection = connections[router.db_for_write(model) if write else router.db_for_read(model)]
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        pg_cursor = _pg_cursor(connection)
        with connection.wrap_database_errors:
            pg_cursor.execute(sql, list(params))
            row = pg_cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
    return None if row is None else tuple(row)


def _pg_cursor(connection: Any) -> psycopg.Cursor:
    """psycopg's own cursor on Django's connection: server-side binding, so psycopg prepares a statement
    it sees again (`prepare_threshold` in the settings), where Django's cursor binds on the client and
    PostgreSQL parses and plans every run. It runs in the connection's current transaction.

    One per connection, kept with it: making a cursor (and its adapters map) cost as much client CPU as
    reading its row. `fetch_one` reads its answer before it returns, so nothing is pending on it when the
    next statement runs, and a connection belongs to one thread."""
    return plain_sql.kept_cursor(connection, "billing")


def in_pipeline(model: type[Model]) -> bool:
    """Whether a pipeline is open on the connection of `model`'s writes (PostgreSQL, `registry.rows.pipeline()`)."""
    connection = connections[router.db_for_write(model)]
    raw = connection.connection if connection.vendor == "postgresql" else None
    return getattr(raw, "_pipeline", None) is not None


class PendingRow:
    """The first row of a statement sent now and read on first use (`row()`). Inside the registry's read
    pipeline on PostgreSQL (`registry.rows.pipeline()`, open on this connection) the statement only goes
    out, and comes back with the operation's own reads in one round trip; elsewhere it runs at once.

    A pending statement needs a cursor of its own until its answer is read; it then goes back to the
    connection for the next one (`_free_cursor`, `_release`): making a psycopg cursor each time cost a charged
    registration two cursors' set-up (~10 µs each)."""

    __slots__ = ("_connection", "_cursor", "_row")

    def __init__(self, model: type[Model], sql: str, params: Sequence[Any], write: bool = False):
        self._row: tuple[Any, ...] | None = None
        self._cursor: psycopg.Cursor | None = None
        connection = connections[router.db_for_write(model) if write else router.db_for_read(model)]
        self._connection = connection
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            raw = connection.connection
            if getattr(raw, "_pipeline", None) is not None:
                cursor = _free_cursor(raw)
                with connection.wrap_database_errors:
                    try:
                        cursor.execute(sql, list(params))
                    except BaseException:
                        cursor.close()
                        raise
                self._cursor = cursor
                return
        self._row = fetch_one(model, sql, params, write)

    @property
    def alias(self) -> str:
        """The connection's alias (for `Model.from_db`), without asking the routers again."""
        return str(self._connection.alias)

    def row(self) -> tuple[Any, ...] | None:
        cursor = self._cursor
        if cursor is not None:
            self._cursor = None
            try:
                with self._connection.wrap_database_errors:
                    found = cursor.fetchone()
            except BaseException:
                cursor.close()  # its answer failed: not handed to the next statement
                raise
            _release(cursor)
            self._row = None if found is None else tuple(found)
        return self._row


_FREE = "_kzreg_billing_free_cursors"  # billing's own (a registry `rows` cursor is never handed to billing)
_FREE_CURSORS = 4


def _free_cursor(raw: Any) -> psycopg.Cursor:
    """A cursor on the raw connection whose last answer was read (`_release`), else a new one."""
    free: list[psycopg.Cursor] | None = getattr(raw, _FREE, None)
    while free:
        cursor = free.pop()
        if not cursor.closed:
            return cursor
    return psycopg.Cursor(raw)


def _release(cursor: psycopg.Cursor) -> None:
    """A pending statement's cursor, its answer read, goes back to its connection (a few are kept)."""
    raw = cursor.connection
    if raw.closed:
        cursor.close()
        return
    free: list[psycopg.Cursor] | None = getattr(raw, _FREE, None)
    if free is None:
        free = []
        setattr(raw, _FREE, free)
    if len(free) < _FREE_CURSORS:
        free.append(cursor)
    else:
        cursor.close()


def pg_fetch_one(model: type[Model], sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """The one row of a statement that always answers one (a data-modifying WITH … SELECT), on
    PostgreSQL where `model`'s writes go; driver errors become Django's."""
    row = fetch_one(model, sql, params, write=True)
    assert row is not None, "a statement that always answers one row"
    return row


def prep(model: type[Model], attname: str, value: Any) -> Any:
    """A value as the model's field sends it to the database (datetimes on SQLite, for instance)."""
    return _field(model, attname).get_db_prep_value(value, connections[router.db_for_read(model)])


@functools.cache
def _field(model: type[Model], attname: str) -> Any:
    return model._meta.get_field(attname)
