"""The reads behind RDAP: a few indexed queries per request, no N+1 (the 2,000 lookups/s target).

A domain lookup is one precompiled statement (`joined`): the live domain with its registrar, contacts
and name servers. Searches load at most `limit + 1` rows to see truncation.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from kzreg.registry.disclosure import may_publish_personal_data
from kzreg.registry.models import Contact, ContactKind, Domain, DomainNameServer, Host, Registrar
from kzreg.registry.reads import joined
from kzreg.registry.reads.views import DomainView, HostView
from kzreg.registry.status import with_pending_transfer

CONTACT_ROLES = ("registrant", "admin_contact", "tech_contact", "billing_contact")
# Secrets and bulky fields RDAP never shows; not loading them keeps the row small.
UNUSED = [f"{role}__{field}" for role in CONTACT_ROLES for field in ("crypt_hash", "pgp_key", "match_key")]


def domains() -> QuerySet[Domain]:
    """Live domains with everything a domain response shows (a pending transfer too), in one joined query."""
    return with_pending_transfer(
        Domain.objects.filter(deleted_at__isnull=True)
        .select_related("registrar", *CONTACT_ROLES)
        .defer("purpose", *UNUSED)
    )


def domain_by_name(ldh_name: str) -> DomainView | None:
    return joined.live_domain(ldh_name)


def domain_with_hosts(ldh_name: str) -> tuple[DomainView, list[HostView]] | None:
    return joined.live_domain_with_hosts(ldh_name)


def hosts_of(domain_ids: Sequence[int]) -> dict[int, list[HostView]]:
    return joined.hosts_of(domain_ids)


def host_by_name(ldh_name: str) -> Host | None:
    return Host.objects.filter(name=ldh_name).first()


def host_is_used(host: Host) -> bool:
    return DomainNameServer.objects.filter(host=host).exists()


def contact_by_handle(handle: str) -> Contact | None:
    return Contact.objects.defer("crypt_hash", "pgp_key", "match_key").filter(handle=handle.upper()).first()


def contact_is_used(contact: Contact) -> bool:
    roles = Q()
    for role in CONTACT_ROLES:
        roles |= Q(**{role: contact})
    return Domain.objects.filter(roles, deleted_at__isnull=True).exists()


def registrar_by_handle(handle: str) -> Registrar | None:
    return Registrar.objects.filter(handle__iexact=handle).first()


def search_domains(column: str, prefix: str, suffix: str, limit: int) -> list[Domain]:
    query = domains().filter(**{f"{column}__startswith": prefix})
    if suffix:
        query = query.filter(**{f"{column}__endswith": suffix})
    return list(query.order_by("name")[: limit + 1])


def search_hosts(column: str, prefix: str, suffix: str, limit: int) -> list[Host]:
    query = Host.objects.filter(**{f"{column}__startswith": prefix})
    if suffix:
        query = query.filter(**{f"{column}__endswith": suffix})
    return list(query.order_by("name")[: limit + 1])


def search_contacts(by: str, prefix: str, limit: int, exact: bool) -> list[Contact]:
    """Contacts by handle, or by name (`fn`) where the name may be published (R18: a search on a withheld
    name must not confirm it)."""
    lookup = "iexact" if exact else "istartswith"
    query = Contact.objects.defer("crypt_hash", "pgp_key", "match_key")
    if by == "handle":
        query = query.filter(**{f"handle__{lookup}": prefix})
    else:
        query = query.filter(**{f"name__{lookup}": prefix})
        probe = Contact(kind=ContactKind.INDIVIDUAL, disclose=False)
        if not may_publish_personal_data(probe):
            query = query.filter(Q(kind=ContactKind.ROLE) | Q(disclose=True))
    rows = list(query.order_by("handle")[: limit + 1])
    # The one rule decides in the end; the filter above only keeps withheld names out of the count.
    return rows if by == "handle" else [c for c in rows if may_publish_personal_data(c)]
