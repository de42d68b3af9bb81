"""What EPP `<check>` and `<info>` show of domains, contacts and hosts (RFC 5731–5733, issue 10): typed
views the EPP side renders, with the registry's rules applied here once — status words in EPP's terms
(from R13's flags and the sponsor's client statuses), and who sees an authorization code or a contact's
personal data (its sponsor, registry staff, or a caller that gives the right code; SPEC E2, C4).

A check of many names asks the database once per kind of object, with one prepared statement that reads
only the names (`_existing`): no queryset is compiled and no model instance built on EPP's busiest path.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

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
    taken = _existing(Domain, "name", wanted, live_only=True)
    for i, name in parsed.items():
        if name.name in taken:
            problem = Problem("name", Code.ALREADY_REGISTERED, {"name": name.unicode_name})
            results[i] = _unavailable(names[i], name.name, problem)
        else:
            results[i] = CheckResult(names[i], name.name, True)
    return [results[i] for i in range(len(names))]


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


def domain_info(name: str, actor: Actor, auth_code: str | None = None) -> DomainInfo:
    """A live domain as EPP `<info>` shows it; unknown: 2303."""
    parsed, problems = parse_domain_name(name, zone_policies(), "name")
    if parsed is None:
        raise OperationFailed(problems)
    domain = (
        Domain.objects.select_related("registrant", "admin_contact", "tech_contact", "billing_contact")
        .filter(name=parsed.name, deleted_at__isnull=True)
        .first()
    )
    if domain is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": parsed.unicode_name})])
    transfers = DomainTransfer.objects.filter(domain=domain)
    pending = transfers.filter(status=TransferStatus.PENDING).exists()
    approved = (TransferStatus.CLIENT_APPROVED, TransferStatus.SERVER_APPROVED)
    transferred = transfers.filter(status__in=approved).order_by("-decided_at").values_list("decided_at", flat=True)
    created_by, updated_by = _versions("domain", domain.pk)
    handles = _handles({domain.registrar_id, created_by, updated_by})
    nameservers = list(domain.nameserver_links.order_by("position").values_list("host__name", flat=True))
    statuses = list(
        dict.fromkeys(SERVER_WORDS[f] for f in ("hold", "suspended", "pending_delete") if getattr(domain, f))
    )
    statuses += [PENDING_TRANSFER] * pending + domain_client_statuses(domain)
    return DomainInfo(
        name=domain.name,
        unicode_name=domain.unicode_name,
        statuses=statuses or [OK],
        rgp_statuses=[domain.rgp_status] if domain.rgp_status else [],
        registrant=domain.registrant.handle,
        contacts={
            "admin": domain.admin_contact.handle,
            "tech": domain.tech_contact.handle,
            "billing": domain.billing_contact.handle,
        },
        nameservers=nameservers,
        hosts=list(Host.objects.under(domain.name).order_by("name").values_list("name", flat=True)),
        ds_records=list(domain.ds_records),
        location={"address": domain.location_address, "city": domain.location_city, "region": domain.location_region},
        purpose=domain.purpose,
        registrar=handles.get(domain.registrar_id, ""),
        creating_registrar=handles.get(created_by, "") if created_by else "",
        updating_registrar=handles.get(updated_by, "") if updated_by else "",
        created_at=domain.created_at,
        updated_at=domain.updated_at,
        expires_at=domain.expires_at,
        transferred_at=transferred.first(),
        auth_code=domain.auth_code
        if _may_see_secret(actor, domain.registrar_id, domain.auth_code, auth_code)
        else None,
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
