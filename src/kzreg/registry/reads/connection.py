"""A plain DB-API connection for the registry's fastest readers, opened from Django's own database settings.

The WHOIS server answers thousands of queries a second from an event loop; the ORM (and its
async-safety guard) costs more than the query itself, so it reads through one raw autocommit
connection: every SELECT sees the latest committed state, and no read transaction is held. The
database is the one Django's routers choose for reading registry rows (a read replica, once configured).
`django_database` gives the same interface over Django's own connection (the web page, the answer store).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from kzreg.registry.models import Domain


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
    """A new read-only autocommit connection to the database Django reads registry rows from (in tests: the
    test database)."""
    django_connection = _reading()
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

        pg = psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            autocommit=True,
        )
        return RawDatabase(pg, "postgresql")
    raise RuntimeError(f"registry reads: unsupported database vendor {django_connection.vendor!r}")


def django_database() -> RawDatabase:
    """Django's own connection of this thread, for the web page (same SQL, same rendering)."""
    alias = router.db_for_read(Domain)
    connections[alias].ensure_connection()
    return RawDatabase(_DjangoCursorAdapter(alias), connections[alias].vendor)


def _reading() -> BaseDatabaseWrapper:
    """This thread's connection to the database the routers choose for reading registry rows."""
    return connections[router.db_for_read(Domain)]


class _DjangoCursorAdapter:
    """Makes Django's connection look like a DB-API connection; its cursors take `%s` on every backend."""

    def __init__(self, alias: str):
        self.alias = alias  # not the connection: each thread that reads through this has its own

    def cursor(self) -> Any:
        return connections[self.alias].cursor()

    def close(self) -> None:  # Django manages its own connection
        return None
