"""Plain statements on Django's connection, for the wings' hot paths (ADR 0008): the registrar's order
rows (`registrar.order_rows`) and the API's per-call statements (`api.statements`) — written once here.

On PostgreSQL a statement goes through psycopg's own cursor on Django's connection, in its current
transaction: server-side binding, so psycopg prepares a statement it sees again (`prepare_threshold` in
the settings) and PostgreSQL stops parsing and planning it; Django's cursor binds on the client. SQLite
takes the same SQL through Django's cursor. (The registry's own fast path, `registry.rows`, stays inside
the registry by the import contract; billing's `sqlrows` also reads rows that a pipeline leaves pending.)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init


def write_connection(model: type[Model]) -> BaseDatabaseWrapper:
    """The connection where `model`'s writes go (Django's routers decide)."""
    return connections[router.db_for_write(model)]


def kept_cursor(connection: BaseDatabaseWrapper, owner: str) -> psycopg.Cursor:
    """`owner`'s psycopg cursor on this connection, made once and kept with it: making one costs about a
    tenth of a statement. Each owner has its own, so one that leaves results pending (billing's pipeline)
    is never read past by another; a connection belongs to one thread."""
    raw = connection.connection
    name = f"_kzreg_{owner}_cursor"
    cursor: psycopg.Cursor | None = getattr(raw, name, None)
    if cursor is None or cursor.closed:
        cursor = psycopg.Cursor(raw)
        setattr(raw, name, cursor)
    return cursor


def run(
    model: type[Model], sql: str, params: Sequence[Any], rows: bool = True, keep: str = ""
) -> list[tuple[Any, ...]]:
    """Runs one statement where `model`'s writes go and returns its rows (`rows=False` for one that returns
    none: asking the cursor for its description would build a column object per column each time).
    `keep` names the owner of a kept cursor (`kept_cursor`); without it a cursor is made for the call."""
    connection = write_connection(model)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors:  # driver errors become Django's (IntegrityError, …)
            if keep:
                cursor = kept_cursor(connection, keep)
                cursor.execute(sql, list(params))
                return [tuple(row) for row in cursor.fetchall()] if rows else []
            with psycopg.Cursor(connection.connection) as own:
                own.execute(sql, list(params))
                return [tuple(row) for row in own.fetchall()] if rows else []
    with connection.cursor() as django_cursor:
        django_cursor.execute(sql, list(params))
        return [tuple(row) for row in django_cursor.fetchall()] if rows else []


def prep(model: type[Model], attname: str, value: Any) -> Any:
    """`value` as the model's field saves it on the write connection (a datetime for SQLite, …)."""
    field = model._meta.get_field(attname)
    assert isinstance(field, Field)
    return field.get_db_prep_save(value, write_connection(model))


@functools.cache
def _plain(model: type[Model], names: tuple[str, ...]) -> bool:
    """The model makes its instances as Django's `Model` does (no `__init__` or `from_db` of its own) and
    every one of `names` is an attribute `Model.__init__` would only store (a concrete field's deferred
    attribute, a foreign key's id)."""
    stored = (DeferredAttribute, ForeignKeyDeferredAttribute)
    own = any(inspect.getattr_static(model, name) is not inspect.getattr_static(Model, name)
              for name in ("__init__", "from_db"))  # fmt: skip
    return not own and all(type(inspect.getattr_static(model, name, None)) in stored for name in names)


def make_instance(model: type[Model], alias: str, names: tuple[str, ...], values: Sequence[Any]) -> Any:
    """`model.from_db(alias, names, values)`: the same instance without `Model.__init__`'s work per column
    (a hot path's read becomes its instance several times cheaper) when nothing listens to
    `pre_init`/`post_init` and every column in `names` is plain; otherwise `from_db` itself. Columns not in
    `names` are deferred, as `from_db` leaves them (loaded on first use)."""
    if not _plain(model, names) or pre_init.receivers or post_init.receivers:
        return model.from_db(alias, list(names), list(values))
    made = model.__new__(model)
    made._state = ModelState()
    made.__dict__.update(zip(names, values, strict=True))
    made._state.adding, made._state.db = False, alias
    return made
