"""The EPP server's per-command log line (`kzreg.epp.commands`), written in batches.

Written as it comes, every command's line is a write to the log stream, and a write lets go of the
interpreter lock: with the session threads busy, that is a hand-over to another thread and back on every
command (with no line at all a check cost up to ~15% less server CPU under load; batched against at once is
within the shared machine's noise, docs/benchmarks/eppsrv2.md).
`kzreg epp serve` therefore gives that logger a `BatchedLog`: a command's record is only queued (no lock,
no write), and a thread of its own formats what gathered with the handlers the record would have gone to
and writes it every `interval` seconds, each stream's lines in one write.

What that changes: a line appears up to `interval` seconds after its command (its time is still the
record's own), and a process killed outright loses at most that much of the log (the server writes what is
queued when it stops). The registry's history, not this log, is the record of what a registrar changed.
`KZREG_EPP_LOG_BATCH=0` writes every line at once, as before.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Sequence

LOGGER = "kzreg.epp.commands"
DEFAULT_INTERVAL = 0.2  # seconds
WAKE_AT = 2000  # queued records that wake the writer before its interval is up


class BatchedLog(logging.Handler):
    """Queues records and writes them to `targets` from one thread, every `interval` seconds."""

    def __init__(self, targets: Sequence[logging.Handler], interval: float = DEFAULT_INTERVAL):
        super().__init__()
        self.targets = list(targets)
        self.interval = interval
        self.queued: deque[logging.LogRecord] = deque()  # append and popleft are atomic: no lock needed
        self.wake = threading.Event()
        self.stopping = False
        self.previous: tuple[list[logging.Handler], bool] = ([], True)  # the logger's handlers before `install`
        self.writer = threading.Thread(target=self._run, name="epp-command-log", daemon=True)
        self.writer.start()

    def handle(self, record: logging.LogRecord) -> bool:
        """Queue the record (logging's `Handler.handle` would take this handler's lock for nothing)."""
        if not self.filter(record):
            return False
        self.queued.append(record)
        if len(self.queued) >= WAKE_AT:
            self.wake.set()
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self.handle(record)

    def _run(self) -> None:
        while not self.stopping:
            self.wake.wait(self.interval)
            self.wake.clear()
            self.flush()

    def flush(self) -> None:
        """Writes what is queued: one write per plain stream handler, the others record by record."""
        records: list[logging.LogRecord] = []
        while True:
            try:
                records.append(self.queued.popleft())
            except IndexError:
                break
        if not records:
            return
        for target in self.targets:
            wanted = [r for r in records if r.levelno >= target.level and target.filter(r)]
            if not wanted:
                continue
            if isinstance(target, logging.StreamHandler) and type(target).emit is logging.StreamHandler.emit:
                self._write(target, wanted)  # a plain stream (not, say, pytest's capture with its own emit)
            else:
                for record in wanted:
                    target.handle(record)

    @staticmethod
    def _write(target: logging.StreamHandler, records: list[logging.LogRecord]) -> None:
        lines = []
        for record in records:
            try:
                lines.append(target.format(record) + target.terminator)
            except Exception:
                target.handleError(record)
        target.acquire()
        try:
            stream = target.stream
            stream.write("".join(lines))
            stream.flush()
        except Exception:
            target.handleError(records[-1])
        finally:
            target.release()

    def close(self) -> None:
        """Stops the writer and writes what is left."""
        self.stopping = True
        self.wake.set()
        if self.writer.is_alive() and self.writer is not threading.current_thread():
            self.writer.join(timeout=5)
        self.flush()
        super().close()


def _handlers_reached(logger: logging.Logger) -> list[logging.Handler]:
    """The handlers a record of `logger` goes to (its own, then its ancestors' while they propagate)."""
    handlers: list[logging.Handler] = []
    current: logging.Logger | None = logger
    while current is not None:
        handlers += current.handlers
        if not current.propagate:
            break
        current = current.parent
    return handlers


def install(interval: float = DEFAULT_INTERVAL) -> BatchedLog | None:
    """Routes `kzreg.epp.commands` through a `BatchedLog` to the handlers its records reach now; None (and
    nothing changed) when `interval` is 0 or they reach no handler. `uninstall` undoes it."""
    logger = logging.getLogger(LOGGER)
    targets = _handlers_reached(logger)
    if interval <= 0 or not targets:
        return None
    batched = BatchedLog(targets, interval)
    batched.previous = (list(logger.handlers), logger.propagate)
    logger.handlers = [batched]
    logger.propagate = False
    return batched


def uninstall(batched: BatchedLog | None) -> None:
    """Writes what is queued and gives the logger back its handlers."""
    if batched is None:
        return
    logger = logging.getLogger(LOGGER)
    handlers, propagate = batched.previous
    logger.handlers = handlers
    logger.propagate = propagate
    batched.close()
