"""Django's PostgreSQL backend, but a transaction's BEGIN (and, when asked, its COMMIT) travels with its statements.

psycopg starts a transaction by sending BEGIN before the first statement; in pipeline mode it then waits
for BEGIN's answer (a Sync) before sending anything else, so the registry's first pipeline of a request
cost two round trips instead of one. This connection queues BEGIN in the pipeline instead and remembers
that it did, because the transaction status psycopg reads stays "idle" until the next answer arrives.
Outside pipeline mode nothing changes. It can also queue COMMIT behind a transaction's last statements
(`queue_commit`, used by `kzreg.registry.rows.pipeline(commit=True)`), so they and the commit share a round
trip; Django's own commit then finds the transaction ended and sends nothing. Everything else is
Django's backend as it is.

The methods overridden are psycopg's own (private) transaction hooks, so they are trusted with exactly
one psycopg release: PSYCOPG_PIN, the version in requirements.lock. With any other version installed the
backend logs a warning once and is Django's plain PostgreSQL backend (every transaction then costs its
own round trip for BEGIN, nothing else changes). `tests/core/test_postgresql_backend.py` checks the round
trips, the transaction behaviour and the fallback; docs/adr/0003-registry-fast-path.md says why.
"""

from __future__ import annotations

import logging
from collections.abc import Generator
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

PSYCOPG_PIN = "3.3.9"  # the version whose private transaction hooks the Connection below overrides
FAST_PATH = psycopg.__version__ == PSYCOPG_PIN
if not FAST_PATH:
    logging.getLogger(__name__).warning(
        "psycopg %s is installed, but kzreg's PostgreSQL backend is written against psycopg %s: "
        "transactions begin and commit as in Django's own backend (one round trip more each)",
        psycopg.__version__,
        PSYCOPG_PIN,
    )

_IDLE = pq.TransactionStatus.IDLE


class Connection(psycopg.Connection):
    """A psycopg connection whose transactions, begun in pipeline mode, begin without a Sync, and which
    can queue a transaction's COMMIT behind its last statements."""

    # What this connection queued in the open pipeline and has not seen answered: "begin" (the status
    # psycopg reads still says idle) or "commit" (it may still say in transaction).
    _queued: str | None = None

    def _start_query(self) -> Generator[Any, Any, None]:
        if self._queued == "commit" and self._pipeline is not None:
            self._queued = None  # the transaction ends with the queued COMMIT, whatever the status says
            if not self._autocommit:
                yield from self._queue_begin_gen()
            return
        if self.pgconn.transaction_status != _IDLE:
            self._queued = None  # answered: the server's status holds from here on
            return
        if self._queued == "begin":
            return
        self._queued = None
        if self._pipeline is None or self._autocommit:
            yield from super()._start_query()
        else:
            yield from self._queue_begin_gen()

    def _queue_begin_gen(self) -> Generator[Any, Any, None]:
        yield from self._exec_command(self._get_tx_start_command())
        self._queued = "begin"

    def queue_commit(self) -> None:
        """Queues COMMIT in the open pipeline: the transaction ends with the pipeline's next Sync, in the
        same round trip as the statements before it. A statement queued after it begins a new one."""
        assert self._pipeline is not None, "queue_commit() belongs in pipeline mode"
        with self.lock:
            self.wait(self._queue_commit_gen())

    def _queue_commit_gen(self) -> Generator[Any, Any, None]:
        if self._queued == "begin" or (self._queued is None and self.pgconn.transaction_status != _IDLE):
            yield from self._exec_command(b"COMMIT")
            self._queued = "commit"

    def _commit_gen(self) -> Generator[Any, Any, None]:
        unanswered, self._queued = self._queued is not None, None
        if unanswered and self._pipeline is not None:
            # psycopg commits nothing it believes idle: let the answers (BEGIN's among them) come first.
            yield from self._pipeline._sync_gen()
        yield from super()._commit_gen()

    def _rollback_gen(self) -> Generator[Any, Any, None]:
        self._queued = None  # psycopg syncs an open pipeline before it looks at the status
        yield from super()._rollback_gen()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> psycopg.Connection:
        connection = super().get_new_connection(conn_params)
        if FAST_PATH:
            # Django connects with `psycopg.connect()`; the subclass adds behaviour only, no state of its
            # own beyond one flag, so the connection Django made becomes one.
            connection.__class__ = Connection
        return connection
