"""The registry in this process, through its front door, acting as the registrar (`local`, the default).

Every call is a registry operation or a typed read with the registrar's actor
(`Actor(role=REGISTRAR, registrar_id=…)`), so the registry's own rules — authority, fees at the
registry (E3), history — apply exactly as they do over EPP. Name servers go by name, as EPP's hostObj
(`hosts_must_exist`): one that is not a host object is refused (2303), as over `epp`; the wing creates
hosts with `create_host` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import router

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registrar.connection.base import (
    Availability,
    ContactRequest,
    ContactState,
    CreateRequest,
    DomainState,
    HostState,
    PollItem,
    RegistryRefused,
    RegistryUnreachable,
    TransferAnswer,
    UpdateRequest,
)
from kzreg.registrar.models import Order
from kzreg.registrar.problems import RegistrarCode
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry import poll as queue
from kzreg.registry.models import Domain
from kzreg.registry.operations.prohibitions import domain_client_statuses
from kzreg.registry.reads import lookup, objects


def _location(location: object) -> c.Location | None:
    if location is None:
        return None
    return c.Location(location.address, location.city, location.region)  # type: ignore[attr-defined]


def created_state(domain: Domain, registrar: str, nameservers: Sequence[str]) -> DomainState:
    """What `info` answers for a domain this registrar has just created, from the row the create wrote:
    a new domain has no transfer, its statuses are its flags (`objects.domain_info`'s words). Reading it
    back was eight statements per order (issue 12, Speed)."""
    words = [objects.SERVER_WORDS[flag] for flag in ("hold", "suspended", "pending_delete") if getattr(domain, flag)]
    statuses = list(dict.fromkeys(words)) + domain_client_statuses(domain)
    return DomainState(
        name=domain.name, expires_at=domain.expires_at, statuses=tuple(statuses or [objects.OK]), registrar=registrar,
        registrant=domain.registrant.handle, nameservers=tuple(n.strip().lower() for n in nameservers),
        contacts={"admin": domain.admin_contact.handle, "tech": domain.tech_contact.handle,
                  "billing": domain.billing_contact.handle},
        auth_code=domain.auth_code,
    )  # fmt: skip


class LocalConnection:
    @property
    def commits_in_this_database(self) -> bool:
        """Whether the registry's writes commit in the database of the orders, each synchronously
        (`synchronous_commit` on), after the order's own commits: then the order path may commit its claim
        without waiting for the WAL flush, since whatever the registry writes next flushes it too (ADR 0016,
        `orders.open_and_claim`). Not when Django's routers put the registry's domains elsewhere."""
        return router.db_for_write(Domain) == router.db_for_write(Order)

    def __init__(self, registrar: str, principal: str = "registrar-wing", channel: Channel = Channel.API):
        found = lookup.registrar_by_handle(registrar)
        if found is None:
            raise RegistryUnreachable(f"no registrar {registrar!r} in this registry")
        self.registrar = found.handle
        self.registrar_id = found.pk
        self.principal = principal
        self.channel = channel

    def actor(self) -> Actor:
        """A new actor per call: each request has its own request id in the registry's history."""
        return Actor(self.principal, Role.REGISTRAR, self.channel, registrar_id=self.registrar_id)

    def check(self, names: Sequence[str]) -> list[Availability]:
        return [
            Availability(r.key, r.available, r.reason,
                         None if r.reason_code is None else Problem("name", r.reason_code, dict(r.reason_params)))
            for r in objects.check_domains(names, self.actor())
        ]  # fmt: skip

    def create_domain(self, request: CreateRequest) -> DomainState:
        command = c.CreateDomain(
            name=request.name, period=request.years, registrant=request.registrant, admin=request.admin,
            tech=request.tech or None, nameservers=tuple(c.NameServer(n) for n in request.nameservers),
            location=_location(request.location), hosts_must_exist=True,
        )  # fmt: skip
        try:
            domain = ops.create_domain(command, self.actor()).object
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None
        return created_state(domain, self.registrar, request.nameservers)

    def renew(self, name: str, years: int, current_expiry: dt.date) -> dt.datetime:
        state = self.info(name)
        if state is None:
            raise RegistryRefused([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": name})], 2303)
        if state.expires_at.date() != current_expiry:
            # What EPP's curExpDate guards: a renewal asked twice for one period is refused (2306).
            params = {"current": state.expires_at.date().isoformat(), "value": current_expiry.isoformat()}
            problem = Problem("current_expiry", RegistrarCode.EXPIRY_MISMATCH, params)
            raise RegistryRefused([problem], 2306)
        try:
            result = ops.renew_domain(c.RenewDomain(name, years), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None
        return result.object.expires_at

    def info(self, name: str) -> DomainState | None:
        try:
            found = objects.domain_info(name, self.actor())
        except OperationFailed as failure:
            if Code.NOT_FOUND in failure.codes:
                return None
            raise RegistryRefused.from_failure(failure) from None
        return DomainState(
            name=found.name, expires_at=found.expires_at, statuses=tuple(found.statuses), registrar=found.registrar,
            registrant=found.registrant, contacts=dict(found.contacts), nameservers=tuple(found.nameservers),
            auth_code=found.auth_code,
        )  # fmt: skip

    def update(self, request: UpdateRequest) -> None:
        nameservers = None if request.nameservers is None else tuple(c.NameServer(n) for n in request.nameservers)
        command = c.ModifyDomain(
            name=request.name, admin=request.admin, tech=request.tech, nameservers=nameservers,
            location=_location(request.location), ds_records=request.ds_records, hosts_must_exist=True,
        )  # fmt: skip
        try:
            ops.modify_domain(command, self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def delete(self, name: str) -> None:
        try:
            ops.delete_domain(c.DeleteDomain(name), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def transfer_request(self, name: str, auth_code: str, years: int | None = None) -> TransferAnswer:
        try:
            result = ops.request_transfer(c.RequestTransfer(name, auth_code, years), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None
        return TransferAnswer(name, str(result.object.status))

    def auth_code(self, name: str) -> str:
        state = self.info(name)
        if state is None:
            raise RegistryRefused([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": name})], 2303)
        if state.auth_code is None:
            raise RegistryRefused([Problem("name", Code.NOT_SPONSOR, {"kind": "domain", "key": name})], 2201)
        return state.auth_code

    def create_contact(self, contact: ContactRequest) -> str:
        data = c.ContactData(
            kind=contact.kind, name=contact.name, organisation=contact.organisation, address=contact.address,
            city=contact.city, region=contact.region, postal_code=contact.postal_code,
            country_code=contact.country_code, phones=(contact.phone,), emails=(contact.email,),
            language=contact.language,
        )  # fmt: skip
        try:
            result = ops.create_contact(c.CreateContact(data), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None
        return str(result.object.handle)

    def update_contact(self, handle: str, contact: ContactRequest) -> None:
        changes: dict[str, object] = {
            "kind": contact.kind, "name": contact.name, "organisation": contact.organisation,
            "address": contact.address, "city": contact.city, "region": contact.region,
            "postal_code": contact.postal_code, "country_code": contact.country_code, "phones": (contact.phone,),
            "emails": (contact.email,),
        }  # fmt: skip
        try:
            ops.modify_contact(c.ModifyContact(handle, changes), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def contact_info(self, handle: str) -> ContactState | None:
        try:
            found = objects.contact_info(handle, self.actor())
        except OperationFailed as failure:
            if Code.NOT_FOUND in failure.codes:
                return None
            raise RegistryRefused.from_failure(failure) from None
        if not found.full:  # another registrar's contact: nothing of its data is ours to show
            return ContactState(found.handle, found.registrar, tuple(found.statuses))
        return ContactState(
            handle=found.handle, registrar=found.registrar, statuses=tuple(found.statuses), kind=found.kind,
            name=found.name, organisation=found.organisation, address=found.address, city=found.city,
            region=found.region, postal_code=found.postal_code, country_code=found.country_code,
            email=(found.emails or [""])[0], phone=(found.phones or [""])[0],
        )  # fmt: skip

    def create_host(self, name: str, addresses: Sequence[str]) -> None:
        try:
            ops.create_host(c.CreateHost(name, tuple(addresses)), self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def host_info(self, name: str) -> HostState | None:
        try:
            found = objects.host_info(name)
        except OperationFailed as failure:
            if Code.NOT_FOUND in failure.codes:
                return None
            raise RegistryRefused.from_failure(failure) from None
        return HostState(found.name, tuple(found.addresses), tuple(found.statuses), found.registrar)

    def change_registrant(self, name: str, registrant: str) -> None:
        """The registry's registrant transfer (R14), with the sponsoring registrar's authority."""
        command = c.TransferDomain(name, registrant=registrant, authorization="sponsoring registrar")
        try:
            ops.transfer_domain(command, self.actor())
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def poll(self) -> PollItem | None:
        message, _count = queue.next_message(self.registrar_id)
        if message is None:
            return None
        names = (message.object_key,) if message.object_type == "domain" and message.object_key else ()
        return PollItem(str(message.pk), message.text, names)

    def ack(self, message_id: str) -> None:
        try:
            queue.acknowledge(self.registrar_id, message_id)
        except OperationFailed as failure:
            raise RegistryRefused.from_failure(failure) from None

    def close(self) -> None:
        """Nothing to close: the registry is in this process."""
