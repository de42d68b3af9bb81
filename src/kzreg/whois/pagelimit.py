"""The web WHOIS page's rate limit: port 43's token bucket per client network, with its settings.

A lookup on the page costs what a port-43 query costs, so it is limited by the same rules: `RATE`
queries/s and `BURST` at once per network (`IPV4_PREFIX`, `IPV6_PREFIX`), from `kzreg.whois.config`.
The buckets are per web worker process, as RDAP's are (no shared store on the request path): with W
gunicorn workers a network gets at most W × the figures. Time is `kzreg.core.clock`, which tests move.

The client is the socket peer (`REMOTE_ADDR`). Only when the peer is one of the operator's reverse
proxies (`KZREG_WHOIS_TRUSTED_PROXIES`) is `X-Forwarded-For` read, from its right end: the first
address there that is not a trusted proxy is the client (the left part is whatever the client wrote).
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.http import HttpRequest

from kzreg.core import clock
from kzreg.whois import config
from kzreg.whois.limits import RateLimiter
from kzreg.whois.networks import network_key

_lock = threading.Lock()
_state: dict[str, Any] = {}  # "limiter", "network": built from the settings on first use


def client_address(request: HttpRequest) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    proxies = config.trusted_proxies()
    if not proxies or not _is_in(peer, proxies):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _is_in(hop, proxies):
            return hop
    return peer


def _is_in(address: str, networks: tuple[config.Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def check(request: HttpRequest) -> tuple[float, str]:
    """(0, network) when the lookup may go ahead (and counts it), else (seconds to wait, network)."""
    with _lock:
        if not _state:
            limits = config.limits()
            _state["limiter"] = RateLimiter(limits.rate, limits.burst, limits.tracked_addresses, clock=_seconds)
            _state["network"] = network_key(limits.ipv4_prefix, limits.ipv6_prefix)
        network: Callable[[str], str] = _state["network"]
        key = network(client_address(request))
        return _state["limiter"].allow(key), key


def _seconds() -> float:
    return clock.now().timestamp()


def reset(**_: Any) -> None:
    """Forgets every bucket and the settings (tests; changed settings)."""
    with _lock:
        _state.clear()


setting_changed.connect(reset)
