"""What one WHOIS server allows, and the token bucket that rate-limits each client network.

The same figures and bucket rules serve port 43 and the web page (`kzreg.whois.pagelimit`); where they
come from (options, `KZREG_WHOIS_*`) is `kzreg.whois.config`. The clock is injected (monotonic
seconds) so that tests move time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Every figure is configurable (`kzreg whois serve --help`, `KZREG_WHOIS_*`). A "network" is what
    `kzreg.whois.networks` groups an address into: IPv4 by `ipv4_prefix`, IPv6 by `ipv6_prefix`."""

    rate: float = 20.0  # queries per second per network, sustained (0 = no limit)
    burst: int = 60  # queries a network may send at once
    max_query: int = 512  # bytes of the query line, CR LF included
    idle_timeout: float = 2.0  # seconds to send the first byte after connecting
    busy_idle_timeout: float = 0.5  # the same while more than half of max_connections are open
    read_timeout: float = 10.0  # seconds to send the whole query line after connecting
    write_timeout: float = 30.0  # seconds for the client to take the reply
    max_connections: int = 1000  # open at once in this process
    max_per_network: int = 100  # open at once from one network
    ipv4_prefix: int = 24  # IPv4 addresses in one /N count as one network (32 = each address alone)
    ipv6_prefix: int = 64  # IPv6 addresses in one /N count as one network (one site gets a /64)
    tracked_addresses: int = 100_000  # buckets kept; the least recently seen are dropped first

    def __post_init__(self) -> None:
        if not 8 <= self.ipv4_prefix <= 32:
            raise ValueError(f"ipv4_prefix: expected 8 to 32, got {self.ipv4_prefix}")
        if not 16 <= self.ipv6_prefix <= 128:
            raise ValueError(f"ipv6_prefix: expected 16 to 128, got {self.ipv6_prefix}")
        if self.idle_timeout <= 0 or self.busy_idle_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("idle_timeout, busy_idle_timeout, read_timeout: expected seconds above 0")


class RateLimiter:
    def __init__(
        self, rate: float, burst: int, max_tracked: int = 100_000, clock: Callable[[], float] = time.monotonic
    ):
        self.rate = rate
        self.burst = float(burst)
        self.max_tracked = max_tracked
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # network → (tokens, at)

    def allow(self, network: str) -> float:
        """0 when a query from `network` may go ahead (and counts it); else seconds until one may."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        tokens, at = self._buckets.pop(network, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens >= 1.0:
            self._buckets[network] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[network] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        while len(self._buckets) > self.max_tracked:
            self._buckets.popitem(last=False)
        return wait

    def forget(self) -> None:
        self._buckets.clear()

    @staticmethod
    def whole_seconds(wait: float) -> int:
        return max(1, math.ceil(wait))
