"""Hosts and contacts at the registry, for the seller they belong to (the API's hosts and contacts).

The registry knows registrars, not resellers: which reseller may read a host is kept in `HostRecord` (the
one that created it through here), and a contact is a seller's when it is the registry contact of one of
its own customers. Anything else is answered as unknown (HOST_UNKNOWN, CONTACT_UNKNOWN: 404), so one
reseller cannot even learn that another's object exists. Re-exported by `registrar.actions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registrar.connection import (
    AnswerLost,
    ContactState,
    HostState,
    RegistryConnection,
    RegistryRefused,
    RegistryUnreachable,
)
from kzreg.registrar.models import Customer, HostRecord
from kzreg.registrar.problems import RegistrarCode

if TYPE_CHECKING:
    from kzreg.registrar.actions import Seller


def _host_key(name: str) -> str:
    from kzreg.registrar.actions import a_label

    return a_label(name)


def _registry_problems(error: RegistryRefused | RegistryUnreachable | AnswerLost, field: str) -> OperationFailed:
    if isinstance(error, RegistryRefused):
        return OperationFailed([Problem(p.field or field, p.code, p.params) for p in error.problems])
    return OperationFailed([Problem(field, RegistrarCode.REGISTRY_UNREACHABLE, {"reason": str(error)})])


def create_host(conn: RegistryConnection, seller: Seller, name: str, addresses: list[str]) -> None:
    """Creates a host at the registry (sponsored by the registrar) and records which seller made it. A
    lost answer is safe to repeat: the host then exists and, if it is ours, the record is written."""
    key = _host_key(name)
    if not key:
        raise OperationFailed([Problem("name", Code.REQUIRED)])
    try:
        conn.create_host(key, [a.strip() for a in addresses])
    except RegistryRefused as refused:
        existing = conn.host_info(key) if refused.code == 2302 else None
        mine = HostRecord.objects.filter(registrar_handle=seller.registrar_handle, name=key).first()
        if existing is None or existing.registrar != conn.registrar or mine is not None:
            raise _registry_problems(refused, "name") from None
        # Made by an earlier try whose answer was lost: adopted below.
    except (RegistryUnreachable, AnswerLost) as error:
        raise _registry_problems(error, "name") from None
    try:
        with transaction.atomic():
            HostRecord.objects.create(name=key, registrar_handle=seller.registrar_handle, reseller=seller.reseller,
                                      created_at=clock.now())  # fmt: skip
    except IntegrityError:
        pass  # recorded already by the same seller's earlier try


def _own_host(seller: Seller, key: str) -> bool:
    records = HostRecord.objects.filter(registrar_handle=seller.registrar_handle, name=key)
    if seller.reseller is not None:
        records = records.filter(reseller=seller.reseller)
    return records.exists()


def host_info(conn: RegistryConnection, seller: Seller, name: str) -> HostState:
    """A host the seller created (the registrar's own staff: any host the registrar sponsors)."""
    key = _host_key(name)
    unknown = OperationFailed([Problem("name", RegistrarCode.HOST_UNKNOWN, {"key": name})])
    if seller.reseller is not None and not _own_host(seller, key):
        raise unknown
    try:
        state = conn.host_info(key)
    except (RegistryRefused, RegistryUnreachable, AnswerLost) as error:
        raise _registry_problems(error, "name") from None
    if state is None or state.registrar != conn.registrar:
        raise unknown
    return state


def contact_info(conn: RegistryConnection, seller: Seller, handle: str) -> ContactState:
    """The registry contact of one of the seller's own customers, with its data as the registry has it."""
    key = (handle or "").strip().upper()
    customers = Customer.objects.filter(registrar_handle=seller.registrar_handle, contact_handle__iexact=key)
    if seller.reseller is not None:
        customers = customers.filter(reseller=seller.reseller)
    unknown = OperationFailed([Problem("handle", RegistrarCode.CONTACT_UNKNOWN, {"key": handle})])
    if not key or not customers.exists():
        raise unknown
    try:
        state = conn.contact_info(key)
    except (RegistryRefused, RegistryUnreachable, AnswerLost) as error:
        raise _registry_problems(error, "handle") from None
    if state is None or state.registrar != conn.registrar:
        raise unknown
    return state
