"""Typed read models of what RDAP shows: a live domain with its registrar, reseller name, contacts and
name servers, as `joined` loads them in one statement. Field names are the models' attribute names, so the
builders in `kzreg.rdap.objects` read a view exactly as they read a model instance (searches still give
them models)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(slots=True)
class RegistrarView:
    id: int
    handle: str
    name: str
    email: str
    phone: str
    url: str
    status: str  # active | suspended
    created_at: dt.datetime


@dataclass(slots=True)
class ContactView:
    id: int
    handle: str
    kind: str  # "I" individual, "R" role
    name: str
    organisation: str
    address: str
    city: str
    region: str
    postal_code: str
    country_code: str
    phones: list[str]
    faxes: list[str]
    emails: list[str]
    language: str
    disclose: bool
    consent_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(slots=True)
class HostView:
    id: int
    name: str
    unicode_name: str
    addresses: list[str]
    created_at: dt.datetime | None = None  # a domain answer's name servers do not show them
    updated_at: dt.datetime | None = None


@dataclass(slots=True)
class DomainView:
    id: int
    name: str
    unicode_name: str
    registrar_id: int
    reseller_name: str  # "" when no reseller serves it
    registrant_id: int
    admin_contact_id: int
    tech_contact_id: int
    billing_contact_id: int
    ds_records: list[str]
    hold: bool
    suspended: bool
    pending_delete: bool
    client_hold: bool
    purge_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    deleted_at: dt.datetime | None
    registrar: RegistrarView
    registrant: ContactView
    admin_contact: ContactView
    tech_contact: ContactView
    billing_contact: ContactView
    pending_transfer: bool = False  # a registrar transfer awaits its decision (R15; `registry.status`)
