"""The read side of the exporter: raw SQL streams over the registry tables (P2).

One ordered join yields the delegations; a second stream yields the in-zone hosts that need glue. Both go
through `connection.chunked_cursor()` (a server-side cursor on PostgreSQL, a stepping cursor on SQLite),
so memory stays flat however large the zone is. The delegation rule is `registry.status.DELEGATED_SQL`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.db import connection

from kzreg.registry.models import Domain, DomainNameServer, HistoryEntry, Host
from kzreg.registry.status import DELEGATED_SQL

FETCH = 5000  # rows per round trip

DOMAIN = Domain._meta.db_table
LINK = DomainNameServer._meta.db_table
HOST = Host._meta.db_table
HISTORY = HistoryEntry._meta.db_table

DELEGATED = DELEGATED_SQL  # the one R13 rule's `is_delegated`, as SQL


def _db_time(at: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(at)


def json_list(value: object) -> list:
    """A JSON list column: parsed by psycopg on PostgreSQL, text on SQLite."""
    if not value:
        return []
    if isinstance(value, str):
        return json.loads(value) if value != "[]" else []
    return list(value)  # type: ignore[call-overload]


def _stream(sql: str, params: list) -> Iterator[tuple]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            yield from rows


def delegation_rows(zone_id: int, at: dt.datetime) -> Iterator[tuple[int, str, object, int, str]]:
    """(domain id, name, ds_records, position, host name) of every delegated domain's name servers.

    Ordered by domain id only: both databases then walk the zone index without a sort step (a sort by
    name costs SQLite half as much again at a million domains); the caller orders each domain's few
    name servers by position itself.
    """
    sql = (
        f"SELECT d.id, d.name, d.ds_records, l.position, h.name FROM {DOMAIN} d "
        f"JOIN {LINK} l ON l.domain_id = d.id JOIN {HOST} h ON h.id = l.host_id "
        f"WHERE d.zone_id = %s AND {DELEGATED.format(d='d')} ORDER BY d.id"
    )
    return _stream(sql, [zone_id, _db_time(at)])


def glue_candidates(zone_id: int, zone_name: str, at: dt.datetime) -> Iterator[tuple[str, object]]:
    """(host name, addresses) of hosts inside the zone that a delegated domain of the zone uses, by name."""
    pattern = "%." + zone_name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = (
        f"SELECT h.name, h.addresses FROM {HOST} h WHERE h.name LIKE %s ESCAPE '\\' AND EXISTS ("
        f"SELECT 1 FROM {LINK} l JOIN {DOMAIN} d ON d.id = l.domain_id "
        f"WHERE l.host_id = h.id AND d.zone_id = %s AND {DELEGATED.format(d='d')}) ORDER BY h.name"
    )
    return _stream(sql, [pattern, zone_id, _db_time(at)])


def change_figures(zone_id: int, at: dt.datetime) -> tuple[object, ...]:
    """Cheap figures that move whenever the zone's content may have moved (see `kzreg.zone.serial`).

    All index lookups, no scan of the zone: the newest history row (every registry operation writes one,
    R1, so it moves with every change even when two changes share a timestamp), the newest `updated_at` of
    the zone's domains and of hosts, and how many domains have reached their expiry (expiry removes a
    delegation without any row changing).
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {HISTORY}")
        (history,) = cursor.fetchone()
        cursor.execute(f"SELECT MAX(updated_at) FROM {DOMAIN} WHERE zone_id = %s", [zone_id])
        (domains_changed,) = cursor.fetchone()
        cursor.execute(f"SELECT MAX(updated_at) FROM {HOST}")
        (hosts_changed,) = cursor.fetchone()
        cursor.execute(f"SELECT COUNT(*) FROM {DOMAIN} WHERE expires_at <= %s", [_db_time(at)])
        (expired,) = cursor.fetchone()
    return history, domains_changed, hosts_changed, expired
