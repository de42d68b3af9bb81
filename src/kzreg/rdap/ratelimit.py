"""Per-client-address request limit (RFC 7480 §5.5: 429 with Retry-After), fixed windows on the clock.

State is per worker process (each gunicorn worker counts its own share), which keeps a lookup free of
any shared store; with W workers an address gets at most W × N requests per window. Time comes from
`kzreg.core.clock`, so tests move the clock instead of sleeping.
"""

from __future__ import annotations

import math
import threading

from kzreg.core import clock
from kzreg.rdap.config import RateLimit

MAX_TRACKED = 100_000  # addresses kept before stale windows are dropped

_lock = threading.Lock()
_windows: dict[str, tuple[int, int]] = {}  # address → (window number, requests in it)


def check(address: str, limit: RateLimit) -> int:
    """0 when the request may proceed, else the seconds until the client may try again."""
    if not limit.enabled:
        return 0
    now = clock.now().timestamp()
    window = int(now // limit.seconds)
    with _lock:
        current, count = _windows.get(address, (window, 0))
        if current != window:
            count = 0
        if count >= limit.requests:
            return max(1, math.ceil((window + 1) * limit.seconds - now))
        if len(_windows) >= MAX_TRACKED:
            _forget_before(window)
        _windows[address] = (window, count + 1)
    return 0


def _forget_before(window: int) -> None:
    for address in [a for a, (w, _) in _windows.items() if w < window]:
        del _windows[address]


def reset() -> None:
    with _lock:
        _windows.clear()
