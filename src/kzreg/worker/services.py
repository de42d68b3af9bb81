from __future__ import annotations

from kzreg.plugins import Service


def services() -> list[Service]:
    return [Service("worker", ["worker"])]
