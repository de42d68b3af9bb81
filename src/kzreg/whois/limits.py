"""Per-address rate limiting for port 43: a token bucket per client address, in bounded memory.

The clock is injected (monotonic seconds) so that tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """What one server process allows; every figure is configurable (`kzreg whois serve --help`)."""

    rate: float = 20.0  # queries per second per address, sustained (0 = no limit)
    burst: int = 60  # queries an address may send at once
    max_query: int = 512  # bytes of the query line, CR LF included
    read_timeout: float = 10.0  # seconds to send the query after connecting
    write_timeout: float = 30.0  # seconds for the client to take the reply
    max_connections: int = 1000  # open at once in this process
    max_per_address: int = 100  # open at once from one address
    tracked_addresses: int = 100_000  # buckets kept; the least recently seen are dropped first


class RateLimiter:
    def __init__(
        self, rate: float, burst: int, max_tracked: int = 100_000, clock: Callable[[], float] = time.monotonic
    ):
        self.rate = rate
        self.burst = float(burst)
        self.max_tracked = max_tracked
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # address → (tokens, at)

    def allow(self, address: str) -> float:
        """0 when a query from `address` may go ahead (and counts it); else seconds until one may."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, at = self._buckets.pop(address, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            self._buckets[address] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[address] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        while len(self._buckets) > self.max_tracked:
            self._buckets.popitem(last=False)
        return wait

    @staticmethod
    def whole_seconds(wait: float) -> int:
        return max(1, math.ceil(wait))
