"""Fast row writers for the bulk loader: `executemany` on SQLite, `COPY` on PostgreSQL.

Columns come from the models' own metadata, so a new column in `kzreg.registry.models` is written (or
fails loudly as NOT NULL) without touching this module. Values are converted the way Django itself would
store them: aware datetimes as naive UTC text on SQLite, JSON as text on both.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from kzreg.registry.models import HandleSequence

Converter = Callable[[Any], Any] | None


_formatted: dict[dt.datetime, str] = {}


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime under USE_TZ: naive UTC, space-separated.

    A domain's moment recurs in its row, its contact and its history, so each is formatted once.
    """
    text = _formatted.get(value)
    if text is None:
        if len(_formatted) > 200_000:
            _formatted.clear()
        text = str(value.astimezone(dt.UTC).replace(tzinfo=None))
        _formatted[value] = text
    return text


_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _plain_json_string(text: Any) -> bool:
    """A str that JSON writes as is between quotes (no quote, backslash or control character)."""
    return text.__class__ is str and text.isprintable() and '"' not in text and "\\" not in text


def _json(value: Any) -> str:
    """JSON text as JSONField reads it back; Cyrillic kept as is (shorter and faster than \\u escapes).

    Most values are short lists of plain strings (phones, e-mails, flags, DS records, often empty): they
    are joined directly, in exactly the encoder's format, because setting up the encoder for each of them
    cost more than the encoding.
    """
    if value.__class__ is list and all(map(_plain_json_string, value)):
        return '["' + '", "'.join(value) + '"]' if value else "[]"
    return _encode(value)


def _converter(field: models.Field, vendor: str) -> Converter:
    if isinstance(field, models.JSONField):
        return _json
    if vendor == "postgresql" and isinstance(field, models.DateTimeField):
        return _iso_datetime
    if vendor == "sqlite" and isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if vendor == "sqlite" and isinstance(field, models.DateField):
        return lambda value: value.isoformat() if value else None
    return None


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's `COPY` text format (JSON and datetimes arrive already converted)."""
    if value is None:
        return "\\N"
    if value.__class__ is int:
        return str(value)
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_line(row: Sequence[Any], columns: int) -> str:
    """One `COPY` line. Generated text rarely needs escaping, so the joined line is checked once and only
    a line with a tab, newline or backslash in its text goes value by value through `_copy_text`."""
    line = "\t".join([v if v.__class__ is str else _copy_text(v) for v in row])
    if (
        line.count("\t") != columns - 1
        or "\n" in line
        or "\r" in line
        or ("\\" in line and any("\\" in v for v in row if v.__class__ is str))  # `\N` is a NULL's own
    ):
        line = "\t".join(map(_copy_text, row))
    return line


_isoformats: dict[dt.datetime, str] = {}


def _iso_datetime(value: dt.datetime) -> str:
    """An aware datetime for `COPY`, formatted once per moment (it recurs in a domain's rows)."""
    text = _isoformats.get(value)
    if text is None:
        if len(_isoformats) > 200_000:
            _isoformats.clear()
        text = _isoformats[value] = value.isoformat()
    return text


class Table:
    """One model's table: its columns (with or without `id`) and how to turn an object into a row."""

    def __init__(self, model: type[models.Model], with_id: bool):
        meta = model._meta
        self.model = model
        self.name = meta.db_table
        self.fields = [f for f in meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.columns = [str(f.column) for f in self.fields]  # concrete fields always have one
        converters = [_converter(f, connection.vendor) for f in self.fields]
        self.converters = [(i, c) for i, c in enumerate(converters) if c is not None]
        self.values = operator.itemgetter(*self.attnames)
        # Columns the loader need not know: the model's default (a column added later gets its default
        # here, as the ORM would give it), or NULL where allowed.
        self.defaults = {f.attname: f.get_default() for f in self.fields if f.has_default() or f.null}

    def row(self, values: dict[str, Any] | object) -> tuple | list:
        """A row from a dict of attribute names or an object that has them (every column without a default
        must be given)."""
        given = values if isinstance(values, dict) else values.__dict__
        try:
            out = list(self.values(given))
        except KeyError:
            out = list(self.values({**self.defaults, **given}))
        for i, convert in self.converters:
            if out[i] is not None:
                out[i] = convert(out[i])
        return out

    def payload(self, objects: Iterable[dict[str, Any] | object]) -> list | bytes:
        """What `Sink.write` takes: rows for SQLite; for PostgreSQL the encoded `COPY` text itself, so that
        the process building rows (not the one writing them) pays for the formatting."""
        rows = [self.row(o) for o in objects]
        if connection.vendor != "postgresql":
            return rows
        columns = len(self.columns)
        return "".join([_copy_line(row, columns) + "\n" for row in rows]).encode()


class Sink:
    """Writes rows into the current Django connection inside the caller's transaction."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise RuntimeError(f"bulk loading needs SQLite or PostgreSQL, not {self.vendor}")
        self.quote = connection.ops.quote_name

    def _raw(self) -> Any:
        connection.ensure_connection()
        return connection.connection

    def prepare(self) -> None:
        """Session settings for bulk work; durability comes back with `finish()`.

        Inside a caller's transaction (tests) they are left alone: SQLite refuses them there.
        """
        self.tuned = not connection.in_atomic_block
        if not self.tuned:
            return
        if self.vendor == "sqlite":
            raw = self._raw()
            for pragma in ("synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY"):
                raw.execute(f"PRAGMA {pragma}")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO OFF")
                cursor.execute("SELECT current_setting('is_superuser')")
                if (
                    cursor.fetchone()[0] == "on"
                ):  # skip per-row foreign-key triggers: rows are consistent by construction
                    cursor.execute("SET session_replication_role = replica")

    def finish(self, tables: Sequence[Table]) -> None:
        """Durable again, and fresh planner statistics for the benchmarks that follow."""
        if not self.tuned:
            return
        if self.vendor == "sqlite":
            raw = self._raw()
            raw.execute("PRAGMA synchronous=NORMAL")
            raw.execute("PRAGMA optimize")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO ON")
                cursor.execute("RESET session_replication_role")
                for table in tables:
                    cursor.execute(f"ANALYZE {self.quote(table.name)}")

    def write(self, table: Table, rows: Iterable[tuple] | bytes) -> int:
        """Rows (or, on PostgreSQL, ready `COPY` text from `Table.payload`); returns how many were written."""
        cols = ", ".join(self.quote(column) for column in table.columns)
        if isinstance(rows, bytes):
            if rows:
                with self._raw().cursor() as cursor, cursor.copy(f"COPY {self.quote(table.name)} ({cols}) FROM STDIN") as copy:  # fmt: skip
                    copy.write(rows)
            return rows.count(b"\n")
        rows = list(rows)
        if self.vendor == "sqlite":
            marks = ", ".join("?" for _ in table.columns)
            self._raw().cursor().executemany(f"INSERT INTO {self.quote(table.name)} ({cols}) VALUES ({marks})", rows)
            return len(rows)
        with self._raw().cursor() as cursor, cursor.copy(f"COPY {self.quote(table.name)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return len(rows)

    def plain_indexes(self, tables: Sequence[Table]) -> list[tuple[str, str]]:
        """(name, CREATE INDEX statement) of the tables' non-unique indexes, as the models declare them.

        Django's schema editor says which they are (the same statements `migrate` ran), so the loader can
        drop them for the load and build them again afterwards; unique indexes and keys stay, and keep
        guarding names, handles and versions during the load.
        """
        editor = connection.schema_editor(collect_sql=True)  # not entered: only its SQL builders are used
        return [
            (str(statement.parts["name"]).strip('"'), str(statement))
            for table in tables
            for statement in editor._model_indexes_sql(table.model)  # type: ignore[attr-defined]
        ]

    def existing_indexes(self, tables: Sequence[Table]) -> set[str]:
        with connection.cursor() as cursor:
            return {
                name
                for table in tables
                for name, info in connection.introspection.get_constraints(cursor, table.name).items()
                if info["index"]
            }

    def drop_indexes(self, indexes: Iterable[tuple[str, str]]) -> None:
        with connection.cursor() as cursor:
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {self.quote(name)}")

    def create_indexes(self, indexes: Iterable[tuple[str, str]]) -> None:
        """Builds indexes (the sorted build of a whole column beats a million single inserts into it)."""
        with connection.cursor() as cursor:
            if self.vendor == "postgresql" and connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pending deferred checks refuse CREATE INDEX
            if self.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem TO '512MB'")  # this session's index builds only
            for _, sql in indexes:
                cursor.execute(sql)
            if self.vendor == "postgresql":
                cursor.execute("RESET maintenance_work_mem")

    def advance_handle_sequences(self, last: dict[str, int]) -> None:
        """Moves `HandleSequence` past the handles the load gave out, as the operations count them (R5)."""
        table = self.quote(HandleSequence._meta.db_table)
        greatest = "MAX" if self.vendor == "sqlite" else "GREATEST"
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (stem, last) VALUES (%s, %s) "
                f"ON CONFLICT (stem) DO UPDATE SET last = {greatest}({table}.last, excluded.last)",
                sorted(last.items()),
            )

    def reserve_ids(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive primary keys that no other writer will be given.

        The sequence is moved past the block first, so the operations running meanwhile (or afterwards)
        never collide with the loaded rows.
        """
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.quote(table)}")
            highest = cursor.fetchone()[0]
            if self.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                found = cursor.fetchone()
                first = max(highest, found[0] if found else 0) + 1
                if found:
                    cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + count - 1, table])
                else:
                    cursor.execute(
                        "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first + count - 1]
                    )
                return first
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})) + %s)",
                [sequence, highest, count],
            )
            last = cursor.fetchone()[0]
            return last - count + 1
