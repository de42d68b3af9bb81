"""Prepared statements for the hot path of the operations.

The ORM compiles SQL anew for every query and insert (≈0.3–0.5 ms each on this hardware), which was
most of the cost of a registration. These statements are built once per process and model from the
models' own metadata, and run on Django's connection, inside the operation's transaction. Values go in
as `get_db_prep_save` would prepare them (with the per-value checks skipped for plain text, numbers,
booleans and keys, which the database takes as they are) and come out through the same converters the
ORM would apply, so the rows are exactly what `Model.save()` and a queryset would write and read.

On PostgreSQL an operation can group its statements with `pipeline()`: they go out without waiting for
each answer, so the reads of a registration (`select_soon()`) come back in one round trip and its writes
in another, instead of a dozen. SQLite runs in-process and needs none of this; there the same calls run
at once.

Each statement runs on the database Django's routers choose for its model (`db_for_write`; a plain
SELECT `db_for_read`, one with FOR UPDATE `db_for_write`, as the ORM does), so a read replica added
with a router later is used by these statements the same way as by the ORM's.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, cast

import psycopg
from django.conf import settings
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from psycopg._queries import PostgresQuery, _query2pg_nocache
from psycopg.types.datetime import TimestamptzLoader

M = TypeVar("M", bound=Model)
_TIMESTAMPTZ_OID = psycopg.postgres.types["timestamptz"].oid


@functools.lru_cache(maxsize=256)
def _native(sql: str, vendor: str) -> str:
    """`%s` placeholders in the driver's own style (sqlite3 takes `?`)."""
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


def _db(model: type[Model] | None = None, read: bool = False) -> BaseDatabaseWrapper:
    """This thread's connection wrapper for `model`'s writes (or plain reads) as Django's routers choose,
    looked up once per statement (`django.db.connection` is a proxy that looks it up again on every
    attribute). Without a model: where the registry's writes go (every operation writes history)."""
    model = model or _history()
    return connections[router.db_for_read(model) if read else router.db_for_write(model)]


@functools.cache
def _history() -> type[Model]:
    from kzreg.registry.models import HistoryEntry  # not at import: the outbox imports this module early

    return HistoryEntry


@functools.lru_cache(maxsize=512)
def _converted(query: str, encoding: str) -> tuple[bytes, Any, Any, Any]:
    """psycopg's conversion of a statement's `%s` placeholders (`_queries._query2pg_nocache`), kept per text."""
    return cast(tuple[bytes, Any, Any, Any], _query2pg_nocache(query.encode(encoding), encoding))


class _ConvertedOnce(PostgresQuery):
    """psycopg's query, its placeholders converted once per statement text (`_converted`). psycopg keeps the
    conversion only of statements up to 4,096 bytes and 50 parameters; a registration's one INSERT of the
    domain, its links and its history has ~45 with two name servers (more with more), and ~75 with the fee's
    charge riding in it (`guards.ride`), which psycopg then split with its regular expression on every run
    (~175 µs of client CPU, ~100 µs at 74 placeholders). This module's statements are few shapes (bounded by
    the cache), so every one is kept; the rest is psycopg's own `convert` (no parameters, or not text)."""

    __slots__ = ()

    def convert(self, query: Any, vars: Any) -> None:
        if vars is None or not isinstance(query, str):
            super().convert(query, vars)
            return
        self.query, self._want_formats, self._order, self._parts = _converted(query, self._tx.encoding)
        self.dump(vars)


class _Cursor(psycopg.Cursor):
    """psycopg's cursor with `_ConvertedOnce` queries (the exact psycopg kzreg pins: ADR 0003)."""

    _query_cls = _ConvertedOnce


def _pg_cursor(db: BaseDatabaseWrapper) -> psycopg.Cursor:
    """A cursor of its own on the connection. With the session in UTC, as Django keeps it when USE_TZ is
    on, it loads timestamptz with psycopg's own loader (C), which then gives what Django's pure-Python
    loader gives (aware, `datetime.timezone.utc`) for about a tenth of the cost. Its statements' placeholders
    are converted once per text (`_ConvertedOnce`)."""
    cursor = _Cursor(db.connection)
    if settings.USE_TZ and db.timezone_name == "UTC":
        cursor.adapters.register_loader(_TIMESTAMPTZ_OID, TimestamptzLoader)
    return cursor


def _pending_pg_cursor(db: BaseDatabaseWrapper) -> psycopg.Cursor:
    """`_pg_cursor` for a statement whose answer is read later (inside `pipeline()`): one of the connection's
    cursors whose last answer was read (`_release`), else a new one. Making one cost ~25 µs (the loader
    registration copies the adapters' table), three or more a registration; each statement still has a
    cursor of its own while its answer is pending."""
    free: list[psycopg.Cursor] | None = getattr(db.connection, "_kzreg_free_cursors", None)
    while free:
        cursor = free.pop()
        if not cursor.closed:
            return cursor
    return _pg_cursor(db)


def _release(db: BaseDatabaseWrapper, cursor: psycopg.Cursor) -> None:
    """A `_pending_pg_cursor` whose answer has been read goes back to its connection for the next one (a few
    are kept); one whose answer failed is closed instead, by the caller."""
    raw = db.connection
    if raw is None or cursor.connection is not raw:
        cursor.close()
        return
    free: list[psycopg.Cursor] | None = getattr(raw, "_kzreg_free_cursors", None)
    if free is None:
        free = []
        setattr(raw, "_kzreg_free_cursors", free)  # noqa: B010 (psycopg's Connection declares no such slot)
    if len(free) < _FREE_CURSORS:
        free.append(cursor)
    else:
        cursor.close()


_FREE_CURSORS = 8


def _reused_pg_cursor(db: BaseDatabaseWrapper) -> psycopg.Cursor:
    """`_pg_cursor`, made once per connection and kept with it: making one (and its adapters) cost a
    check about a tenth of its CPU. Only `_execute` uses it, which reads its answer before it returns,
    so no statement's rows are pending on it when the next one runs; a connection belongs to one thread."""
    raw = db.connection
    cursor: psycopg.Cursor | None = getattr(raw, "_kzreg_cursor", None)
    if cursor is None or cursor.closed:
        cursor = _pg_cursor(db)
        raw._kzreg_cursor = cursor
    return cursor


def _execute(sql: str, params: Sequence[Any], fetch: str = "", db: BaseDatabaseWrapper | None = None) -> Any:
    """Runs one statement on the driver's own cursor, in the connection's current transaction.

    Django's cursor wrapper re-creates a cursor and rewrites the SQL on every call; here the SQL is
    rewritten once, and on PostgreSQL a server-binding cursor lets psycopg prepare the statements it sees
    again (`prepare_threshold` in the settings).
    """
    db = db or _db()
    db.ensure_connection()
    raw = db.connection
    assert raw is not None
    postgresql = db.vendor == "postgresql"
    cursor = _reused_pg_cursor(db) if postgresql else raw.cursor()
    try:
        with db.wrap_database_errors:  # driver errors become Django's (IntegrityError, …)
            cursor.execute(_native(sql, db.vendor), params)
        if fetch == "one":
            return cursor.fetchone()
        if fetch == "all":
            return cursor.fetchall()
        return getattr(cursor, "lastrowid", None) if fetch == "lastrowid" else None
    finally:
        if not postgresql:
            cursor.close()


def _pipeline_of(db: BaseDatabaseWrapper) -> psycopg.Pipeline | None:
    raw = db.connection
    return getattr(raw, "_pipeline", None) if db.vendor == "postgresql" else None


class Block:
    """What a `pipeline()` block may still decide inside: `commit` (as the argument), for a caller that
    knows only after its last statements whether anything else writes after them."""

    def __init__(self, commit: bool):
        self.commit = commit


@contextlib.contextmanager
def pipeline(commit: bool = False, model: type[Model] | None = None) -> Iterator[Block]:
    """PostgreSQL pipeline mode for a group of statements (a no-op on other databases).

    Leaving it waits for every answer, so a failed write (a unique index, a foreign key) is raised here
    at the latest, as Django's IntegrityError, inside the caller's transaction. Only this module's
    statements and ORM reads belong inside: an ORM write reads its row count at once (`save()` decides
    between UPDATE and INSERT by it), and pipeline mode gives that only with the answer.

    `commit=True` is for the last statements of a transaction that nothing else writes to afterwards
    (see `Context.ends_transaction`): COMMIT goes with them, one round trip instead of two, and the
    enclosing `atomic()` finds nothing left to commit. It needs kzreg's PostgreSQL backend; with
    another, the transaction commits at the end of `atomic()` as usual. The pipeline is on the connection
    of `model`'s writes (by default the registry's).
    """
    db = _db(model)
    block = Block(commit)
    if db.vendor != "postgresql":
        yield block
        return
    db.ensure_connection()
    raw = db.connection
    assert raw is not None
    with db.wrap_database_errors:
        try:
            with raw.pipeline():
                yield block
                queue_commit = getattr(raw, "queue_commit", None)
                if block.commit and queue_commit is not None:
                    queue_commit()
        except psycopg.errors.PipelineAborted as aborted:
            raise _cause_of(aborted) from None


def _cause_of(aborted: psycopg.errors.PipelineAborted) -> psycopg.Error:
    """The failure that aborted a pipeline. When its answer and a later statement's "aborted" arrive in
    two reads, psycopg raises the second while handling the first (a unique index reported as "pipeline
    aborted", say); the first is the one that tells what happened."""
    error: BaseException | None = aborted
    while error is not None:
        if isinstance(error, psycopg.Error) and not isinstance(error, psycopg.errors.PipelineAborted):
            return error
        error = error.__context__
    return aborted


def _quote(name: str) -> str:
    return connections[router.db_for_write(_history())].ops.quote_name(name)


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
    return lambda value: field.get_db_prep_save(value, db)


@functools.cache
def _preparers(model: type[Model], vendor: str) -> list[tuple[str, Callable[[Any], Any]]]:
    db = _db(model)
    return [(f.attname, _preparer(f, db)) for f in _insert_fields(model)]


def _values(obj: Model, fields: Sequence[Field], db: BaseDatabaseWrapper) -> list[Any]:
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields):
        return [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    return [prepare(getattr(obj, attname)) for attname, prepare in _preparers(type(obj), db.vendor)]


def insert_row(model: type[Model], values: dict[str, Any]) -> None:
    """INSERT a row given as attribute values, without building a model instance (history, link rows)."""
    db = _db(model)
    row = [prepare(values[attname]) for attname, prepare in _preparers(model, db.vendor)]
    _execute(_insert_sql(model, db.vendor, False), row, db=db)


@functools.cache
def _insert_many_sql(model: type[Model], vendor: str, count: int) -> str:
    head, marks = _insert_sql(model, vendor, False).split(" VALUES ", 1)
    return f"{head} VALUES {', '.join([marks] * count)}"


def _insert_head(model: type[Model], vendor: str) -> str:
    """`INSERT INTO table (columns)`, for a caller that writes its own VALUES."""
    return _insert_sql(model, vendor, False).split(" VALUES ", 1)[0]


# psycopg parses a statement with more parameters than this again on every run (so it is never
# prepared): multi-row INSERTs on PostgreSQL stay below it. SQLite, in-process, takes bigger ones.
_PSYCOPG_CACHED_PARAMETERS = 50
_SQLITE_ROWS_PER_INSERT = 50


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Rows given as attribute values (every column but the key), inserted in their order with
    multi-row INSERTs: one statement for a domain's name-server links, a few for a batch of replies.
    Inside `pipeline()` the statements go out together."""
    db = _db(model)
    preparers = _preparers(model, db.vendor)
    if db.vendor == "postgresql":
        per_statement = max(1, _PSYCOPG_CACHED_PARAMETERS // len(preparers))
    else:
        per_statement = _SQLITE_ROWS_PER_INSERT
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = [prepare(row[attname]) for row in chunk for attname, prepare in preparers]
        _execute(_insert_many_sql(model, db.vendor, len(chunk)), values, db=db)


def _assign_key(obj: Model, pk: int, db: BaseDatabaseWrapper) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = db.alias


def insert(obj: M) -> M:
    """INSERT one new row and give `obj` its primary key, as `obj.save(force_insert=True)` would."""
    model = type(obj)
    db = _db(model)
    values = _values(obj, _insert_fields(model), db)
    if db.features.can_return_columns_from_insert:
        pk = _execute(_insert_sql(model, db.vendor, True), values, "one", db)[0]
    else:
        pk = _execute(_insert_sql(model, db.vendor, False), values, "lastrowid", db)
    _assign_key(obj, pk, db)
    return obj


class _ParentKey:
    def __repr__(self) -> str:
        return "PARENT_KEY"


PARENT_KEY: Any = _ParentKey()
"""Stands, in a child row given to `insert_with_children`, where the new parent row's key goes."""


def _family_parts(
    model: type[Model], vendor: str, children: tuple[tuple[type[Model], int, tuple[int, ...]], ...]
) -> tuple[list[str], str]:
    """The common table expressions of `_family_sql` and the new row's key column."""
    pk = model._meta.pk
    assert pk is not None
    key = _quote(_column(pk))
    parts = [f"parent AS ({_insert_sql(model, vendor, True)})"]
    for n, (child, count, parent_columns) in enumerate(children, 1):
        fields = _insert_fields(child)
        marks = ", ".join(f"(SELECT {key} FROM parent)" if i in parent_columns else "%s" for i in range(len(fields)))
        parts.append(f"child{n} AS ({_insert_head(child, vendor)} VALUES {', '.join([f'({marks})'] * count)})")
    return parts, key


@functools.cache
def _family_sql(model: type[Model], vendor: str, children: tuple[tuple[type[Model], int, tuple[int, ...]], ...]) -> str:
    """`WITH parent AS (INSERT … RETURNING key), child1 AS (INSERT … VALUES (…, (SELECT key FROM parent), …))
    SELECT key FROM parent`: one statement for a row and the rows that refer to it. `children` holds each
    child model, its row count and the positions of its columns that take the parent's key."""
    parts, key = _family_parts(model, vendor, children)
    return f"WITH {', '.join(parts)} SELECT {key} FROM parent"


@functools.cache
def _family_sql_riding(
    model: type[Model],
    vendor: str,
    children: tuple[tuple[type[Model], int, tuple[int, ...]], ...],
    riders: tuple[tuple[str, str], ...],
) -> str:
    """`_family_sql` with the guards' riders (`guards.Rider`: their CTEs after the family's, their columns
    after the key). The answer's row is read from `parent`, so the new row is inserted before any rider's
    expression runs (a lost race for the name waits there, before a guard locks anything)."""
    parts, key = _family_parts(model, vendor, children)
    ctes = "".join(f", {rider_ctes}" for rider_ctes, _ in riders)
    columns = "".join(f", {rider_columns}" for _, rider_columns in riders)
    return f"WITH {', '.join(parts)}{ctes} SELECT parent.{key}{columns} FROM parent"


def family_key_sql(model: type[Model]) -> str:
    """The new row's key inside its own `insert_with_children` statement (for a guard's rider)."""
    pk = model._meta.pk
    assert pk is not None
    return f"(SELECT {_quote(_column(pk))} FROM parent)"


class InsertedKey:
    """The key of a row written by `insert_with_children`. Inside `pipeline()` on PostgreSQL the statement
    is only sent, and `value()` after the block reads the key (and gives it to the object); elsewhere the
    key is known at once."""

    def __init__(self, obj: Model, db: BaseDatabaseWrapper, cursor: Any = None, riders: Sequence[Any] = ()):
        self._obj, self._db, self._cursor, self._riders = obj, db, cursor, riders

    def sql(self) -> str:
        """An SQL expression for the key, for a statement sent after this one in the same pipeline (the key is
        not known until the answers come): the value the row's INSERT drew from its sequence in this session
        (`currval`), or the key itself once known."""
        if self._obj.pk is not None:
            return str(int(self._obj.pk))
        meta = self._obj._meta
        assert meta.pk is not None
        return f"currval(pg_get_serial_sequence('{meta.db_table}', '{_column(meta.pk)}'))"

    def value(self) -> int:
        cursor = self._cursor
        if cursor is not None:
            self._cursor = None
            try:
                with self._db.wrap_database_errors:
                    row = cursor.fetchone()
                _assign_key(self._obj, row[0], self._db)
                _answer(self._riders, row)
            except BaseException:
                cursor.close()
                raise
            _release(self._db, cursor)
        return self._obj.pk


def _answer(riders: Sequence[Any], row: Sequence[Any]) -> None:
    """Each rider's columns of the statement's answer, after the key."""
    at = 1
    for rider in riders:
        rider.answer(tuple(row[at : at + rider.width]))
        at += rider.width


def insert_with_children(
    obj: Model,
    children: Sequence[tuple[type[Model], Sequence[dict[str, Any]]]],
    riders: Callable[[str, str], Sequence[Any]] | None = None,
) -> InsertedKey:
    """INSERT a new row and the rows that refer to it (a domain, its name-server links and its history),
    the children given as attribute values with `PARENT_KEY` where the new key goes.

    On PostgreSQL it is one statement (data-modifying WITH), so the server parses, plans and answers one
    message instead of one per table and nothing waits for a key in between; elsewhere the parent first,
    then each child's rows. Inside `pipeline()` on PostgreSQL, `riders` (given the new key's SQL expression and
    the connection's alias) names the guards' riders (`guards.ride`) that join the statement; elsewhere it is
    not asked."""
    db = _db(type(obj))
    children = [(model, child_rows) for model, child_rows in children if child_rows]
    if db.vendor != "postgresql":
        insert(obj)
        for model, child_rows in children:
            insert_rows(model, [{k: obj.pk if v is PARENT_KEY else v for k, v in row.items()} for row in child_rows])
        return InsertedKey(obj, db)
    params = _values(obj, _insert_fields(type(obj)), db)
    shape = []
    for model, child_rows in children:
        preparers = _preparers(model, db.vendor)
        parent_columns = tuple(i for i, (attname, _) in enumerate(preparers) if child_rows[0][attname] is PARENT_KEY)
        shape.append((model, len(child_rows), parent_columns))
        params.extend(
            prepare(row[attname])
            for row in child_rows
            for i, (attname, prepare) in enumerate(preparers)
            if i not in parent_columns
        )
    if _pipeline_of(db) is None:
        _assign_key(obj, _execute(_family_sql(type(obj), db.vendor, tuple(shape)), params, "one", db)[0], db)
        return InsertedKey(obj, db)
    joining = riders(family_key_sql(type(obj)), db.alias) if riders is not None else ()
    if joining:
        for rider in joining:
            params.extend(rider.params)
        sql = _family_sql_riding(
            type(obj), db.vendor, tuple(shape), tuple((rider.ctes, rider.columns) for rider in joining)
        )
    else:
        sql = _family_sql(type(obj), db.vendor, tuple(shape))
    cursor = _pending_pg_cursor(db)
    with db.wrap_database_errors:
        cursor.execute(sql, params)
    return InsertedKey(obj, db, cursor, joining)


@functools.cache
def _insert_unless_sql(model: type[Model], vendor: str, column: str) -> str:
    pk = model._meta.pk
    assert pk is not None
    return (
        f"{_insert_sql(model, vendor, False)} ON CONFLICT ({_quote(_column(_concrete(model, column)))}) "
        f"DO NOTHING RETURNING {_quote(_column(pk))}"
    )


def insert_unless_exists(obj: Model, unique_field: str) -> bool:
    """INSERT a new row unless one with the same value in `unique_field` exists; True if inserted (and
    `obj` has its key). Losing a race for a unique value needs no savepoint this way, so it stays one
    statement, and nothing fails that a pipeline would have to report later."""
    model = type(obj)
    db = _db(model)
    row = _execute(
        _insert_unless_sql(model, db.vendor, unique_field), _values(obj, _insert_fields(model), db), "one", db
    )
    if row is None:
        return False
    _assign_key(obj, row[0], db)
    return True


def fetch_one(sql: str, params: Sequence[Any]) -> tuple | None:
    """The first row of a statement with `%s` placeholders (an UPSERT … RETURNING, say)."""
    return _execute(sql, list(params), "one")


def fetch_all(sql: str, params: Sequence[Any], model: type[Model]) -> list[tuple]:
    """All rows of a plain SELECT on `model`'s table(s), `%s` placeholders, on the database the routers
    choose for reading `model` (tuples, no instances: EPP's check reads only names)."""
    rows: list[tuple] = _execute(sql, list(params), "all", _db(model, read=True))
    return rows


def quote(name: str) -> str:
    """A table or column name quoted for this database."""
    return _quote(name)


def _concrete(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


@functools.cache
def _select(model: type[Model], vendor: str, columns: tuple[str, ...], where: str) -> tuple[str, list, list]:
    wanted = {_concrete(model, name) for name in columns}
    # In the model's own order: `Model.from_db` gives the values to the fields in that order.
    fields = [f for f in model._meta.concrete_fields if f in wanted]
    table = _quote(model._meta.db_table)
    sql = f"SELECT {', '.join(f'{table}.{_quote(_column(f))}' for f in fields)} FROM {table} WHERE {where}"
    db = _db(model)  # converters depend on the vendor only (the cache key)
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        chain = db.ops.get_db_converters(col) + f.get_db_converters(db)
        if chain:  # most columns need none: skip them entirely when reading rows
            converters.append((i, col, chain))
    return sql, [f.attname for f in fields], converters


class Pending(Generic[M]):
    """The rows of a SELECT already sent; inside `pipeline()` they are read on first use, so several
    reads issued one after another reach the server together and come back in one round trip.

    `riders` (inside `pipeline()` on PostgreSQL, given the connection's alias): guards' reads of at most one
    row each (`guards.ReadRider`) that join this statement as LEFT JOINs, so they cost no statement of their
    own; each is given a function that returns its columns (NULLs when it found no row)."""

    def __init__(
        self,
        model: type[M],
        columns: Sequence[str],
        where: str,
        params: Sequence[Any],
        riders: Callable[[str], Sequence[Any]] | None = None,
    ):
        db = _db(model, read="FOR UPDATE" not in where)  # a locking read belongs to the writes, as in the ORM
        self._db, self._model = db, model
        self._sql, self._attnames, self._converters = _select(model, db.vendor, tuple(columns), where)
        self._rows: list[M] | None = None
        self._cursor: Any = None
        self._extra: list[Any] = []  # with riders: the first row read, their columns after this SELECT's own
        if _pipeline_of(db) is None:  # nothing to gain by waiting: read now
            self._rows = self._convert(_execute(self._sql, list(params), "all", db))
            return
        sql, joining = self._sql, riders(db.alias) if riders is not None and self._keyed() else ()
        if joining:
            sql = _select_riding(self._sql, tuple(rider.sql for rider in joining))
            params = [*params, *(value for rider in joining for value in rider.params)]
        self._cursor = _pending_pg_cursor(db)
        with db.wrap_database_errors:
            self._cursor.execute(sql, list(params))
        at = len(self._attnames)
        for rider in joining:
            rider.answer(functools.partial(self._rider_columns, at, rider.width))
            at += rider.width

    def _keyed(self) -> bool:
        """Whether this SELECT reads the primary key (a row LEFT JOINed to nothing is then told by it)."""
        pk = self._model._meta.pk
        return pk is not None and pk.attname in self._attnames

    def _rider_columns(self, at: int, width: int) -> tuple[Any, ...]:
        self.rows()
        return tuple(self._extra[at : at + width]) if self._extra else (None,) * width

    def rows(self) -> list[M]:
        if self._rows is None:
            cursor, self._cursor = self._cursor, None
            try:
                with self._db.wrap_database_errors:
                    fetched = cursor.fetchall()
            except BaseException:
                cursor.close()
                raise
            _release(self._db, cursor)
            if fetched and len(fetched[0]) > len(self._attnames):  # riders joined: their columns, own rows only
                self._extra = list(fetched[0])
                key = self._attnames.index(cast(Field, self._model._meta.pk).attname)
                fetched = [row[: len(self._attnames)] for row in fetched if row[key] is not None]
            self._rows = self._convert(fetched)
        return self._rows

    def _convert(self, rows: list[tuple]) -> list[M]:
        db, out = self._db, []
        for row in rows:
            values = list(row)
            for i, col, chain in self._converters:
                for convert in chain:
                    values[i] = convert(values[i], col, db)
            out.append(self._model.from_db(db.alias, self._attnames, values))
        return out


@functools.cache
def _select_riding(own: str, riders: tuple[str, ...]) -> str:
    """`own`'s rows with each rider's one row (or NULLs) beside them, and one row of NULLs for `own` when it
    finds none, so the riders' answers always come back."""
    joins = "".join(f" LEFT JOIN ({sql}) AS rider{n} ON true" for n, sql in enumerate(riders, 1))
    columns = "".join(f", rider{n}.*" for n in range(1, len(riders) + 1))
    return f"SELECT own.*{columns} FROM (SELECT 1) AS one LEFT JOIN ({own}) AS own ON true{joins}"


def select_soon(
    model: type[M],
    columns: Sequence[str],
    where: str,
    params: Sequence[Any],
    riders: Callable[[str], Sequence[Any]] | None = None,
) -> Pending[M]:
    """Sends a SELECT now and reads its rows later (`.rows()`): see `Pending` (and its `riders`)."""
    return Pending(model, columns, where, params, riders)


def select(model: type[M], columns: Sequence[str], where: str, params: Sequence[Any]) -> list[M]:
    """Instances with only `columns` loaded (others load on first access, as with `.only()`)."""
    return Pending(model, columns, where, params).rows()


def execute(sql: str, params: Sequence[Any]) -> None:
    """A statement that returns nothing (an UPDATE of a counter), `%s` placeholders."""
    _execute(sql, list(params))


def for_update() -> str:
    """The row-lock clause where the database has one (SQLite's writers are serialised anyway)."""
    return " FOR UPDATE" if _db().features.has_select_for_update else ""


@functools.cache
def all_columns(model: type[Model]) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields)


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
