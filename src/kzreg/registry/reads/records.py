"""What WHOIS shows, read with plain SQL into plain records (one indexed query per object).

The same functions serve the port-43 server (raw connection) and the web page (Django's connection),
so both show exactly the same thing. Values are normalised here because drivers differ: SQLite gives
JSON as text and datetimes as naive strings, PostgreSQL gives lists and aware datetimes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from kzreg.registry.reads.connection import RawDatabase
from kzreg.registry.status import PENDING_TRANSFER_SQL, domain_statuses


@dataclass(frozen=True)
class ContactRecord:
    handle: str
    kind: str  # "I" individual, "R" role (what the disclosure rule needs, with `disclose`)
    name: str
    organisation: str
    address: str
    city: str
    region: str
    postal_code: str
    country_code: str
    phones: tuple[str, ...]
    faxes: tuple[str, ...]
    emails: tuple[str, ...]
    disclose: bool
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class HostRecord:
    name: str
    unicode_name: str
    addresses: tuple[str, ...]
    registrar: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class DomainRecord:
    name: str  # A-label
    unicode_name: str
    hold: bool
    suspended: bool
    pending_delete: bool
    client_hold: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    registrar: str  # current (sponsoring) registrar handle
    creating_registrar: str
    registrant: ContactRecord
    admin: ContactRecord
    nameservers: tuple[HostRecord, ...]
    reseller_name: str = ""  # as the registrar names it; "" when none
    pending_transfer: bool = False  # a registrar transfer awaits its decision (R15)

    deleted_at: None = None  # only live domains are shown

    def statuses(self, at: dt.datetime) -> list[str]:
        """The same words as `Domain.statuses` (the one R13 rule)."""
        return domain_statuses(self, at)


@dataclass(frozen=True)
class RegistrarRecord:
    handle: str
    name: str
    email: str
    phone: str
    url: str
    whois_server: str
    created_at: dt.datetime


def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        if value in ("", "[]"):  # most fax lists: skip the JSON decoder
            return ()
        value = json.loads(value)
    return tuple(str(v) for v in value or ())


CONTACT_COLUMNS = (
    "{t}.handle, {t}.kind, {t}.name, {t}.organisation, {t}.address, {t}.city, {t}.region, "
    "{t}.postal_code, {t}.country_code, {t}.phones, {t}.faxes, {t}.emails, {t}.disclose"
)


def _contact(row: tuple, created: Any = None, updated: Any = None) -> ContactRecord:
    handle, kind, name, org, address, city, region, postal, country, phones, faxes, emails, disclose = row
    return ContactRecord(
        handle=handle, kind=kind, name=name, organisation=org, address=address, city=city, region=region or "",
        postal_code=postal or "", country_code=country, phones=as_list(phones), faxes=as_list(faxes),
        emails=as_list(emails), disclose=bool(disclose),
        created_at=as_datetime(created) if created else None, updated_at=as_datetime(updated) if updated else None,
    )  # fmt: skip


def _first_registrar_sql(db: RawDatabase) -> str:
    """The registrar named in the domain's first history version (the registrar that created it)."""
    extract = (
        "json_extract(h.snapshot, '$.registrar')"
        if db.vendor == "sqlite"
        else "CAST(h.snapshot->>'registrar' AS bigint)"
    )
    return (
        f"(SELECT fr.handle FROM registry_historyentry h JOIN registry_registrar fr ON fr.id = {extract} "
        "WHERE h.object_type = 'domain' AND h.object_id = d.id AND h.version = 1)"
    )


def fetch_domain(db: RawDatabase, name: str) -> DomainRecord | None:
    """The live domain with this A-label name, or None."""
    return fetch_domains(db, [name]).get(name)


def fetch_domains(db: RawDatabase, names: list[str]) -> dict[str, DomainRecord]:
    """The live domains among `names`, by name: two statements however many names (for batches)."""
    if not names:
        return {}
    marks = ", ".join(["%s"] * len(names))
    sql = (
        "SELECT d.id, d.name, d.unicode_name, d.hold, d.suspended, d.pending_delete, d.created_at, "
        f"d.updated_at, d.expires_at, r.handle, {_first_registrar_sql(db)}, d.reseller_name, "
        f"{CONTACT_COLUMNS.format(t='rc')}, {CONTACT_COLUMNS.format(t='ac')}, d.client_hold, "
        f"{PENDING_TRANSFER_SQL.format(d='d')} "
        "FROM registry_domain d JOIN registry_registrar r ON r.id = d.registrar_id "
        "JOIN registry_contact rc ON rc.id = d.registrant_id JOIN registry_contact ac ON ac.id = d.admin_contact_id "
        f"WHERE d.name IN ({marks}) AND d.deleted_at IS NULL"
    )
    rows = db.execute(sql, tuple(names))
    if not rows:
        return {}
    servers: dict[int, list[HostRecord]] = {row[0]: [] for row in rows}
    ns_rows = db.execute(
        "SELECT l.domain_id, h.name, h.unicode_name, h.addresses FROM registry_domainnameserver l "
        f"JOIN registry_host h ON h.id = l.host_id WHERE l.domain_id IN ({', '.join(['%s'] * len(servers))}) "
        "ORDER BY l.domain_id, l.position",
        tuple(servers),
    )
    for domain_id, n, u, a in ns_rows:
        servers[domain_id].append(HostRecord(n, u, as_list(a)))
    found = {}
    for row in rows:
        domain_id, a_name, u_name, hold, suspended, pending, created, updated, expires, registrar, creator = row[:11]
        reseller_name = row[11] or ""
        found[a_name] = DomainRecord(
            name=a_name, unicode_name=u_name, hold=bool(hold), suspended=bool(suspended),
            pending_delete=bool(pending), client_hold=bool(row[38]), created_at=as_datetime(created),
            updated_at=as_datetime(updated), expires_at=as_datetime(expires), registrar=registrar,
            creating_registrar=creator or registrar, registrant=_contact(row[12:25]), admin=_contact(row[25:38]),
            nameservers=tuple(servers[domain_id]), reseller_name=reseller_name, pending_transfer=bool(row[39]),
        )  # fmt: skip
    return found


def fetch_contact(db: RawDatabase, handle: str) -> ContactRecord | None:
    rows = db.execute(
        f"SELECT {CONTACT_COLUMNS.format(t='c')}, c.created_at, c.updated_at FROM registry_contact c "
        "WHERE c.handle = %s",
        (handle,),
    )
    return _contact(rows[0][:13], rows[0][13], rows[0][14]) if rows else None


def fetch_host(db: RawDatabase, name: str) -> HostRecord | None:
    rows = db.execute(
        "SELECT h.name, h.unicode_name, h.addresses, r.handle, h.created_at, h.updated_at FROM registry_host h "
        "LEFT JOIN registry_registrar r ON r.id = h.registrar_id WHERE h.name = %s",
        (name,),
    )
    if not rows:
        return None
    n, u, addresses, registrar, created, updated = rows[0]
    return HostRecord(n, u, as_list(addresses), registrar or "", as_datetime(created), as_datetime(updated))


def fetch_registrar(db: RawDatabase, handle: str) -> RegistrarRecord | None:
    rows = db.execute(
        "SELECT handle, name, email, phone, url, whois_server, created_at FROM registry_registrar "
        "WHERE UPPER(handle) = %s",
        (handle.upper(),),
    )
    if not rows:
        return None
    h, name, email, phone, url, whois_server, created = rows[0]
    return RegistrarRecord(h, name, email, phone or "", url or "", whois_server or "", as_datetime(created))
