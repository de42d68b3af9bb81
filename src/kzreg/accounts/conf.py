"""Login settings from the environment: how many failures pause a login, for how long, and when staff
must give a second factor. `kzreg.config.settings` reads these, so this module imports no Django app; a
bad value is a `BadSetting`, which stops every entry point with one line naming the variable.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from kzreg.config.deployment import BadSetting

STAFF_2FA_MODES = ("required", "enrolled")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadSetting(f"{name}: must be a whole number of at least 1, got {raw!r}")
    return value


def failure_limit(env: Mapping[str, str] = os.environ) -> int:
    """`KZREG_LOGIN_FAILURES`: failed logins, per account and per address, that pause further tries (5)."""
    return _positive_int(env, "KZREG_LOGIN_FAILURES", 5)


def cool_off(env: Mapping[str, str] = os.environ) -> dt.timedelta:
    """`KZREG_LOGIN_COOLOFF_MINUTES`: how long the pause lasts after the last counted failure (15)."""
    return dt.timedelta(minutes=_positive_int(env, "KZREG_LOGIN_COOLOFF_MINUTES", 15))


def staff_2fa(env: Mapping[str, str], demo: bool) -> str:
    """`KZREG_STAFF_2FA`: `required` (every registry staff account needs a TOTP code) or `enrolled` (a code
    is asked of accounts that have a device). Default: `required` outside the demo (`settings.DEMO`:
    `KZREG_DEBUG=1` or a loopback bind), `enrolled` in it."""
    raw = (env.get("KZREG_STAFF_2FA") or "").strip().lower()
    if not raw:
        return "enrolled" if demo else "required"
    if raw not in STAFF_2FA_MODES:
        raise BadSetting(f"KZREG_STAFF_2FA: must be one of {', '.join(STAFF_2FA_MODES)}, got {raw!r}")
    return raw
