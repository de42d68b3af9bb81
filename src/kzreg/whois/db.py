"""A plain DB-API connection for the WHOIS server, opened from Django's own database settings.

The port-43 server answers thousands of queries a second from an event loop; the ORM (and its
async-safety guard) costs more than the query itself, so the server reads through one raw
autocommit connection: every SELECT sees the latest committed state, and no read transaction is held.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from django.db import connection as django_connection


@dataclass
class RawDatabase:
    """A DB-API connection plus what the SQL text needs to know about its dialect."""

    connection: Any
    vendor: str  # "sqlite" or "postgresql"
    qmark: bool = False  # the driver wants `?` placeholders (the sqlite3 module)

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Runs one statement written with `%s` placeholders; returns all rows."""
        if self.qmark:
            sql = sql.replace("%s", "?")
            return self.connection.execute(sql, params).fetchall()  # sqlite3 keeps prepared statements
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def close(self) -> None:
        self.connection.close()


def open_raw_database() -> RawDatabase:
    """A new read-only autocommit connection to the database Django uses (in tests: the test database)."""
    settings = django_connection.settings_dict
    if django_connection.vendor == "sqlite":
        conn = sqlite3.connect(settings["NAME"], isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA query_only=1")
        conn.execute("PRAGMA busy_timeout=30000")
        # Reads are random over the whole file: map it and keep a large page cache (per process).
        conn.execute("PRAGMA mmap_size=1073741824")
        conn.execute("PRAGMA cache_size=-131072")
        return RawDatabase(conn, "sqlite", qmark=True)
    if django_connection.vendor == "postgresql":
        import psycopg

        conn = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        )
        return RawDatabase(conn, "postgresql")
    raise RuntimeError(f"WHOIS: unsupported database vendor {django_connection.vendor!r}")


def django_database() -> RawDatabase:
    """Django's own connection of this thread, for the web page (same SQL, same rendering)."""
    django_connection.ensure_connection()
    return RawDatabase(_DjangoCursorAdapter(), django_connection.vendor)


class _DjangoCursorAdapter:
    """Makes Django's connection look like a DB-API connection; its cursors take `%s` on every backend."""

    def cursor(self) -> Any:
        return django_connection.cursor()

    def close(self) -> None:  # Django manages its own connection
        return None
