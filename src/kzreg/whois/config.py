"""WHOIS settings: `settings.KZREG_WHOIS` (tests override it) over `KZREG_WHOIS_*` variables over defaults.

Port 43 takes them as the defaults of `kzreg whois serve`'s options; the web page reads them directly,
so both apply the same rate, burst and network prefixes. Names (`KZREG_WHOIS_<NAME>`): `RATE`, `BURST`,
`MAX_CONNECTIONS`, `MAX_PER_NETWORK` (formerly `MAX_PER_ADDRESS`, still read), `IDLE_TIMEOUT`,
`BUSY_IDLE_TIMEOUT`, `READ_TIMEOUT`, `IPV4_PREFIX`, `IPV6_PREFIX`, and for the web page only
`TRUSTED_PROXIES`: comma-separated addresses or networks of the operator's reverse proxies, whose
`X-Forwarded-For` names the client (default none: the socket peer is the client).
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from kzreg.whois.limits import Limits

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULTS = Limits()
FIELDS = {  # setting name → (Limits field, type)
    "RATE": ("rate", float),
    "BURST": ("burst", int),
    "MAX_CONNECTIONS": ("max_connections", int),
    "MAX_PER_NETWORK": ("max_per_network", int),
    "IDLE_TIMEOUT": ("idle_timeout", float),
    "BUSY_IDLE_TIMEOUT": ("busy_idle_timeout", float),
    "READ_TIMEOUT": ("read_timeout", float),
    "IPV4_PREFIX": ("ipv4_prefix", int),
    "IPV6_PREFIX": ("ipv6_prefix", int),
}
ALIASES = {"MAX_PER_NETWORK": "MAX_PER_ADDRESS"}  # the name before networks were grouped


def value(name: str) -> str:
    """The setting's text, or '' when it is not set anywhere."""
    overrides = getattr(settings, "KZREG_WHOIS", None) or {}
    if name in overrides:
        return str(overrides[name])
    found = os.environ.get(f"KZREG_WHOIS_{name}", "")
    if not found and name in ALIASES:
        found = os.environ.get(f"KZREG_WHOIS_{ALIASES[name]}", "")
    return found


def default(name: str) -> Any:
    """What an option of `kzreg whois serve` defaults to: the setting, else the built-in figure."""
    field, kind = FIELDS[name]
    text = value(name)
    if not text:
        return getattr(DEFAULTS, field)
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"KZREG_WHOIS_{name}: expected a {kind.__name__}, got {text!r}") from None


@lru_cache(maxsize=1)
def limits() -> Limits:
    """The configured limits (read once per process; changed settings in tests clear it)."""
    return Limits(**{field: default(name) for name, (field, _) in FIELDS.items()})


@lru_cache(maxsize=1)
def trusted_proxies() -> tuple[Network, ...]:
    text = value("TRUSTED_PROXIES")
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"KZREG_WHOIS_TRUSTED_PROXIES: {exc}") from None


def forget(**_: Any) -> None:
    limits.cache_clear()
    trusted_proxies.cache_clear()


setting_changed.connect(forget)
