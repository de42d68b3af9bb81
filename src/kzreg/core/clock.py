"""One clock for the whole system, so that tests can freeze or move time.

Every operation takes `now()` once and uses that value throughout, as Nomulus does per command.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_frozen: dt.datetime | None = None
_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC) + _offset


def freeze(at: dt.datetime) -> None:
    """Stop the clock at `at` (aware datetime) until `thaw()`."""
    global _frozen
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    with _lock:
        _frozen = at.astimezone(dt.UTC)


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (or back) by `delta`, frozen or not."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
        else:
            _offset = _offset + delta


def thaw() -> None:
    """Let the clock run again with no offset."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = dt.timedelta(0)


@contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    freeze(at)
    try:
        yield
    finally:
        thaw()
