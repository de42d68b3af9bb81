"""The SOA serial and change detection: the serial grows with every change and never goes back.

Serial scheme: Unix time in seconds, or the previous serial + 1 when that is larger
(`max(previous + 1, unix_now)`). Unlike YYYYMMDDnn it does not run out after 100 changes a day, and a
zone that was published with a date-style serial before simply continues with +1 steps.

A change is detected by a *marker*: the newest history row (every registry operation writes one, R1),
the newest `updated_at` of the zone's domains and of hosts, how many domains have reached their expiry
(expiry removes a delegation without any row changing) and the zone's configuration — index lookups
only, so checking an unchanged million-domain zone costs milliseconds. An unchanged marker means unchanged
content and the serial stays; a changed marker may still mean unchanged content (a contact edit, another
zone's change), which the content digest tells apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction

from kzreg.registry.models import Zone
from kzreg.registry.reads.delegations import change_figures
from kzreg.zone.models import ApexAddress, ZoneState

SERIAL_LIMIT = 2**32 - 1


def next_serial(previous: int, at: dt.datetime) -> int:
    candidate = max(previous + 1, int(at.timestamp()))
    if candidate > SERIAL_LIMIT:  # RFC 1982 wrap: 0 follows 2**32-1 for secondaries; never reached before 2106
        candidate -= SERIAL_LIMIT + 1
    return candidate


def config_fingerprint(zone: Zone) -> str:
    apex = sorted(ApexAddress.objects.filter(zone=zone).values_list("host", "address"))
    parts = [
        zone.name,
        ",".join(zone.apex_nameservers or []),
        zone.soa_mname,
        zone.soa_rname,
        *map(str, (zone.soa_refresh, zone.soa_retry, zone.soa_expire, zone.soa_minimum, zone.default_ttl)),
        repr(apex),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def change_marker(zone: Zone, at: dt.datetime) -> str:
    figures = change_figures(zone.id, at)
    text = "|".join("-" if f is None else (f.isoformat() if isinstance(f, dt.datetime) else str(f)) for f in figures)
    return f"{text}|{config_fingerprint(zone)}"[:255]


def state_of(zone: Zone) -> ZoneState:
    state, _ = ZoneState.objects.get_or_create(zone=zone)
    return state


def reserve_serial(zone: Zone, marker: str, at: dt.datetime) -> int:
    """The serial for content with this marker: the stored one if nothing moved, else a new, larger one.

    Taken under a row lock and committed at once, so two exporters never hand out the same new serial.
    """
    state_of(zone)
    with transaction.atomic():
        state = ZoneState.objects.select_for_update().get(zone=zone)
        if state.serial and state.digest and state.marker == marker:
            return state.serial
        state.serial = next_serial(state.serial, at)
        state.marker = ""  # the content for this serial is not known until the export finishes
        state.save(update_fields=["serial", "marker"])
        return state.serial


def record_export(zone: Zone, serial: int, marker: str, digest: str, delegations: int, at: dt.datetime) -> None:
    """After a complete export: the content with this marker has this digest and serial."""
    with transaction.atomic():
        state = ZoneState.objects.select_for_update().get(zone=zone)
        if state.serial != serial:  # another export handed out a newer serial meanwhile; it records itself
            return
        state.marker, state.digest, state.delegations, state.exported_at = marker, digest, delegations, at
        state.save(update_fields=["marker", "digest", "delegations", "exported_at"])
