"""Which cached WHOIS answers went stale: read from the history table, which every change writes (R1).

Polling `HistoryEntry.id > last seen` is a primary-key range scan, cheap at any table size. Ids can
commit out of order on PostgreSQL (a transaction that took id 10 may commit after the one with 11),
so ids skipped over are kept as gaps and looked for again until they turn up or are old enough to be
a rolled-back transaction's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kzreg.whois.db import RawDatabase

GAP_PATIENCE = 120.0  # seconds a skipped id is looked for; longer than any registry transaction
MAX_GAPS = 10_000


@dataclass
class Changes:
    domains: set[str] = field(default_factory=set)
    everything: bool = False  # a contact, host or registrar changed: any domain's answer may show it
    contacts: set[int] = field(default_factory=set)  # ids of the changed objects, for the answer store
    hosts: set[int] = field(default_factory=set)
    registrars: set[int] = field(default_factory=set)
    resellers: set[int] = field(default_factory=set)


class ChangeWatcher:
    def __init__(self, db: RawDatabase, monotonic: Callable[[], float] = time.monotonic, last_id: int | None = None):
        self.db = db
        self.monotonic = monotonic
        if last_id is None:
            last_id = db.execute("SELECT MAX(id) FROM registry_historyentry")[0][0] or 0
        self.last_id: int = last_id
        self.gaps: dict[int, float] = {}  # id → when first missed
        self.registrars = self._registrars()
        self.resellers = self._resellers()

    def _registrars(self) -> list[tuple]:
        """What the watcher's readers show of registrars (no history rows: compared by value)."""
        return self.db.execute(
            "SELECT id, handle, name, email, phone, url, whois_server FROM registry_registrar ORDER BY id"
        )

    def _resellers(self) -> list[tuple]:
        """The same for resellers; WHOIS shows none."""
        return []

    @staticmethod
    def _changed_ids(old: list[tuple], new: list[tuple]) -> set[int]:
        # rows compared by value (they may hold lists, so no sets); a few dozen rows
        return {row[0] for row in new if row not in old} | {row[0] for row in old if row not in new}

    def poll(self) -> Changes:
        """What changed since the last poll."""
        changes = Changes()
        registrars, resellers = self._registrars(), self._resellers()
        if registrars != self.registrars:
            changes.registrars = self._changed_ids(self.registrars, registrars)
            self.registrars, changes.everything = registrars, True
        if resellers != self.resellers:
            changes.resellers = self._changed_ids(self.resellers, resellers)
            self.resellers, changes.everything = resellers, True
        sql = "SELECT id, object_type, object_key, object_id FROM registry_historyentry WHERE id > %s"
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
