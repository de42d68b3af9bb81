"""The rows a registration writes, built in memory: the same objects and snapshots as the operations make.

Objects are plain namespaces with the models' attribute names (a model instance costs ten times more to
build) and their primary keys already assigned from blocks reserved in the sequences. Every snapshot
comes from `kzreg.registry.snapshots` itself, so a bulk-loaded domain reads back exactly like one
registered through `create_domain` (checked by tests/demo/test_bulk_matches.py).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from types import SimpleNamespace as Row

from kzreg.core.actor import Channel, Role
from kzreg.demo.handles import HandleAllocator
from kzreg.registry.commands import ContactData
from kzreg.registry.models import ObjectType, StatusFlag
from kzreg.registry.operations.base import add_years
from kzreg.registry.operations.contact import match_key
from kzreg.registry.operations.sponsorship import new_auth_code
from kzreg.registry.snapshots import contact_snapshot, domain_snapshot, host_snapshot

PRINCIPAL = "bulkload"
STAFF = "registry"
HOLD_REASONS = {
    StatusFlag.HOLD: "Тіркелуші деректері расталмады / Данные администратора не подтверждены (PS-3.10)",
    StatusFlag.SUSPENDED: "Делегирование приостановлено по обращению уполномоченного органа (PS-3.10)",
}


@dataclass
class Batch:
    """Everything one transaction writes, in the order foreign keys need."""

    contacts: list[Row] = field(default_factory=list)
    hosts: list[Row] = field(default_factory=list)
    domains: list[Row] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    statuses: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Author:
    """The actor a history row names (one `Actor` without the dataclass cost per row)."""

    principal: str
    role: str
    channel: str
    registrar_id: int | None


class RowFactory:
    def __init__(self, rnd: random.Random, registrar_id: int, allocator: HandleAllocator):
        self.rnd = rnd
        self.registrar_id = registrar_id
        self.handles = allocator
        # Plain strings: a database driver may write an enum member by its name rather than its value.
        self.registrar_author = Author(PRINCIPAL, Role.REGISTRAR.value, Channel.SYSTEM.value, registrar_id)
        self.staff_author = Author(STAFF, Role.REGISTRY.value, Channel.ADMIN.value, None)

    def request_id(self) -> str:
        return f"{self.rnd.getrandbits(128):032x}"

    def history(
        self, batch: Batch, kind: str, obj, key: str, snapshot: dict, operation: str, at: dt.datetime,
        request_id: str, author: Author, reason: str = "",
    ) -> None:  # fmt: skip
        batch.history.append(
            {
                "object_type": str(kind), "object_id": obj.id, "object_key": key, "version": obj.version,
                "operation": operation, "at": at, "principal": author.principal, "role": author.role,
                "channel": author.channel, "request_id": request_id, "registrar_id": author.registrar_id,
                "reason": reason, "snapshot": snapshot,
            }
        )  # fmt: skip

    def contact(
        self, batch: Batch, person: ContactData, pk: int, at: dt.datetime, request_id: str, operation: str
    ) -> Row:
        """A contact as `insert_contact` writes it, with its first history version."""
        text = {k: " ".join(getattr(person, k).split()) for k in ("name", "organisation", "address", "city", "region", "postal_code")}  # fmt: skip
        phones, emails = list(person.phones), [e.lower() for e in person.emails]
        handle = self.handles.role(text["organisation"] or text["name"]) if person.kind == "R" else self.handles.individual(text["name"])  # fmt: skip
        contact = Row(
            id=pk, handle=handle, kind=person.kind, **text, country_code=person.country_code, phones=phones,
            faxes=list(person.faxes), emails=emails, language=person.language, disclose=person.disclose,
            security_scheme="", crypt_hash="", pgp_key="", pgp_fingerprint="", auth_code=new_auth_code(),
            match_key=match_key(text["name"], text["organisation"], phones, emails), registrar_id=self.registrar_id,
            consent_at=at, created_at=at, updated_at=at, version=1, client_statuses=[],
        )  # fmt: skip
        batch.contacts.append(contact)
        snapshot = contact_snapshot(contact)
        self.history(batch, ObjectType.CONTACT, contact, handle, snapshot, operation, at, request_id, self.registrar_author)  # fmt: skip
        return contact

    def host(self, batch: Batch, name: str, unicode_name: str, addresses: list[str], pk: int, at: dt.datetime) -> Row:
        host = Row(
            id=pk, name=name, unicode_name=unicode_name, addresses=addresses, registrar_id=self.registrar_id,
            created_at=at, updated_at=at, version=1, client_statuses=[],
        )  # fmt: skip
        batch.hosts.append(host)
        self.history(batch, ObjectType.HOST, host, name, host_snapshot(host), "host_create", at, self.request_id(), self.registrar_author)  # fmt: skip
        return host

    def domain(
        self, batch: Batch, pk: int, names: tuple[str, str, int], created: dt.datetime, period: int,
        contacts: dict[str, Row], hosts: list[Row], location: tuple[str, str, str], request_id: str,
        reseller_name: str = "", purpose: str = "", ds_records: list[str] | None = None,
    ) -> Row:  # fmt: skip
        """A domain as `create_domain` writes it: the row, its name-server links and history version 1."""
        name, unicode_name, zone_id = names
        domain = Row(
            id=pk, name=name, unicode_name=unicode_name, zone_id=zone_id, registrar_id=self.registrar_id,
            reseller_name=reseller_name, registrant_id=contacts["registrant"].id, admin_contact_id=contacts["admin"].id,
            tech_contact_id=contacts["tech"].id, billing_contact_id=contacts["billing"].id, purpose=purpose,
            location_address=location[0], location_city=location[1], location_region=location[2],
            ds_records=ds_records or [], hold=False, suspended=False, pending_delete=False, flags=[],
            purge_at=None, created_at=created, updated_at=created, expires_at=add_years(created, period),
            deleted_at=None, version=1, client_hold=False, client_statuses=[], rgp_status="",
            restore_requested_at=None, auth_code=new_auth_code(),
        )  # fmt: skip
        batch.domains.append(domain)
        for position, host in enumerate(hosts):
            batch.links.append({"domain_id": pk, "host_id": host.id, "position": position})
        snapshot = domain_snapshot(domain, hosts, contacts)
        self.history(batch, ObjectType.DOMAIN, domain, name, snapshot, "domain_create", created, request_id, self.registrar_author)  # fmt: skip
        return domain

    def renew(self, batch: Batch, domain: Row, years: int, at: dt.datetime, contacts: dict, hosts: list[Row]) -> None:
        """What `renew_domain` adds: the later expiry and the next version."""
        domain.expires_at = add_years(domain.expires_at, years)
        domain.version += 1
        domain.updated_at = at
        snapshot = domain_snapshot(domain, hosts, contacts)
        self.history(batch, ObjectType.DOMAIN, domain, domain.name, snapshot, "domain_renew", at, self.request_id(), self.registrar_author)  # fmt: skip

    def set_flag(
        self, batch: Batch, domain: Row, flag: StatusFlag, at: dt.datetime, contacts: dict, hosts: list[Row]
    ) -> None:
        """What `set_domain_status` adds: the flag, its open period, and the next version."""
        reason, request_id = HOLD_REASONS[flag], self.request_id()
        setattr(domain, flag.value, True)
        domain.flags = [f.value for f in StatusFlag if getattr(domain, f.value)]  # as `Domain.flags` reads
        domain.version += 1
        domain.updated_at = at
        batch.statuses.append(
            {
                "domain_id": domain.id, "flag": flag.value, "reason": reason, "set_at": at, "set_by": STAFF,
                "set_channel": Channel.ADMIN.value, "set_request": request_id, "lifted_at": None,
                "lifted_by": "", "lift_reason": "",
            }
        )  # fmt: skip
        snapshot = domain_snapshot(domain, hosts, contacts)
        self.history(
            batch, ObjectType.DOMAIN, domain, domain.name, snapshot, "domain_status_set", at, request_id,
            self.staff_author, reason,
        )  # fmt: skip
