"""The state of an object as history keeps it and as `info` shows it (R1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kzreg.registry.models import Contact, Domain, Host, Registrar


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def domain_snapshot(domain: Domain, nameservers: Sequence[Host], contacts: dict[str, Contact]) -> dict:
    """`contacts` maps role → Contact for registrant/admin/tech/billing (already in memory)."""
    return {
        "name": domain.name,
        "unicode_name": domain.unicode_name,
        "zone": domain.zone_id,
        "registrar": domain.registrar_id,
        "reseller_name": domain.reseller_name,
        "registrant": contacts["registrant"].handle,
        "admin": contacts["admin"].handle,
        "tech": contacts["tech"].handle,
        "billing": contacts["billing"].handle,
        "nameservers": [h.name for h in nameservers],
        "location": {
            "address": domain.location_address,
            "city": domain.location_city,
            "region": domain.location_region,
        },
        "purpose": domain.purpose,
        "ds_records": list(domain.ds_records),
        "flags": domain.flags,
        "client_statuses": list(domain.client_statuses),
        "rgp_status": domain.rgp_status,
        "created_at": _iso(domain.created_at),
        "updated_at": _iso(domain.updated_at),
        "expires_at": _iso(domain.expires_at),
        "purge_at": _iso(domain.purge_at),
        "deleted_at": _iso(domain.deleted_at),
    }


CONTACT_FIELDS = (
    "handle", "kind", "name", "organisation", "address", "city", "region", "postal_code", "country_code",
    "phones", "faxes", "emails", "language", "security_scheme", "pgp_fingerprint", "disclose",
)  # fmt: skip


def contact_snapshot(contact: Contact) -> dict:
    """Everything but secrets: the crypt hash and the key text stay out of history."""
    data = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    data["has_crypt_password"] = bool(contact.crypt_hash)
    data["registrar"] = contact.registrar_id
    data["client_statuses"] = list(contact.client_statuses)
    data["consent_at"] = _iso(contact.consent_at)
    data["created_at"] = _iso(contact.created_at)
    data["updated_at"] = _iso(contact.updated_at)
    return data


def host_snapshot(host: Host) -> dict:
    return {
        "name": host.name,
        "unicode_name": host.unicode_name,
        "addresses": list(host.addresses),
        "registrar": host.registrar_id,
        "client_statuses": list(host.client_statuses),
        "created_at": _iso(host.created_at),
        "updated_at": _iso(host.updated_at),
    }


REGISTRAR_FIELDS = ("handle", "name", "email", "phone", "address", "url", "whois_server", "status")


def registrar_snapshot(registrar: Registrar) -> dict:
    data = {f: getattr(registrar, f) for f in REGISTRAR_FIELDS}
    data["created_at"] = _iso(registrar.created_at)
    data["updated_at"] = _iso(registrar.updated_at)
    return data
