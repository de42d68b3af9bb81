"""What the issue-10 tests share: EPP-like registrar actors, commands, and every row as values."""

from __future__ import annotations

from kzreg.core.actor import Actor, Channel, Role
from kzreg.registry import commands as c
from kzreg.registry.models import (
    Contact,
    ContactTransfer,
    Domain,
    DomainNameServer,
    DomainStatus,
    DomainTransfer,
    HistoryEntry,
    Host,
    PollMessage,
    Registrar,
)
from tests.conftest import LOCATION, org_contact, person

NET_NS = (
    c.NameServer("ns1.ps-hosting.net", ("195.210.46.10",)),
    c.NameServer("ns2.ps-hosting.net", ("91.201.214.10",)),
)


def epp_actor(registrar: Registrar) -> Actor:
    return Actor(principal=f"{registrar.handle.lower()}-epp", role=Role.REGISTRAR, channel=Channel.EPP,
                 registrar_id=registrar.id)  # fmt: skip


def new_domain(name: str, **overrides) -> c.CreateDomain:
    values = dict(
        name=name, period=1, registrant=org_contact(), admin=person(), nameservers=NET_NS, location=LOCATION,
    )  # fmt: skip
    values.update(overrides)
    return c.CreateDomain(**values)


def everything() -> list:
    """Every registry row an operation could change: equal before and after = nothing changed."""
    return [
        list(model.objects.order_by("id").values_list())
        for model in (Domain, Contact, Host, DomainNameServer, DomainStatus, Registrar, DomainTransfer,
                      ContactTransfer, PollMessage, HistoryEntry)
    ]  # fmt: skip
