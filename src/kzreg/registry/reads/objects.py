"""What EPP `<check>` and `<info>` show of domains, contacts and hosts (RFC 5731–5733, issue 10): typed
views the EPP side renders, with the registry's rules applied here once — status words in EPP's terms
(from R13's flags and the sponsor's client statuses), and who sees an authorization code or a contact's
personal data (its sponsor, registry staff, or a caller that gives the right code; SPEC E2, C4).

A check of many names asks the database once per kind of object, with one prepared statement that reads
only the names (`_existing`): no queryset is compiled and no model instance built on EPP's busiest path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model, Q

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code, ProblemCode
from kzreg.registry import rows
from kzreg.registry.models import (
    Contact,
    ContactTransfer,
    Domain,
    DomainNameServer,
    DomainTransfer,
    HistoryEntry,
    Host,
    Registrar,
    TransferStatus,
)
from kzreg.registry.operations.prohibitions import domain_client_statuses
from kzreg.registry.operations.sponsorship import auth_code_matches, is_sponsor_bound
from kzreg.registry.policy import check_handle, check_reservation, normalize_host_name, parse_domain_name
from kzreg.registry.zones import zone_policies

# R13's flags in EPP's words (RFC 5731 §2.3); a registry suspension removes the delegation as a hold does.
SERVER_WORDS = {"hold": "serverHold", "suspended": "serverHold", "pending_delete": "pendingDelete"}
OK, LINKED, PENDING_TRANSFER = "ok", "linked", "pendingTransfer"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One name or id of a `<check>`: `key` as the object is known (A-label, upper-case id), `reason`
    (English) and `reason_code` (to render in kk/ru) when it is not available."""

    asked: str
    key: str
    available: bool
    reason: str = ""
    reason_code: ProblemCode | None = None
    reason_params: Mapping[str, object] = field(default_factory=dict)  # the code's fields


def _unavailable(asked: str, key: str, problem: Problem) -> CheckResult:
    return CheckResult(asked, key, False, problem.message("en"), problem.code, problem.params)


KEY_SEPARATOR = " "  # no domain or host name, nor contact handle, holds a space


@functools.lru_cache(maxsize=256)  # SQLite's texts differ by the number of keys: keep a bounded few
def _existing_sql(model: type[Model], field_name: str, live_only: bool, vendor: str, count: int) -> str:
    """`SELECT key FROM table WHERE key IN (…)`: on PostgreSQL one text for any number of keys (`= ANY`
    of an array), so the server prepares it once per connection; SQLite's differ by count only. The
    array comes as one text of the keys split by the server (`string_to_array`): a key here is a
    normalised name or handle, which never holds the separator (`KEY_SEPARATOR`), and psycopg dumps one
    string for a fraction of what a Python list costs it (it inspects the list to choose the array type)."""
    key_field = model._meta.get_field(field_name)
    assert isinstance(key_field, Field)  # a concrete column, never a relation's reverse side
    table, column = rows.quote(model._meta.db_table), rows.quote(str(key_field.column))
    where = (
        f"{column} = ANY(string_to_array(%s, '{KEY_SEPARATOR}'))"
        if vendor == "postgresql"
        else f"{column} IN ({rows.placeholders(count)})"
    )
    if live_only:
        where += f" AND {rows.quote('deleted_at')} IS NULL"
    return f"SELECT {column} FROM {table} WHERE {where}"


def _existing(model: type[Model], field_name: str, keys: Iterable[str], live_only: bool = False) -> set[str]:
    """Which of `keys` (exact, already normalised) exist as `model.field_name` (live rows only when
    `live_only`), read as plain tuples through the registry's prepared statements."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    vendor = connections[router.db_for_read(model)].vendor
    if vendor == "postgresql":  # a key with a space is no stored name or handle: it exists nowhere
        wanted = [key for key in wanted if KEY_SEPARATOR not in key]
        if not wanted:
            return set()
    params: list[object] = [KEY_SEPARATOR.join(wanted)] if vendor == "postgresql" else list(wanted)
    sql = _existing_sql(model, field_name, live_only, vendor, 0 if vendor == "postgresql" else len(wanted))
    return {row[0] for row in rows.fetch_all(sql, params, model)}


def existing_host_names(names: Iterable[str]) -> set[str]:
    """Which of these host names (A-labels, lower case) are host objects."""
    return _existing(Host, "name", names)


def check_domains(names: Sequence[str], actor: Actor | None = None) -> list[CheckResult]:
    """Each name: bad syntax, blocked, reserved (for all but staff) or registered is not available."""
    zones = zone_policies()
    privileged = actor is not None and actor.is_privileged
    parsed = {}
    results: dict[int, CheckResult] = {}
    for i, raw in enumerate(names):
        name, problems = parse_domain_name(raw, zones, "name")
        problems = problems or (check_reservation(name, privileged) if name else [])
        if name is None or problems:
            results[i] = _unavailable(raw, name.name if name else raw.strip().lower(), problems[0])
        else:
            parsed[i] = name
    wanted = {name.name for name in parsed.values()}
    together: tuple[frozenset[str], set[str]] | None = getattr(_read_together, "domains", None)
    if together is not None and wanted <= together[0]:
        taken = wanted & together[1]  # read with other checks' names (`domains_read_together`)
    else:
        taken = _existing(Domain, "name", wanted, live_only=True)
    for i, name in parsed.items():
        if name.name in taken:
            problem = Problem("name", Code.ALREADY_REGISTERED, {"name": name.unicode_name})
            results[i] = _unavailable(names[i], name.name, problem)
        else:
            results[i] = CheckResult(names[i], name.name, True)
    return [results[i] for i in range(len(names))]


_read_together = threading.local()


@contextlib.contextmanager
def domains_read_together(raw_names: Iterable[str]) -> Iterator[None]:
    """Within the block, `check_domains` in this thread answers for any of these names from one read of all
    of them: the EPP server's loop reads the names of the checks several sessions sent at the same moment
    with one statement, then answers each check (docs/epp.md, Speed). Only names already in their stored
    form (ASCII, lower case once stripped) are read ahead; a check that asks for any other name reads for
    itself, as outside the block. Names are public: the read is the same for every registrar."""
    keys = set()
    for raw in raw_names:
        key = (raw or "").strip().rstrip(".").lower()
        if key and key.isascii():
            keys.add(key)
    _read_together.domains = (frozenset(keys), _existing(Domain, "name", keys, live_only=True))
    try:
        yield
    finally:
        _read_together.domains = None


def check_contacts(ids: Sequence[str]) -> list[CheckResult]:
    """Each id: outside R5's syntax or taken is not available."""
    keys = [(raw or "").strip().upper() for raw in ids]
    taken = _existing(Contact, "handle", (k for k in keys if check_handle(k)))
    out = []
    for raw, key in zip(ids, keys, strict=True):
        if not check_handle(key):
            out.append(_unavailable(raw, key, Problem("id", Code.HANDLE_INVALID, {"value": raw})))
        elif key in taken:
            out.append(_unavailable(raw, key, Problem("id", Code.HANDLE_TAKEN, {"handle": key})))
        else:
            out.append(CheckResult(raw, key, True))
    return out


def check_hosts(names: Sequence[str]) -> list[CheckResult]:
    """Each host name: not a fully qualified name, or existing, is not available."""
    normal = [normalize_host_name(raw) for raw in names]
    wanted = {n[0] for n in normal if not isinstance(n, Problem)}
    taken = _existing(Host, "name", wanted)
    out = []
    for raw, n in zip(names, normal, strict=True):
        if isinstance(n, Problem):
            out.append(_unavailable(raw, (raw or "").strip().lower(), n))
        elif n[0] in taken:
            out.append(_unavailable(raw, n[0], Problem("name", Code.HOST_EXISTS, {"host": n[1]})))
        else:
            out.append(CheckResult(raw, n[0], True))
    return out


def _handles(registrar_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in registrar_ids if i is not None}
    return dict(Registrar.objects.filter(pk__in=ids).values_list("id", "handle")) if ids else {}


def _may_see_secret(actor: Actor, sponsor_id: int | None, stored: str, given: str | None) -> bool:
    """The sponsor, registry staff, or whoever gives the object's code (RFC 5731 §3.1.2 authInfo)."""
    if actor.is_privileged or (is_sponsor_bound(actor) and sponsor_id == actor.registrar_id):
        return True
    return given is not None and auth_code_matches(given, stored)


def _versions(object_type: str, object_id: int) -> tuple[int | None, int | None]:
    """The registrars of the first and the latest version (EPP crID and upID), where known."""
    entries = HistoryEntry.objects.filter(object_type=object_type, object_id=object_id)
    first = entries.order_by("version").values_list("registrar_id", flat=True).first()
    last = entries.order_by("-version").values_list("registrar_id", flat=True).first()
    return first, last


@dataclass(frozen=True, slots=True)
class DomainInfo:
    name: str
    unicode_name: str
    statuses: list[str]  # EPP words: ok | serverHold, pendingDelete, pendingTransfer, clientHold, ...
    rgp_statuses: list[str]  # RFC 3915: redemptionPeriod | pendingRestore
    registrant: str
    contacts: dict[str, str]  # admin, tech, billing → handle
    nameservers: list[str]
    hosts: list[str]  # the hosts inside the domain (RFC 5731 <domain:host>)
    ds_records: list[str]
    location: dict[str, str]  # address, city, region (R12, kz extension)
    purpose: str
    registrar: str  # clID
    creating_registrar: str  # crID, "" when the registry made it (mail, staff)
    updating_registrar: str  # upID
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    transferred_at: dt.datetime | None
    auth_code: str | None = None  # only for the sponsor, staff, or a caller that gave the right code
    id: int = 0  # the database id behind its roid (`D<id>-KZ`)


# The domain's own columns `domain_info` reads (the rest stay unread).
_INFO_COLUMNS = (
    "id", "name", "unicode_name", "registrar", "purpose", "location_address", "location_city", "location_region",
    "ds_records", "hold", "suspended", "pending_delete", "client_hold", "client_statuses", "rgp_status",
    "auth_code", "created_at", "updated_at", "expires_at",
)  # fmt: skip


@dataclass(frozen=True)
class _InfoStatement:
    """`domain_info`'s first statement for one database vendor, with how to turn its row into values."""

    sql: str
    attnames: list[str]  # the domain's columns first, in this order
    converters: list[tuple[int, Any, list]]  # (position, expression, Django's converters) where any


@functools.cache
def _info_statement(vendor: str) -> _InfoStatement:
    """The live domain by name with everything `<info>` shows beside its host names, in one statement: its
    contacts' and sponsor's handles (joins), and as scalar subqueries whether a transfer is pending, when
    one was last approved, and the registrars of its first and latest versions (crID, upID). Written
    from the models' metadata once per vendor; on PostgreSQL psycopg prepares it after a few uses."""
    q = rows.quote
    meta = Domain._meta
    fields = [_concrete(Domain, name) for name in _INFO_COLUMNS]
    d, contact, registrar = q(meta.db_table), q(Contact._meta.db_table), q(Registrar._meta.db_table)
    transfer, history = q(DomainTransfer._meta.db_table), q(HistoryEntry._meta.db_table)
    columns = [f"d.{q(str(f.column))}" for f in fields]
    joins = []
    for i, role in enumerate(("registrant", "admin_contact", "tech_contact", "billing_contact")):
        joins.append(f"JOIN {contact} c{i} ON c{i}.id = d.{_column(Domain, role)}")
        columns.append(f"c{i}.{q('handle')}")
    joins.append(f"JOIN {registrar} sp ON sp.id = d.{_column(Domain, 'registrar')}")
    columns.append(f"sp.{q('handle')}")
    t_domain, t_status, t_decided = (_column(DomainTransfer, n) for n in ("domain", "status", "decided_at"))
    columns.append(f"(SELECT 1 FROM {transfer} t WHERE t.{t_domain} = d.id AND t.{t_status} = %s LIMIT 1)")
    columns.append(
        f"(SELECT t.{t_decided} FROM {transfer} t WHERE t.{t_domain} = d.id AND t.{t_status} IN (%s, %s)"
        f" ORDER BY t.{t_decided} DESC LIMIT 1)"
    )
    for order in ("", " DESC"):  # the first version's registrar (crID), then the latest's (upID)
        columns.append(
            f"(SELECT r.{q('handle')} FROM {history} h LEFT JOIN {registrar} r ON r.id = h.{q('registrar_id')}"
            f" WHERE h.{q('object_type')} = %s AND h.{q('object_id')} = d.id ORDER BY h.{q('version')}{order} LIMIT 1)"
        )
    sql = (
        f"SELECT {', '.join(columns)} FROM {d} d {' '.join(joins)}"
        f" WHERE d.{q('name')} = %s AND d.{q('deleted_at')} IS NULL"
    )
    db = connections[router.db_for_read(Domain)]
    converters: list[tuple[int, Any, list]] = []
    decided = (len(fields) + 6, DomainTransfer, _concrete(DomainTransfer, "decided_at"))  # after 4 + 1 handles, pending
    for i, model, f in [*((i, Domain, f) for i, f in enumerate(fields)), decided]:
        col = f.get_col(model._meta.db_table)
        chain = db.ops.get_db_converters(col) + f.get_db_converters(db)
        if chain:
            converters.append((i, col, chain))
    return _InfoStatement(sql, [f.attname for f in fields], converters)


def _concrete(model: type[Model], name: str) -> Field:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)  # a column of the model's own table
    return found


def _column(model: type[Model], name: str) -> str:
    return rows.quote(str(_concrete(model, name).column))


@functools.cache
def _names_statement(vendor: str) -> str:
    """The domain's name servers (by position) and the hosts inside it (by name) in one statement: kind 0
    and 1 of a UNION ALL. On PostgreSQL the hosts inside are a prefix of the reversed name (the index of
    registry migration 0010, as `Host.objects.under`); SQLite has no such index and no reverse(), and
    takes the suffix with LIKE (names are lower case)."""
    q = rows.quote
    link, host = q(DomainNameServer._meta.db_table), q(Host._meta.db_table)
    link_host, link_domain, position = (_column(DomainNameServer, n) for n in ("host", "domain", "position"))
    under = f"reverse(h.{q('name')}) LIKE %s" if vendor == "postgresql" else f"h.{q('name')} LIKE %s ESCAPE '\\'"
    return (
        f"SELECT 0, l.{position}, h.{q('name')} FROM {link} l JOIN {host} h ON h.id = l.{link_host}"
        f" WHERE l.{link_domain} = %s"
        f" UNION ALL SELECT 1, 0, h.{q('name')} FROM {host} h WHERE {under}"
        " ORDER BY 1, 2, 3"
    )


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def domain_info(name: str, actor: Actor, auth_code: str | None = None) -> DomainInfo:
    """A live domain as EPP `<info>` shows it; unknown: 2303. Two statements (`_info_statement`,
    `_names_statement`) where the ORM took eight."""
    parsed, problems = parse_domain_name(name, zone_policies(), "name")
    if parsed is None:
        raise OperationFailed(problems)
    db = connections[router.db_for_read(Domain)]
    statement = _info_statement(db.vendor)
    pending, approved = TransferStatus.PENDING, (TransferStatus.CLIENT_APPROVED, TransferStatus.SERVER_APPROVED)
    params = [str(pending), str(approved[0]), str(approved[1]), "domain", "domain", parsed.name]
    found = rows.fetch_all(statement.sql, params, Domain)
    if not found:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": parsed.unicode_name})])
    values = list(found[0])
    for i, col, chain in statement.converters:
        for convert in chain:
            values[i] = convert(values[i], col, db)
    own = len(statement.attnames)
    domain = Domain.from_db(db.alias, statement.attnames, values[:own])
    registrant, admin, tech, billing, sponsor, is_pending, transferred_at, created_by, updated_by = values[own:]
    suffix = f".{domain.name}"
    inside = f"{_like_escaped(suffix[::-1])}%" if db.vendor == "postgresql" else f"%{_like_escaped(suffix)}"
    names = rows.fetch_all(_names_statement(db.vendor), [domain.pk, inside], Domain)
    statuses = list(
        dict.fromkeys(SERVER_WORDS[f] for f in ("hold", "suspended", "pending_delete") if getattr(domain, f))
    )
    statuses += [PENDING_TRANSFER] * bool(is_pending) + domain_client_statuses(domain)
    return DomainInfo(
        name=domain.name,
        unicode_name=domain.unicode_name,
        statuses=statuses or [OK],
        rgp_statuses=[domain.rgp_status] if domain.rgp_status else [],
        registrant=registrant,
        contacts={"admin": admin, "tech": tech, "billing": billing},
        nameservers=[host for kind, _, host in names if kind == 0],
        hosts=[host for kind, _, host in names if kind == 1],
        ds_records=list(domain.ds_records),
        location={"address": domain.location_address, "city": domain.location_city, "region": domain.location_region},
        purpose=domain.purpose,
        registrar=sponsor or "",
        creating_registrar=created_by or "",
        updating_registrar=updated_by or "",
        created_at=domain.created_at,
        updated_at=domain.updated_at,
        expires_at=domain.expires_at,
        transferred_at=transferred_at,
        auth_code=domain.auth_code
        if _may_see_secret(actor, domain.registrar_id, domain.auth_code, auth_code)
        else None,
        id=domain.pk,
    )


@dataclass(frozen=True, slots=True)
class ContactInfo:
    handle: str
    statuses: list[str]  # ok | linked, pendingTransfer, client statuses
    registrar: str
    created_at: dt.datetime
    updated_at: dt.datetime
    transferred_at: dt.datetime | None
    # Personal data and the code: for the sponsor, registry staff, or a caller with the code (C4).
    full: bool
    kind: str = ""
    name: str = ""
    organisation: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country_code: str = ""
    phones: list[str] = field(default_factory=list)
    faxes: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    language: str = ""
    disclose: bool = False
    auth_code: str | None = None


def contact_info(handle: str, actor: Actor, auth_code: str | None = None) -> ContactInfo:
    key = (handle or "").strip().upper()
    contact = Contact.objects.filter(handle=key).first()
    if contact is None:
        raise OperationFailed([Problem("id", Code.NOT_FOUND, {"kind": "contact", "key": key})])
    roles = Q(registrant=contact) | Q(admin_contact=contact) | Q(tech_contact=contact) | Q(billing_contact=contact)
    linked = Domain.objects.filter(roles, deleted_at__isnull=True).exists()
    transfers = ContactTransfer.objects.filter(contact=contact)
    pending = transfers.filter(status=TransferStatus.PENDING).exists()
    approved = (TransferStatus.CLIENT_APPROVED, TransferStatus.SERVER_APPROVED)
    transferred = transfers.filter(status__in=approved).order_by("-decided_at").values_list("decided_at", flat=True)
    statuses = [LINKED] * linked + [PENDING_TRANSFER] * pending + list(contact.client_statuses)
    shown = statuses if (pending or contact.client_statuses) else [OK, *statuses]
    registrar = _handles({contact.registrar_id}).get(contact.registrar_id or 0, "")
    transferred_at = transferred.first()
    if not _may_see_secret(actor, contact.registrar_id, contact.auth_code, auth_code):
        return ContactInfo(contact.handle, shown, registrar, contact.created_at, contact.updated_at, transferred_at,
                           full=False)  # fmt: skip
    return ContactInfo(
        contact.handle, shown, registrar, contact.created_at, contact.updated_at, transferred_at, full=True,
        kind=contact.kind, name=contact.name, organisation=contact.organisation, address=contact.address,
        city=contact.city, region=contact.region, postal_code=contact.postal_code,
        country_code=contact.country_code, phones=list(contact.phones), faxes=list(contact.faxes),
        emails=list(contact.emails), language=contact.language, disclose=contact.disclose,
        auth_code=contact.auth_code,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class HostInfo:
    name: str
    unicode_name: str
    addresses: list[str]
    statuses: list[str]  # ok | linked, client statuses
    registrar: str
    created_at: dt.datetime
    updated_at: dt.datetime


def host_info(name: str) -> HostInfo:
    """A host as EPP `<info>` shows it (public: what DNS publishes anyway)."""
    names = normalize_host_name(name)
    if isinstance(names, Problem):
        raise OperationFailed([names])
    host = Host.objects.filter(name=names[0]).first()
    if host is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "host", "key": names[1]})])
    linked = host.domain_links.exists()
    statuses = [LINKED] * linked + list(host.client_statuses)
    return HostInfo(
        name=host.name,
        unicode_name=host.unicode_name,
        addresses=list(host.addresses),
        statuses=statuses if host.client_statuses else [OK, *statuses],
        registrar=_handles({host.registrar_id}).get(host.registrar_id or 0, ""),
        created_at=host.created_at,
        updated_at=host.updated_at,
    )
