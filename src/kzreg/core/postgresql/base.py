"""Django's PostgreSQL backend, but a transaction's BEGIN travels with the statements that follow it.

psycopg starts a transaction by sending BEGIN before the first statement; in pipeline mode it then waits
for BEGIN's answer (a Sync) before sending anything else, so the registry's first pipeline of a request
cost two round trips instead of one. This connection queues BEGIN in the pipeline instead and remembers
that it did, because the transaction status psycopg reads stays "idle" until the next answer arrives.
Outside pipeline mode nothing changes. Everything else is Django's backend as it is.

The methods overridden are psycopg's own (private) transaction hooks; psycopg is pinned in the lock file
and `tests/test_postgresql_backend.py` checks the round trips and the transaction behaviour.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

_IDLE = pq.TransactionStatus.IDLE


class Connection(psycopg.Connection):
    """A psycopg connection whose transactions, begun in pipeline mode, begin without a Sync."""

    # BEGIN sent in a pipeline and not answered yet: until the answer comes the status still says idle.
    _begin_queued = False

    def _start_query(self) -> Generator[Any, Any, None]:
        if self.pgconn.transaction_status != _IDLE:
            self._begin_queued = False  # the server's answer has come: its status holds from here on
            return
        if self._pipeline is None or self._autocommit:
            yield from super()._start_query()
            return
        if not self._begin_queued:
            yield from self._exec_command(self._get_tx_start_command())
            self._begin_queued = True

    def _commit_gen(self) -> Generator[Any, Any, None]:
        if self._begin_queued and self._pipeline is not None:
            # psycopg commits nothing it believes idle: let the answers (BEGIN's among them) come first.
            try:
                yield from self._pipeline._sync_gen()
            finally:
                self._begin_queued = False
        self._begin_queued = False
        yield from super()._commit_gen()

    def _rollback_gen(self) -> Generator[Any, Any, None]:
        self._begin_queued = False  # psycopg syncs an open pipeline before it looks at the status
        yield from super()._rollback_gen()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Connection:
        connection = super().get_new_connection(conn_params)
        # Django connects with `psycopg.connect()`; the subclass adds behaviour only, no state of its
        # own beyond one flag, so the connection Django made becomes one.
        connection.__class__ = Connection
        return connection
