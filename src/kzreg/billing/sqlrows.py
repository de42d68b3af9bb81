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

from django.db import connections, router
from django.db.models import Model


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


def fetch_one(model: type[Model], sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    using = router.db_for_read(model)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def prep(model: type[Model], attname: str, value: Any) -> Any:
    """A value as the model's field sends it to the database (datetimes on SQLite, for instance)."""
    return model._meta.get_field(attname).get_db_prep_value(value, connections[router.db_for_read(model)])  # type: ignore[union-attr]
