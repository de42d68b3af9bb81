"""`BalancedThreadWorker`: gunicorn's gthread worker that takes a new connection only while it holds no
more connections than the least busy of its siblings (least-connections, on the arbiter's one socket).

Why (ADR 0013, "Session 14"): a gthread worker serves a kept-alive connection for its whole life, so
where a connection lands decides which interpreter does its work. On one listening socket the first
worker to wake took every connection of a client's pool; with a socket per worker (`SO_REUSEPORT`) the
kernel hashes each connection to a worker, so four connections split 0:4 or 1:3 in most runs. Either
way one worker (one core, one GIL) did most of the work while the other idled.

How: the workers' connection counts sit in a small table in shared memory, made when this module is
imported in the arbiter (before the workers are forked, so every worker maps the same pages). A worker
writes its own count whenever it changes and, each time round its loop, listens on the shared socket
only while `its count ≤ the smallest count of its live siblings`. A worker holding the least is always
listening (its condition only gets easier when others change), so a connection never waits for a
worker; it is simply taken by one that holds no more than the others. With `n` clients over `w` workers
the split is as even as it can be (2:2 for four), and it stays so as connections come and go.
"""

from __future__ import annotations

import mmap
import os
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

SLOTS = 256  # more than any worker count
_FIELDS = 3  # per slot: pid, connections held, booting since (monotonic ns; 0 once it serves)
_RESERVED = -1  # the pid of a slot given to a worker object the arbiter is about to fork
BOOT_GRACE_NS = 30 * 10**9  # a sibling still booting after this long is left out (gunicorn's timeout kills it)


def new_table() -> memoryview:
    """Cell 0: how many slots have ever been used (the workers look at no more); then `SLOTS` slots.
    Anonymous shared memory: made in the arbiter, the same pages in every worker it forks."""
    return memoryview(mmap.mmap(-1, (1 + SLOTS * _FIELDS) * 8)).cast("q")


_CELLS = new_table()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone (or the number now another user's process)
        return False
    return True


def claim_slot(cells: memoryview = _CELLS) -> int:
    """A free slot (never used, reserved by a fork that did not happen, or a worker's that is gone),
    reserved and zeroed. Runs in the arbiter, which makes its workers one at a time."""
    for slot in range(SLOTS):
        at = 1 + slot * _FIELDS
        if cells[at] in (0, _RESERVED) or not _alive(cells[at]):
            cells[at], cells[at + 1], cells[at + 2] = _RESERVED, 0, 0
            cells[0] = max(cells[0], slot + 1)
            return slot
    raise RuntimeError(f"more than {SLOTS} gunicorn workers")


def fewest_elsewhere(own_slot: int, cells: memoryview = _CELLS, now_ns: int | None = None) -> int | None:
    """The fewest connections any other live worker holds (None: no other worker). A sibling still
    booting counts as holding none, so the workers that are up leave it its share rather than take every
    connection that arrives meanwhile — for `BOOT_GRACE_NS` at most."""
    least = None
    for slot in range(cells[0]):
        at = 1 + slot * _FIELDS
        pid = cells[at]
        if slot == own_slot or pid <= 0 or not _alive(pid):
            continue
        if cells[at + 2]:
            now_ns = time.monotonic_ns() if now_ns is None else now_ns
            if now_ns - cells[at + 2] > BOOT_GRACE_NS:
                continue
        count = cells[at + 1]
        if least is None or count < least:
            least = count
    return least


def _write(slot: int, field: int, value: int) -> None:
    _CELLS[1 + slot * _FIELDS + field] = value


class BalancedThreadWorker(ThreadWorker):
    """gthread, with `nr_conns` mirrored into the shared table and `worker_connections` (the count below
    which gthread listens) lowered to one more than the fewest connections a sibling holds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._slot = claim_slot()  # in the arbiter, before the fork
        self._connections = 0
        self._limit = 0
        super().__init__(*args, **kwargs)

    @property
    def pid(self) -> Any:
        return self._pid

    @pid.setter
    def pid(self, value: Any) -> None:
        """gunicorn sets it in the arbiter right after the fork and again in the child, in either order:
        the first makes the slot the child's, booting until it serves (`run`); the second changes nothing."""
        self._pid = value
        if isinstance(value, int) and _CELLS[1 + self._slot * _FIELDS] != value:
            _write(self._slot, 2, time.monotonic_ns())
            _write(self._slot, 1, self._connections)
            _write(self._slot, 0, value)

    @property
    def nr_conns(self) -> int:
        return self._connections

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._connections = value
        _write(self._slot, 1, value)

    @property
    def worker_connections(self) -> int:
        least = fewest_elsewhere(self._slot)
        return self._limit if least is None else min(self._limit, least + 1)

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._limit = value

    def accept(self, listener: Any) -> None:
        """Every worker listening is woken by a new connection; one whose share is taken since its loop
        last looked (a sibling's connections closed meanwhile) stops listening and leaves it to the
        sibling holding the fewest, which listens."""
        if self.nr_conns >= self.worker_connections:
            self.set_accept_enabled(False)
            return
        super().accept(listener)

    def run(self) -> None:
        _write(self._slot, 2, 0)  # the application is loaded: serving
        try:
            super().run()
        finally:  # a worker that stops frees its slot at once (one killed is found dead by the others)
            _write(self._slot, 0, 0)
