"""The reads EPP commands need that the registry's typed read API does not offer yet: a live domain by
name with its contacts, many names' availability in one query, contacts and hosts by key. Each is one
query through the registry's models (the import contract allows them) and each returns what a handler
renders; writes never happen here."""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Contact, Domain, DomainNameServer, Host
from kzreg.registry.policy import DomainName, parse_domain_name
from kzreg.registry.zones import zone_policies


def parsed_name(raw: str, field_name: str = "name") -> DomainName:
    parsed, problems = parse_domain_name(raw, zone_policies(), field_name)
    if parsed is None:
        raise OperationFailed(problems)
    return parsed


def live_domain(raw: str) -> Domain:
    """The registered (not deleted) domain, with its contacts and registrar; 2303 when there is none."""
    parsed = parsed_name(raw)
    query = Domain.objects.select_related(
        "registrant", "admin_contact", "tech_contact", "billing_contact", "registrar", "zone"
    )
    domain = query.filter(name=parsed.name, deleted_at__isnull=True).first()
    if domain is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": parsed.unicode_name})])
    return domain


def taken_names(names: Iterable[str]) -> set[str]:
    """Which of these A-label names are registered now (one query for the whole `<domain:check>`)."""
    wanted = sorted(set(names))
    if not wanted:
        return set()
    return set(Domain.objects.filter(name__in=wanted, deleted_at__isnull=True).values_list("name", flat=True))


def existing_hosts(names: Iterable[str]) -> set[str]:
    wanted = sorted(set(names))
    return set(Host.objects.filter(name__in=wanted).values_list("name", flat=True)) if wanted else set()


def existing_contacts(handles: Iterable[str]) -> set[str]:
    wanted = sorted(set(handles))
    return set(Contact.objects.filter(handle__in=wanted).values_list("handle", flat=True)) if wanted else set()


def contact_by_id(handle: str) -> Contact:
    contact = Contact.objects.select_related("registrar").filter(handle=handle.strip().upper()).first()
    if contact is None:
        raise OperationFailed([Problem("id", Code.NOT_FOUND, {"kind": "contact", "key": handle.strip()})])
    return contact


def contact_is_linked(contact: Contact) -> bool:
    roles = ("registrant", "admin_contact", "tech_contact", "billing_contact")
    live = Domain.objects.filter(deleted_at__isnull=True)
    return any(live.filter(**{role: contact}).exists() for role in roles)


def host_by_name(name: str) -> Host | None:
    return Host.objects.select_related("registrar").filter(name=name).first()


def host_is_linked(host: Host) -> bool:
    return DomainNameServer.objects.filter(host=host).exists()


def code_matches(given: str | None, stored: str) -> bool:
    """Constant-time comparison of an authorization code; an empty stored code matches nothing."""
    return bool(given) and bool(stored) and hmac.compare_digest(str(given).encode(), stored.encode())
