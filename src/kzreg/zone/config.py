"""Publisher settings from the environment (see docs/zone.md); read at call time so tests can set them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class PublishConfig:
    zone_dir: Path  # KZREG_ZONE_DIR, default DATA_DIR/zones: <zone A-label>.zone files
    reload_command: str  # KZREG_ZONE_RELOAD_COMMAND, e.g. "knotc zone-reload {zone}"; empty = none
    reload_timeout: float  # KZREG_ZONE_RELOAD_TIMEOUT seconds
    check: str  # KZREG_ZONE_CHECK: "auto" (when named-checkzone is installed), "1" (required) or "0"
    check_timeout: float  # KZREG_ZONE_CHECK_TIMEOUT seconds


def publish_config() -> PublishConfig:
    env = os.environ.get
    return PublishConfig(
        zone_dir=Path(env("KZREG_ZONE_DIR") or Path(settings.DATA_DIR) / "zones"),
        reload_command=env("KZREG_ZONE_RELOAD_COMMAND", ""),
        reload_timeout=float(env("KZREG_ZONE_RELOAD_TIMEOUT") or 60),
        check=(env("KZREG_ZONE_CHECK") or "auto").lower(),
        check_timeout=float(env("KZREG_ZONE_CHECK_TIMEOUT") or 900),
    )


def publish_every() -> float:
    """KZREG_ZONE_PUBLISH_EVERY: seconds between the worker's publication runs (default 60)."""
    return float(os.environ.get("KZREG_ZONE_PUBLISH_EVERY") or 60)
