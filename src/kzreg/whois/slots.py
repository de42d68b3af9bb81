"""The port-43 server's connection slots: who holds them, and whom to shed when they run out.

A connection holds a slot from accept until it is gone. While it has not sent a whole query line (it
is silent, or half-open) or after it was refused (a notice sent, its input drained for a moment), it
is *sheddable*: when the server or a network is at its cap, a new connection takes the slot of the
oldest sheddable one, of its own network at that network's cap; at the server's cap, of the oldest
refused one (it has its notice), else of the network that holds the most connections. A connection whose query was read is answering and is never shed. So idle
connections cannot lock honest clients out; only queries being answered can fill the server.

Sheddable connections are kept in insertion-ordered dicts (oldest first), one for the whole server
(the sweep walks it for read timeouts) and one per network (for shedding): a few dict operations per
connection, no timers and no scans on the common path.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Protocol


class Connection(Protocol):
    """What the slots read and mark of a port-43 connection (`server.WhoisProtocol`, which uses them)."""

    key: str  # its network
    counted: bool  # holds a slot
    transport: asyncio.Transport | None


FULLEST_SCAN = 64  # networks compared when looking for the one to shed from


class Slots:
    def __init__(self, max_total: int, max_per_network: int):
        self.max_total = max_total
        self.max_per_network = max_per_network
        self.total = 0
        self.by_network: dict[str, int] = {}
        self.sheddable: dict[Connection, None] = {}  # oldest first
        self.sheddable_by_network: dict[str, dict[Connection, None]] = {}
        self.lingering: dict[Connection, float] = {}  # refused connections → since when, oldest first
        self.shed_count = 0

    def admit(self, protocol: Connection, shed: bool = True) -> bool:
        """Counts a new connection, shedding another when a cap is passed; False when nothing could be
        shed (every other connection is answering), or `shed` is False (it is refused anyway, e.g.
        rate-limited: it must not cost anyone else their connection): the caller refuses it. Either way
        it holds a slot, sheddable, until `release`."""
        key = protocol.key
        self.total += 1
        count = self.by_network[key] = self.by_network.get(key, 0) + 1
        if count > self.max_per_network:
            admitted = shed and self.shed(key)
        elif self.total > self.max_total:
            admitted = shed and (self.cut_oldest_lingering() or self.shed(self.fullest()))
        else:
            admitted = True
        protocol.counted = True
        self.sheddable[protocol] = None
        mine = self.sheddable_by_network.get(key)
        if mine is None:
            self.sheddable_by_network[key] = {protocol: None}
        else:
            mine[protocol] = None
        return admitted

    def answering(self, protocol: Connection) -> None:
        """Its query line is read: it keeps its slot until it is answered."""
        if self.sheddable.pop(protocol, 0) is None:
            self._unlist(protocol)

    def release(self, protocol: Connection) -> None:
        """Gives the slot back (once, however often it is called)."""
        if not protocol.counted:
            return
        protocol.counted = False
        key = protocol.key
        self.total -= 1
        left = self.by_network[key] - 1
        if left:
            self.by_network[key] = left
        else:
            del self.by_network[key]
        if self.sheddable.pop(protocol, 0) is None:
            self._unlist(protocol)
        if self.lingering:
            self.lingering.pop(protocol, None)

    def linger(self, protocol: Connection, since: float) -> None:
        """A refused connection drains its input until `cut_lingering` passes `since`; it stays sheddable."""
        self.lingering[protocol] = since

    def cut_lingering(self, before: float) -> None:
        """Cuts the refused connections that have lingered since before `before`."""
        expired = []
        for protocol, since in self.lingering.items():
            if since > before:
                break
            expired.append(protocol)
        for protocol in expired:
            del self.lingering[protocol]
            if protocol.transport is not None:
                protocol.transport.abort()

    def cut_oldest_lingering(self) -> bool:
        """Sheds the oldest refused connection still draining (it has its notice); False when none."""
        if not self.lingering:
            return False
        victim = next(iter(self.lingering))
        self.release(victim)
        self.shed_count += 1
        victim.shed()
        return True

    def _unlist(self, protocol: Connection) -> None:
        mine = self.sheddable_by_network[protocol.key]
        del mine[protocol]
        if not mine:
            del self.sheddable_by_network[protocol.key]

    def fullest(self) -> str | None:
        """The network holding the most connections among those with one to shed. With many such
        networks (a flood from a botnet), among the FULLEST_SCAN that have had one the longest: a network
        that keeps idle connections stays at the front of the dict, and the scan stays cheap."""
        if not self.sheddable_by_network:
            return None
        return max(itertools.islice(self.sheddable_by_network, FULLEST_SCAN), key=self.by_network.__getitem__)

    def shed(self, key: str | None) -> bool:
        """Sheds the oldest sheddable connection of network `key`; False when it has none."""
        mine = self.sheddable_by_network.get(key) if key is not None else None
        if not mine:
            return False
        victim = next(iter(mine))
        self.release(victim)
        self.shed_count += 1
        victim.shed()
        return True
