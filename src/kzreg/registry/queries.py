"""Read models of the registry for staff tools (CLI, back-office): lists, details and history as of a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Contact, Domain, HistoryEntry, Host, ObjectType, Registrar
from kzreg.registry.policy import normalize_host_name, parse_domain_name
from kzreg.registry.status import WORDS, status_q
from kzreg.registry.zones import zone_policies

STATUS_FILTERS = WORDS


def not_found(kind: str, key: str) -> OperationFailed:
    return OperationFailed(
        [Problem("handle" if kind in ("contact", "registrar") else "name", Code.NOT_FOUND, {"kind": kind, "key": key})]
    )


def find_domain(raw: str, include_deleted: bool = False) -> Domain:
    parsed, problems = parse_domain_name(raw, zone_policies())
    if parsed is None:
        raise OperationFailed(problems)
    query = Domain.objects.select_related(
        "zone", "registrar", "registrant", "admin_contact", "tech_contact", "billing_contact"
    ).filter(name=parsed.name)
    domain = query.filter(deleted_at__isnull=True).first()
    if domain is None and include_deleted:
        domain = query.order_by("-deleted_at").first()
    if domain is None:
        raise not_found("domain", parsed.unicode_name)
    return domain


def find_contact(handle: str) -> Contact:
    contact = Contact.objects.filter(handle=handle.strip().upper()).first()
    if contact is None:
        raise not_found("contact", handle.strip().upper())
    return contact


def find_registrar(handle: str) -> Registrar:
    registrar = Registrar.objects.filter(handle=handle.strip().upper()).first()
    if registrar is None:
        raise not_found("registrar", handle.strip().upper())
    return registrar


def find_host(name: str) -> Host:
    names = normalize_host_name(name)
    if isinstance(names, Problem):
        raise OperationFailed([names])
    host = Host.objects.filter(name=names[0]).first()
    if host is None:
        raise not_found("host", names[1])
    return host


def domain_nameservers(domain: Domain) -> list[Host]:
    return [link.host for link in domain.nameserver_links.select_related("host").order_by("position")]


def domain_list(
    zone: str | None = None,
    status: str | None = None,
    registrant: str | None = None,
    registrar: str | None = None,
    reseller: str | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[Domain]:
    """Domains filtered as staff ask for them; `status` is one of STATUS_FILTERS."""
    at = at or clock.now()
    query = Domain.objects.select_related("registrant", "registrar").order_by("name")
    if status != "deleted":
        query = query.filter(deleted_at__isnull=True)
    if zone:
        zones = zone_policies()
        key = next((z.name for z in zones.values() if zone.strip().lower() in (z.name, z.unicode_name)), None)
        if key is None:
            raise OperationFailed([Problem("zone", Code.ZONE_UNKNOWN, {"zone": zone})])
        query = query.filter(zone__name=key)
    if status:
        if status not in STATUS_FILTERS:
            raise OperationFailed(
                [Problem("status", Code.INVALID_CHOICE, {"value": status, "choices": ", ".join(STATUS_FILTERS)})]
            )
        query = query.filter(status_q(status, at))  # the one R13 rule (registry.status)
    if registrant:
        query = query.filter(registrant__handle=registrant.strip().upper())
    if registrar:
        query = query.filter(registrar__handle=registrar.strip())
    if reseller:
        query = query.filter(reseller_name__iexact=" ".join(reseller.split()))
    return query


@dataclass(frozen=True)
class ObjectRef:
    object_type: ObjectType
    object_id: int
    key: str


def resolve_object(text: str, kind: str | None = None) -> ObjectRef:
    """A domain name, contact handle, host name or registrar handle → the object (deleted domains included).

    Without `kind`: a second-level name in a registry zone is a domain, other dotted names are hosts,
    the rest are contact handles, or registrar handles when no contact has it.
    """
    text = text.strip()
    if kind is None:
        if "." not in text:
            known = Contact.objects.filter(handle=text.upper()).exists()
            kind = "contact" if known or not Registrar.objects.filter(handle=text.upper()).exists() else "registrar"
        else:
            parsed, _ = parse_domain_name(text, zone_policies())
            kind = "domain" if parsed is not None else "host"
    if kind == "domain":
        domain = find_domain(text, include_deleted=True)
        return ObjectRef(ObjectType.DOMAIN, domain.pk, domain.name)
    if kind == "contact":
        contact = find_contact(text)
        return ObjectRef(ObjectType.CONTACT, contact.pk, contact.handle)
    if kind == "registrar":
        registrar = find_registrar(text)
        return ObjectRef(ObjectType.REGISTRAR, registrar.pk, registrar.handle)
    if kind == "host":
        names = normalize_host_name(text)
        if isinstance(names, Problem):
            raise OperationFailed([names])
        host = Host.objects.filter(name=names[0]).first()
        if host is not None:
            return ObjectRef(ObjectType.HOST, host.pk, host.name)
        # A deleted host lives on in history only.
        entry = HistoryEntry.objects.filter(object_type=ObjectType.HOST, object_key=names[0]).order_by("-at").first()
        if entry is None:
            raise not_found("host", names[1])
        return ObjectRef(ObjectType.HOST, entry.object_id, names[0])
    raise ValueError(f"unknown object kind {kind}")


def history(ref: ObjectRef) -> Iterator[HistoryEntry]:
    yield from HistoryEntry.objects.filter(object_type=ref.object_type, object_id=ref.object_id).order_by("version")


def as_of(ref: ObjectRef, at: dt.datetime) -> HistoryEntry | None:
    """The version in force at `at`: the newest one written at or before that time."""
    return (
        HistoryEntry.objects.filter(object_type=ref.object_type, object_id=ref.object_id, at__lte=at)
        .order_by("-version")
        .first()
    )
