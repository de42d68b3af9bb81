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


def _json(value: Any) -> str:
    """JSON text as JSONField reads it back; Cyrillic kept as is (shorter and faster than \\u escapes)."""
    return _encode(value)


def _converter(field: models.Field, vendor: str) -> Converter:
    if isinstance(field, models.JSONField):
        return _json
    if vendor == "sqlite" and isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if vendor == "sqlite" and isinstance(field, models.DateField):
        return lambda value: value.isoformat() if value else None
    return None


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's `COPY` text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


class Table:
    """One model's table: its columns (with or without `id`) and how to turn an object into a row."""

    def __init__(self, model: type[models.Model], with_id: bool):
        meta = model._meta
        self.model = model
        self.name = meta.db_table
        self.fields = [f for f in meta.concrete_fields if with_id or not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        converters = [_converter(f, connection.vendor) for f in self.fields]
        self.converters = [(i, c) for i, c in enumerate(converters) if c is not None]
        self.values = operator.itemgetter(*self.attnames)

    def row(self, values: dict[str, Any] | object) -> tuple | list:
        """A row from a dict of attribute names or an object that has them (every column must be given)."""
        out = list(self.values(values if isinstance(values, dict) else values.__dict__))
        for i, convert in self.converters:
            if out[i] is not None:
                out[i] = convert(out[i])
        return out

    def payload(self, objects: Iterable[dict[str, Any] | object]) -> list | str:
        """What `Sink.write` takes: rows for SQLite; for PostgreSQL the `COPY` text itself, so that the
        process building rows (not the one writing them) pays for the formatting."""
        rows = [self.row(o) for o in objects]
        if connection.vendor != "postgresql":
            return rows
        return "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)


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

    def write(self, table: Table, rows: Iterable[tuple] | str) -> int:
        """Rows (or, on PostgreSQL, ready `COPY` text from `Table.payload`); returns how many were written."""
        cols = ", ".join(self.quote(c) for c in table.columns)
        count = 0
        if isinstance(rows, str):
            if rows:
                with self._raw().cursor() as cursor, cursor.copy(f"COPY {self.quote(table.name)} ({cols}) FROM STDIN") as copy:  # fmt: skip
                    copy.write(rows)
            return rows.count("\n")
        if self.vendor == "sqlite":
            marks = ", ".join("?" for _ in table.columns)
            cursor = self._raw().cursor()
            rows = list(rows)
            cursor.executemany(f"INSERT INTO {self.quote(table.name)} ({cols}) VALUES ({marks})", rows)
            return len(rows)
        with self._raw().cursor() as cursor, cursor.copy(f"COPY {self.quote(table.name)} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

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
