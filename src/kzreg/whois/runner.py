"""Runs the WHOIS server: one process, or several sharing the port with SO_REUSEPORT.

Each process has its own database connection, answer cache and change watcher, so processes share
nothing but the listening port and the kernel spreads connections between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import subprocess
import sys
import time

from kzreg.registry.reads.changes import Changes, ChangeWatcher
from kzreg.registry.reads.connection import open_raw_database
from kzreg.whois.answers import StoredAnswers
from kzreg.whois.limits import Limits
from kzreg.whois.lookup import Lookup
from kzreg.whois.server import ServerState, start_server

log = logging.getLogger("kzreg.whois")


def poll_once(lookup: Lookup, watcher: ChangeWatcher) -> None:
    """Drops stale cached answers and tells the stored answers what changed."""
    apply_changes(lookup, watcher.poll(), time.time())  # the time after the poll: the changes committed before


def apply_changes(lookup: Lookup, changes: Changes, seen_at: float) -> None:
    lookup.forget(changes.domains, everything=changes.everything)
    if lookup.stored is not None:
        lookup.stored.note(changes, seen_at)


def poll_stamped(watcher: ChangeWatcher) -> tuple[Changes, float]:
    return watcher.poll(), time.time()


async def watch_changes(lookup: Lookup, watcher: ChangeWatcher, every: float, state: ServerState) -> None:
    """Polls every `every` seconds; a failed poll empties the cache and stops using stored answers.
    The poll's SELECT runs where the database connection lives (PostgreSQL: its thread); what it found is
    applied here in the loop, which owns the cache and the stored answers."""
    loop = asyncio.get_running_loop()
    while True:
        await asyncio.sleep(every)
        try:
            if state.database_thread is None:
                changes, seen_at = poll_stamped(watcher)
            else:
                changes, seen_at = await loop.run_in_executor(state.database_thread, poll_stamped, watcher)
            apply_changes(lookup, changes, seen_at)
        except Exception:
            log.exception("WHOIS change poll failed; emptying the cache")
            distrust_everything(lookup)


def distrust_everything(lookup: Lookup) -> None:
    lookup.forget(everything=True)
    if lookup.stored is not None:
        lookup.stored.usable = False  # until the next poll reads the state row again


async def orphan_watch(parent: int, stop: asyncio.Event) -> None:
    """A helper process stops when the process that started it is gone (no orphans holding the port)."""
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    stop.set()


async def serve(
    host: str,
    port: int,
    limits: Limits,
    cache_size: int,
    poll: float,
    reuse_port: bool,
    parent: int = 0,
    stored_answers: bool = True,
) -> None:
    db = open_raw_database()
    stored = StoredAnswers()
    stored.reload_state()
    lookup = Lookup(db, cache_size=cache_size, stored=stored if stored_answers else None)
    # Changes the answer job has not taken in yet are read (and marked) on the first poll.
    watcher = ChangeWatcher(db, last_id=stored.history_id if lookup.stored and stored.usable else None)
    poll_once(lookup, watcher)
    # Django, the drivers and the settings are loaded for good: keep their objects out of the collector's
    # full passes, which would otherwise walk them while the answer cache grows (pauses = tail latency).
    gc.freeze()
    # PostgreSQL answers over the wire: the round trip happens in a thread while the loop serves on.
    server, state = await start_server(
        lookup, limits, host, port, reuse_port=reuse_port, database_thread=db.vendor == "postgresql"
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    watching = asyncio.create_task(watch_changes(lookup, watcher, poll, state))
    orphaned = asyncio.create_task(orphan_watch(parent, stop)) if parent else None
    log.info("WHOIS listening on %s port %s", host, port)
    async with server:
        await stop.wait()
    watching.cancel()
    if orphaned:
        orphaned.cancel()
    if state.database_thread is not None:
        state.database_thread.shutdown(wait=True)
    db.close()
    log.info(
        "WHOIS stopped after %d answers (cache hits %d, misses %d, stored answers read %d; idle connections shed %d)",
        state.answered, lookup.hits, lookup.misses, stored.reads, state.slots.shed_count,
    )  # fmt: skip


def run(argv_tail: list[str], workers: int, serve_one) -> int:  # type: ignore[no-untyped-def]
    """Starts `workers - 1` helper processes on the same port, serves in this one, stops them all at the end."""
    helpers: list[subprocess.Popen] = []

    def stop_now(signum: int, _frame: object) -> None:  # until the event loop takes the signals over
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop_now)
    if workers > 1:
        command = [sys.executable, "-m", "kzreg", "whois", "serve", *argv_tail, "--workers", "1", "--reuse-port"]
        command += ["--parent", str(os.getpid())]
        helpers = [subprocess.Popen(command) for _ in range(workers - 1)]
    try:
        serve_one()
    finally:
        for helper in helpers:
            helper.send_signal(signal.SIGTERM)
        for helper in helpers:
            with contextlib.suppress(subprocess.TimeoutExpired):
                helper.wait(timeout=10)
            if helper.poll() is None:
                helper.kill()
    return 0
