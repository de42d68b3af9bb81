"""`durable()`: a transaction whose commit survives a power loss once it returns, on either database.

The embedded SQLite database runs in WAL mode with `synchronous=NORMAL` (settings): a commit is written
to the WAL but not synced, so a power loss (not a crash of kzreg: the OS still has the data) can undo
the last commits. That is fine for most writes, and three to ten times cheaper; it is not fine where
something outside has already been told "done": a received mail answered `250` (the sender deletes
its copy), and, once money exists, a ledger entry a payer was shown. Those transactions run in
`durable()`, which makes that one commit sync the WAL (`PRAGMA synchronous=FULL` on the connection,
set back afterwards; SQLite does not allow the change inside a transaction, so the block is its own
outermost transaction). PostgreSQL syncs every commit already (`synchronous_commit=on`): there the
block is only the transaction. Cost measured by `bench/bench_intake.py` (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

FULL = 2  # PRAGMA synchronous levels: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


@contextmanager
def durable(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """One outermost transaction (Django raises if called inside another: its commit would come later,
    outside this block) whose commit is on disk when the block exits."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        # Nested: atomic(durable=True) raises, except inside a Django test case's rolled-back transaction
        # (there is no commit to make durable, and SQLite refuses the PRAGMA inside a transaction).
        with transaction.atomic(using=using, durable=True):
            yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        level = int(cursor.fetchone()[0])
        if level < FULL:
            cursor.execute(f"PRAGMA synchronous={FULL}")
    try:
        with transaction.atomic(using=using, durable=True):
            yield
    finally:
        if level < FULL and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous={level}")
