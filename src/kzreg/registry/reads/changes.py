"""What changed in the registry since a reader last looked: read from the history table (R1), which every
change writes, plus the registrar rows (no history rows of their own: compared by value). A domain's
reseller is a name in its own row, so a change to it is a domain change like any other.

The WHOIS server, the RDAP cache and the answer store's job poll through `ChangeWatcher`. Polling
`HistoryEntry.id > last seen` is a primary-key range scan, cheap at any table size. Ids can commit out of
order on PostgreSQL (a transaction that took id 10 may commit after the one with 11), so ids skipped over
are kept as gaps and looked for again until they turn up or are old enough to be a rolled-back
transaction's. `affected_domains` and `expired_between` turn changes into the live names they show in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kzreg.registry.models import Domain, DomainNameServer, HistoryEntry, Registrar
from kzreg.registry.reads.connection import RawDatabase
from kzreg.registry.reads.joined import column_of

DOMAIN, LINK, HISTORY = Domain._meta.db_table, DomainNameServer._meta.db_table, HistoryEntry._meta.db_table
GAP_PATIENCE = 120.0  # seconds a skipped id is looked for; longer than any registry transaction
MAX_GAPS = 10_000


@dataclass
class Changes:
    domains: set[str] = field(default_factory=set)
    everything: bool = False  # a contact, host or registrar changed: any domain's answer may show it
    contacts: set[int] = field(default_factory=set)  # ids of the changed objects, for the answer store
    hosts: set[int] = field(default_factory=set)
    registrars: set[int] = field(default_factory=set)


class ChangeWatcher:
    def __init__(self, db: RawDatabase, monotonic: Callable[[], float] = time.monotonic, last_id: int | None = None):
        self.db = db
        self.monotonic = monotonic
        if last_id is None:
            last_id = last_history_id(db)
        self.last_id: int = last_id
        self.gaps: dict[int, float] = {}  # id → when first missed
        self.registrars = self._registrars()

    def _registrars(self) -> list[tuple]:
        """What the watcher's readers show of registrars (no history rows: compared by value)."""
        return rows_of(self.db, Registrar, ("id", "handle", "name", "email", "phone", "url", "whois_server"))

    @staticmethod
    def _changed_ids(old: list[tuple], new: list[tuple]) -> set[int]:
        # rows compared by value (they may hold lists, so no sets); a few dozen rows
        return {row[0] for row in new if row not in old} | {row[0] for row in old if row not in new}

    def poll(self) -> Changes:
        """What changed since the last poll."""
        changes = Changes()
        registrars = self._registrars()
        if registrars != self.registrars:
            changes.registrars = self._changed_ids(self.registrars, registrars)
            self.registrars, changes.everything = registrars, True
        sql = f"SELECT id, object_type, object_key, object_id FROM {HISTORY} WHERE id > %s"
        params: tuple = (self.last_id,)
        if self.gaps:
            gap_ids = sorted(self.gaps)
            sql += f" OR id IN ({', '.join(['%s'] * len(gap_ids))})"
            params += tuple(gap_ids)
        rows = self.db.execute(sql + " ORDER BY id", params)
        now = self.monotonic()
        for entry_id, object_type, key, object_id in rows:
            self.gaps.pop(entry_id, None)
            if entry_id > self.last_id:
                self.gaps.update(dict.fromkeys(range(self.last_id + 1, entry_id), now))
                self.last_id = entry_id
            if object_type == "domain":
                changes.domains.add(key)
            else:
                changes.everything = True
                (changes.contacts if object_type == "contact" else changes.hosts).add(object_id)
        self.gaps = {i: t for i, t in self.gaps.items() if now - t < GAP_PATIENCE}
        if len(self.gaps) > MAX_GAPS:  # a burst of rollbacks: stop chasing, start over clean
            self.gaps, changes.everything = {}, True
        return changes


def last_history_id(db: RawDatabase) -> int:
    """The newest history row's id (0 for an empty registry): where a new watcher starts."""
    return db.execute(f"SELECT MAX(id) FROM {HISTORY}")[0][0] or 0


def rows_of(db: RawDatabase, model: type[Registrar], fields: Sequence[str]) -> list[tuple]:
    """Every registrar as a tuple of the named fields, by id: what a watcher compares."""
    columns = ", ".join(column_of(model, name) for name in fields)
    return db.execute(f"SELECT {columns} FROM {model._meta.db_table} ORDER BY id")


def affected_domains(db: RawDatabase, changes: Changes) -> set[str]:
    """The live domains whose answers may show one of the changes."""
    names = set(changes.domains)
    contact_roles = " OR ".join(
        f"{role}_id IN ({{}})" for role in ("registrant", "admin_contact", "tech_contact", "billing_contact")
    )
    queries = [
        (f"SELECT name FROM {DOMAIN} WHERE deleted_at IS NULL AND ({contact_roles})", changes.contacts),
        (
            f"SELECT d.name FROM {DOMAIN} d JOIN {LINK} l ON l.domain_id = d.id "
            "WHERE d.deleted_at IS NULL AND l.host_id IN ({})",
            changes.hosts,
        ),
        (f"SELECT name FROM {DOMAIN} WHERE deleted_at IS NULL AND registrar_id IN ({{}})", changes.registrars),
    ]
    for sql, ids in queries:
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            params = tuple(ids) * sql.count("{}")
            names.update(r[0] for r in db.execute(sql.format(*[marks] * sql.count("{}")), params))
    return names


def expired_between(db: RawDatabase, since: dt.datetime, now: dt.datetime) -> set[str]:
    """Live domains whose expiry passed in (since, now]."""
    if since >= now:
        return set()
    if db.vendor == "sqlite":  # Django stores naive UTC text there
        bounds: tuple = tuple(t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f") for t in (since, now))
    else:
        bounds = (since, now)
    rows = db.execute(
        f"SELECT name FROM {DOMAIN} WHERE deleted_at IS NULL AND expires_at > %s AND expires_at <= %s", bounds
    )
    return {r[0] for r in rows}


def live_names(db: RawDatabase, after: str = "", upto: str | None = None, limit: int = 1000) -> list[str]:
    """Live domain names after `after` (up to and including `upto`), in order: a batch build's next page."""
    sql = f"SELECT name FROM {DOMAIN} WHERE deleted_at IS NULL AND name > %s"
    params: tuple[str, ...] = (after,)
    if upto is not None:
        sql, params = sql + " AND name <= %s", (after, upto)
    return [r[0] for r in db.execute(sql + " ORDER BY name LIMIT %s", (*params, limit))]


def live_name_bounds(db: RawDatabase, parts: int) -> list[str]:
    """Names that cut the live domains into `parts` ranges of about the same size, in order."""
    total = db.execute(f"SELECT COUNT(*) FROM {DOMAIN} WHERE deleted_at IS NULL")[0][0]
    bounds: list[str] = []
    for part in range(1, parts):
        rows = db.execute(
            f"SELECT name FROM {DOMAIN} WHERE deleted_at IS NULL ORDER BY name LIMIT 1 OFFSET %s",
            (total * part // parts,),
        )
        if rows and (not bounds or rows[0][0] > bounds[-1]):
            bounds.append(rows[0][0])
    return bounds
