"""`export_zone`: one zone file from the registry, streamed line by line (P2).

Contents, in order: `$ORIGIN`/`$TTL`, the SOA, the apex NS set with the addresses of apex servers inside
the zone, then one delegation per delegated domain (its NS set in position order and its DS records), then
glue. Delegations come in registration order, glue by host name. Names are A-labels throughout (IDN in `xn--` form).

Glue rule (documented in docs/zone.md): a host inside this zone gets its A/AAAA records whenever a delegated
domain of this zone uses it — in-domain glue (`ns1.example.kz` for `example.kz`) and sibling glue (the same
server for `friend.kz`) — so every delegation the zone publishes can be followed (`named-checkzone` and
Knot's `kzonecheck` find no missing glue). The registration a host lies under is always registered (the
registry refuses new hosts inside an unregistered domain, and a domain whose hosts others use is not
deleted, issue 10); while that domain itself is on hold, suspended or expired, its hosts' addresses stay
published for the other domains that use them. Hosts outside the zone (another registry zone, or anywhere
else) never get records here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

import idna
from django.db import connection, transaction

from kzreg.core import clock
from kzreg.registry.models import Host, Zone
from kzreg.registry.reads.delegations import delegation_rows, glue_candidates, json_list
from kzreg.zone import records
from kzreg.zone.models import ApexAddress
from kzreg.zone.problems import ZoneProblem
from kzreg.zone.serial import change_marker, record_export, reserve_serial

WRITE_EVERY = 2000  # lines per write and digest update
REPORT_LIMIT = 20  # rejected DS records kept for the report (the count is always exact)


@dataclass
class ExportResult:
    zone: str
    serial: int
    digest: str = ""
    marker: str = ""
    delegations: int = 0
    ns_records: int = 0
    ds_records: int = 0
    glue_hosts: int = 0
    rejected_ds: list[str] = field(default_factory=list)
    rejected_ds_count: int = 0
    apex_without_address: list[str] = field(default_factory=list)

    def warnings(self, lang: str = "en") -> list[str]:
        """What the export left out or could not complete, in the user's language."""
        out = []
        if self.apex_without_address:
            hosts = ", ".join(self.apex_without_address)
            out.append(ZoneProblem("apex_without_address", zone=self.zone, hosts=hosts))
        if self.rejected_ds_count:
            examples = "; ".join(self.rejected_ds)
            out.append(ZoneProblem("ds_rejected", count=self.rejected_ds_count, examples=examples))
        return [p.message(lang) for p in out]


def find_zone(text: str) -> Zone:
    """A zone by A-label, U-label or either with a trailing dot: `kz`, `қаз`, `xn--80ao21a`."""
    key = (text or "").strip().rstrip(".").lower()
    try:
        alabel = key if key.isascii() else idna.encode(key).decode("ascii")
    except idna.IDNAError:
        alabel = key
    zone = Zone.objects.filter(name=alabel).first() if alabel else None
    if zone is None:
        known = ", ".join(
            f"{z.unicode_name} ({z.name})" if z.name != z.unicode_name else z.name for z in Zone.objects.all()
        )
        raise ZoneProblem("zone_unknown", zone=text, known=known or "-")
    return zone


class _Sink:
    """Buffers lines, writes them in chunks and keeps the content digest (everything but the serial)."""

    def __init__(self, out: BinaryIO):
        self.out, self.lines, self.digest = out, [], hashlib.sha256()

    def add(self, text: str, digest: bool = True) -> None:
        if digest:
            self.lines.append(text)
            if len(self.lines) >= WRITE_EVERY:
                self.flush()
        else:
            self.flush()
            self.out.write(text.encode("ascii"))

    def flush(self) -> None:
        if self.lines:
            data = "".join(self.lines).encode("ascii")
            self.digest.update(data)
            self.out.write(data)
            self.lines = []


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view for both streams: REPEATABLE READ on PostgreSQL.

    SQLite readers see a snapshot per statement in WAL mode; a transaction there would take the write lock
    (IMMEDIATE mode) and stop registrations for the length of the export, so none is opened.
    """
    if connection.vendor != "postgresql":
        yield
        return
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_zone(zone: Zone, out: BinaryIO, at: dt.datetime | None = None, marker: str | None = None) -> ExportResult:
    """Writes the zone to `out` (binary) and records its serial and digest; returns what it wrote.

    `marker` (from `change_marker`) may be passed when the caller has just taken it; it must be taken
    before the export reads anything, so that a change made meanwhile shows up as a new marker next time.
    """
    at = at or clock.now()
    marker = marker or change_marker(zone, at)
    serial = reserve_serial(zone, marker, at)
    result = ExportResult(zone=zone.name, serial=serial, marker=marker)
    sink = _Sink(out)
    timers = (zone.soa_refresh, zone.soa_retry, zone.soa_expire, zone.soa_minimum)
    mname = zone.soa_mname or (zone.apex_nameservers or [f"ns.{zone.name}"])[0]
    rname = zone.soa_rname or f"hostmaster.{zone.name}"
    sink.add(records.header(zone.name, zone.default_ttl))
    sink.add(records.soa_line(zone.name, mname, rname, serial, timers), digest=False)
    sink.digest.update(records.soa_fields_text(mname, rname, timers).encode("ascii"))
    with _snapshot():
        apex = _write_apex(zone, sink, result)
        _write_delegations(zone, sink, result, at)
        _write_glue(zone, sink, result, at, skip=apex)
    sink.flush()
    result.digest = sink.digest.hexdigest()
    record_export(zone, serial, marker, result.digest, result.delegations, at)
    return result


def _write_apex(zone: Zone, sink: _Sink, result: ExportResult) -> set[str]:
    """Apex NS set; addresses for apex servers inside the zone (ApexAddress rows, else the Host row)."""
    names = [_host_alabel(n) for n in zone.apex_nameservers or []]
    configured: dict[str, list[str]] = {}
    for host, address in ApexAddress.objects.filter(zone=zone).values_list("host", "address"):
        configured.setdefault(host, []).append(address)
    inside = [n for n in names if records.in_zone(n, zone.name)]
    hosts = {h.name: h.addresses for h in Host.objects.filter(name__in=[n for n in inside if n not in configured])}
    for name in names:
        sink.add(records.ns_line(zone.name, name))
    for name in inside:
        addresses = configured.get(name) or hosts.get(name) or []
        if not addresses:
            result.apex_without_address.append(name)
        sink.add(records.address_lines(name, sorted(addresses)))
    return set(inside)


def _write_delegations(zone: Zone, sink: _Sink, result: ExportResult, at: dt.datetime) -> None:
    """One delegation per domain, in registration order: its DS records, then its NS set by position."""
    current: int | None = None
    name, ds, servers = "", None, []

    def flush() -> None:
        result.delegations += 1
        ds_list = json_list(ds)
        if ds_list:
            lines, rejected = records.ds_lines(name, ds_list)
            result.ds_records += len(ds_list) - len(rejected)
            result.rejected_ds_count += len(rejected)
            result.rejected_ds.extend(f"{name}: {r}" for r in rejected[: REPORT_LIMIT - len(result.rejected_ds)])
            sink.add(lines)
        servers.sort()
        result.ns_records += len(servers)
        sink.add("".join(f"{name}.\tNS\t{host}.\n" for _, host in servers))

    for domain_id, domain_name, domain_ds, position, host in delegation_rows(zone.id, at):
        if domain_id != current:
            if current is not None:
                flush()
            current, name, ds, servers = domain_id, domain_name, domain_ds, []
        servers.append((position, host))
    if current is not None:
        flush()


def _write_glue(zone: Zone, sink: _Sink, result: ExportResult, at: dt.datetime, skip: set[str]) -> None:
    """Addresses of every host inside the zone that a delegation of the zone names (apex servers aside)."""
    for host, addresses in glue_candidates(zone.id, zone.name, at):
        if records.owner_domain(host, zone.name) is None or host in skip:
            continue
        text = records.address_lines(host, json_list(addresses))
        if text:
            result.glue_hosts += 1
            sink.add(text)


def _host_alabel(name: str) -> str:
    text = name.strip().rstrip(".").lower()
    return text if text.isascii() else idna.encode(text, uts46=True).decode("ascii")
