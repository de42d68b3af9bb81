"""Where kzreg is served: demo or production, its public base URL, and the Host names it answers to.

"The demo" is `KZREG_DEBUG=1` or a web bind (`KZREG_BIND`) on loopback; anything else is production,
where the secret key must be given (`secret_key.py`). The public URL (`KZREG_PUBLIC_URL`) is the one
source of the links kzreg publishes (RDAP `links`, `port43`): never the request's `Host` header, which
any client can set.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


class BadSetting(ValueError):
    """A deployment variable kzreg cannot use; the message names it."""


def is_loopback(address: str) -> bool:
    """`127.0.0.1`, `::1`, `localhost`: reachable from this machine only."""
    address = address.strip().strip("[]")
    if address.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def is_demo(env: Mapping[str, str], bind: str) -> bool:
    return env.get("KZREG_DEBUG", "") == "1" or is_loopback(bind)


def public_url(env: Mapping[str, str], bind: str, port: int) -> str:
    """`KZREG_PUBLIC_URL` without its trailing slash (the site's base, path prefix included), or the web
    server's own address when unset (the machine's name for a wildcard bind such as 0.0.0.0)."""
    configured = env.get("KZREG_PUBLIC_URL", "").strip()
    if configured:
        parts = urlsplit(configured)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise BadSetting(f"KZREG_PUBLIC_URL: expected http(s)://host[:port][/path], got {configured!r}")
        return configured.rstrip("/")
    host = bind.strip().strip("[]") or "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_unspecified:
            host = socket.gethostname()
    except ValueError:
        pass  # a name
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def origin(url: str) -> str:
    """`https://rdap.nic.kz/kzreg` → `https://rdap.nic.kz` (what a browser sends as Origin)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def is_https(env: Mapping[str, str], url: str) -> bool:
    """`KZREG_HTTPS=1`/`0` when set, else whether the public URL is https."""
    value = env.get("KZREG_HTTPS", "").strip()
    if value:
        return flag("KZREG_HTTPS", value)
    return url.startswith("https://")


def allowed_hosts(env: Mapping[str, str], url: str, demo: bool, bind: str) -> list[str]:
    """`KZREG_ALLOWED_HOSTS` when set; else the public URL's host (and loopback names, for checks run on
    the machine); else loopback names for a loopback demo; else any host (links never come from it)."""
    configured = env.get("KZREG_ALLOWED_HOSTS", "").strip()
    if configured:
        return [h.strip() for h in configured.split(",") if h.strip()]
    if env.get("KZREG_PUBLIC_URL", "").strip():
        host = urlsplit(url).hostname or ""
        host = f"[{host}]" if ":" in host else host
        return list(dict.fromkeys([host, *LOOPBACK_NAMES]))
    if demo and is_loopback(bind):
        return list(LOOPBACK_NAMES)
    return ["*"]


def flag(name: str, value: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise BadSetting(f"{name}: expected 1 or 0, got {value!r}")
