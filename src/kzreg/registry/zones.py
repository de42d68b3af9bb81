"""Zone configuration as `ZonePolicy` values, cached per process and dropped when a zone row changes."""

from __future__ import annotations

import threading
import time

from django.db.models.signals import post_delete, post_save

from kzreg.registry.models import ReservedName, Zone
from kzreg.registry.policy import ZonePolicy

_CACHE_SECONDS = 30.0  # other processes see a zone edit within this time
_lock = threading.Lock()
_cached: tuple[float, dict[str, ZonePolicy]] | None = None


def zone_policies() -> dict[str, ZonePolicy]:
    """A-label → ZonePolicy for every configured zone."""
    global _cached
    current = _cached
    if current is not None and time.monotonic() - current[0] < _CACHE_SECONDS:
        return current[1]
    reserved: dict[int, dict[str, str]] = {}
    blocked: dict[int, dict[str, str]] = {}
    for row in ReservedName.objects.all():
        target = blocked if row.kind == ReservedName.Kind.BLOCKED else reserved
        target.setdefault(row.zone_id, {})[row.label] = row.reason
    policies = {
        z.name: ZonePolicy(
            id=z.id,
            name=z.name,
            unicode_name=z.unicode_name,
            max_name_length=z.max_name_length,
            min_period=z.min_period,
            max_period=z.max_period,
            allow_latin=z.allow_latin,
            allow_cyrillic=z.allow_cyrillic,
            min_nameservers=z.min_nameservers,
            max_nameservers=z.max_nameservers,
            grace_days=z.grace_days,
            reserved=reserved.get(z.id, {}),
            blocked=blocked.get(z.id, {}),
        )
        for z in Zone.objects.all()
    }
    with _lock:
        _cached = (time.monotonic(), policies)
    return policies


def zone_for_host(host_name: str) -> ZonePolicy | None:
    """The registry zone a host name lies in (then its glue is published), or None."""
    zones = zone_policies()
    labels = host_name.split(".")
    for i in range(1, len(labels)):
        zone = zones.get(".".join(labels[i:]))
        if zone is not None:
            return zone
    return None


def forget_zones(**_: object) -> None:
    global _cached
    with _lock:
        _cached = None


for _model in (Zone, ReservedName):
    post_save.connect(forget_zones, sender=_model, dispatch_uid=f"forget-zones-save-{_model.__name__}")
    post_delete.connect(forget_zones, sender=_model, dispatch_uid=f"forget-zones-delete-{_model.__name__}")
