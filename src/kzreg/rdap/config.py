"""RDAP settings: `settings.KZREG_RDAP` (tests override it) over environment variables over defaults.

- `KZREG_RDAP_RATE_LIMIT` — `N/S`: at most N requests per S seconds per client address and worker
  process; `0` turns the limit off (benchmarks). Default `600/60`.
- `KZREG_RDAP_SEARCH_LIMIT` — most results a search returns (default 50); more are cut with a notice.
- `KZREG_RDAP_BASE_URL` — the public base of the links (default: `KZREG_PUBLIC_URL` + `/rdap`).
- `KZREG_RDAP_PORT43` — the WHOIS host named in `port43` (default: the host of the base URL).
  Neither ever comes from the request: a client may send any `Host` header that ALLOWED_HOSTS accepts.
- `KZREG_RDAP_CACHE_SIZE` — domain answers each worker process keeps (default 10000, ~10 KB each; 0 = off).
- `KZREG_RDAP_CACHE_SECONDS` — the most a cached answer may lag behind a change (default 1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed

MIN_PATTERN_PREFIX = 2  # characters before '*' in a search pattern


@dataclass(frozen=True)
class RateLimit:
    requests: int
    seconds: int

    @property
    def enabled(self) -> bool:
        return self.requests > 0 and self.seconds > 0


@lru_cache(maxsize=64)
def _value(key: str, default: str) -> str:
    """Read once per process (every request asks); `override_settings` in tests clears it."""
    overrides = getattr(settings, "KZREG_RDAP", None) or {}
    if key in overrides:
        return str(overrides[key])
    return os.environ.get(f"KZREG_RDAP_{key}", default)


def parse_rate_limit(text: str) -> RateLimit:
    """`"600/60"` → RateLimit(600, 60); `"0"` or empty → off. A malformed value is a startup error."""
    text = text.strip()
    if text in ("", "0"):
        return RateLimit(0, 0)
    count, _, seconds = text.partition("/")
    try:
        return RateLimit(int(count), int(seconds or "1"))
    except ValueError:
        raise ValueError(f"KZREG_RDAP_RATE_LIMIT: expected N/SECONDS such as 600/60, got {text!r}") from None


@lru_cache(maxsize=1)
def rate_limit() -> RateLimit:
    return parse_rate_limit(_value("RATE_LIMIT", "600/60"))


def search_limit() -> int:
    return max(1, int(_value("SEARCH_LIMIT", "50")))


def base_url() -> str:
    """The configured public base of RDAP links, without a trailing slash."""
    return (_value("BASE_URL", "") or f"{settings.PUBLIC_URL}/rdap").rstrip("/")


def port43() -> str:
    return _value("PORT43", "") or urlsplit(base_url()).hostname or ""


def cache_size() -> int:
    return max(0, int(_value("CACHE_SIZE", "10000")))


def cache_seconds() -> float:
    return max(0.0, float(_value("CACHE_SECONDS", "1")))


def forget(**_: Any) -> None:
    """Settings changed (tests): read them again."""
    _value.cache_clear()
    rate_limit.cache_clear()


setting_changed.connect(forget)
