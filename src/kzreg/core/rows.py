"""Prepared statements for the hot path of the operations.

The ORM compiles SQL anew for every query and insert (≈0.3–0.5 ms each on this hardware), which was
most of the cost of a registration. These statements are built once per process and model from the
models' own metadata, and run on Django's connection, inside the operation's transaction. Values go in
as `get_db_prep_save` would prepare them (with the per-value checks skipped for plain text, numbers,
booleans and keys, which the database takes as they are) and come out through the same converters the
ORM would apply, so the rows are exactly what `Model.save()` and a queryset would write and read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@functools.lru_cache(maxsize=256)
def _native(sql: str, vendor: str) -> str:
    """`%s` placeholders in the driver's own style (sqlite3 takes `?`)."""
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _db() -> BaseDatabaseWrapper:
    """This thread's connection wrapper, looked up once per statement (`django.db.connection` is a proxy
    that looks it up again on every attribute)."""
    return connections[DEFAULT_DB_ALIAS]


def _execute(sql: str, params: Sequence[Any], fetch: str = "", db: BaseDatabaseWrapper | None = None) -> Any:
    """Runs one statement on the driver's own cursor, in the connection's current transaction.

    Django's cursor wrapper re-creates a cursor and rewrites the SQL on every call; here the SQL is
    rewritten once, and on PostgreSQL a server-binding cursor lets psycopg prepare statements it sees often.
    """
    db = db or _db()
    db.ensure_connection()
    raw = db.connection
    assert raw is not None
    cursor = psycopg.Cursor(raw) if db.vendor == "postgresql" else raw.cursor()
    try:
        with db.wrap_database_errors:  # driver errors become Django's (IntegrityError, …)
            cursor.execute(_native(sql, db.vendor), params)
        if fetch == "one":
            return cursor.fetchone()
        if fetch == "all":
            return cursor.fetchall()
        return getattr(cursor, "lastrowid", None) if fetch == "lastrowid" else None
    finally:
        cursor.close()


def _executemany(sql: str, batch: list[list[Any]], db: BaseDatabaseWrapper) -> None:
    db.ensure_connection()
    raw = db.connection
    assert raw is not None
    cursor = psycopg.Cursor(raw) if db.vendor == "postgresql" else raw.cursor()
    try:
        with db.wrap_database_errors:
            cursor.executemany(_native(sql, db.vendor), batch)
    finally:
        cursor.close()


def _quote(name: str) -> str:
    return _db().ops.quote_name(name)


def _insert_fields(model: type[Model]) -> list[Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _column(field: Field) -> str:
    assert field.column is not None  # concrete fields always have one
    return field.column


@functools.cache
def _insert_sql(model: type[Model], vendor: str, returning: bool) -> str:
    fields = _insert_fields(model)
    columns = ", ".join(_quote(_column(f)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {_quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    pk = model._meta.pk
    assert pk is not None
    return sql + f" RETURNING {_quote(_column(pk))}" if returning else sql


# Field types whose Python value is already what the database driver takes.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _identity(value: Any) -> Any:
    return value


def _preparer(field: Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    ops = db.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    if isinstance(field, _AS_IS) and not getattr(field, "auto_now", False):
        return _identity
    return lambda value: field.get_db_prep_save(value, connections[DEFAULT_DB_ALIAS])


@functools.cache
def _preparers(model: type[Model], vendor: str) -> list[tuple[str, Callable[[Any], Any]]]:
    db = _db()
    return [(f.attname, _preparer(f, db)) for f in _insert_fields(model)]


def _values(obj: Model, fields: Sequence[Field], db: BaseDatabaseWrapper) -> list[Any]:
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields):
        return [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    return [prepare(getattr(obj, attname)) for attname, prepare in _preparers(type(obj), db.vendor)]


def insert_row(model: type[Model], values: dict[str, Any]) -> None:
    """INSERT a row given as attribute values, without building a model instance (history, link rows)."""
    db = _db()
    row = [prepare(values[attname]) for attname, prepare in _preparers(model, db.vendor)]
    _execute(_insert_sql(model, db.vendor, False), row, db=db)


def insert_rows(model: type[Model], rows: Iterable[dict[str, Any]]) -> None:
    db = _db()
    preparers = _preparers(model, db.vendor)
    batch = [[prepare(values[attname]) for attname, prepare in preparers] for values in rows]
    if batch:
        _executemany(_insert_sql(model, db.vendor, False), batch, db)


def insert(obj: M) -> M:
    """INSERT one new row and give `obj` its primary key, as `obj.save(force_insert=True)` would."""
    db = _db()
    model = type(obj)
    returning = db.features.can_return_columns_from_insert
    sql, values = _insert_sql(model, db.vendor, returning), _values(obj, _insert_fields(model), db)
    pk = _execute(sql, values, "one", db)[0] if returning else _execute(sql, values, "lastrowid", db)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = db.alias
    return obj


def _concrete(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


@functools.cache
def _select(model: type[Model], vendor: str, columns: tuple[str, ...], where: str) -> tuple[str, list, list]:
    fields = [_concrete(model, name) for name in columns]
    table = _quote(model._meta.db_table)
    sql = f"SELECT {', '.join(f'{table}.{_quote(_column(f))}' for f in fields)} FROM {table} WHERE {where}"
    db = _db()
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        chain = db.ops.get_db_converters(col) + f.get_db_converters(db)
        if chain:  # most columns need none: skip them entirely when reading rows
            converters.append((i, col, chain))
    return sql, [f.attname for f in fields], converters


def select(model: type[M], columns: Sequence[str], where: str, params: Sequence[Any]) -> list[M]:
    """Instances with only `columns` loaded (others load on first access, as with `.only()`)."""
    db = _db()
    sql, attnames, converters = _select(model, db.vendor, tuple(columns), where)
    rows = _execute(sql, list(params), "all", db)
    out = []
    for row in rows:
        values = list(row)
        for i, col, chain in converters:
            for convert in chain:
                values[i] = convert(values[i], col, db)
        out.append(model.from_db(db.alias, attnames, values))
    return out


def execute(sql: str, params: Sequence[Any]) -> None:
    """A statement that returns nothing (an UPDATE of a counter), `%s` placeholders."""
    _execute(sql, list(params))


def for_update() -> str:
    """The row-lock clause where the database has one (SQLite's writers are serialised anyway)."""
    return " FOR UPDATE" if _db().features.has_select_for_update else ""


def all_columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
