"""The registry connection: what the registrar wing may ask of a registry, whichever registry it is.

Code above this interface cannot tell whether the registry runs in this process (`local`) or elsewhere
(`epp`). Every call either returns a typed answer or raises one of two errors:

- `RegistryRefused`: the registry answered no (its problems are carried; nothing changed there);
- `AnswerLost`: the request may have reached the registry but its answer did not come back (a timeout
  over EPP). The registrar must not assume either outcome: the order becomes `unknown` until asked.
- `RegistryUnreachable`: nothing was sent (no connection, login refused): safe to fail and refund.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kzreg.core.errors import OperationFailed, Problem


@dataclass(frozen=True)
class Availability:
    """A checked name. `problem` is why it is not available, as a code with its parameters, so it is
    shown in the reader's language; `reason` is the registry's own text (English from the local registry,
    the session's language over EPP), kept for readers of the text and as the only answer when a foreign
    registry's reason maps to no code (`kzreg.registrar.connection.reasons`)."""

    name: str
    available: bool
    reason: str = ""
    problem: Problem | None = None

    def message(self, lang: str) -> str:
        """Why the name is not available, in `lang` (kk, ru, en) where a code is known ("" when free)."""
        return self.problem.message(lang) if self.problem is not None else self.reason


@dataclass(frozen=True)
class DomainState:
    """A domain as the registry shows it to this registrar."""

    name: str
    expires_at: dt.datetime
    statuses: tuple[str, ...]
    registrar: str  # the sponsoring registrar's handle (EPP clID)
    registrant: str = ""
    contacts: dict[str, str] = field(default_factory=dict)  # admin, tech, billing → handle
    nameservers: tuple[str, ...] = ()
    auth_code: str | None = None


@dataclass(frozen=True)
class Location:
    """Where the servers of the domain stand (R12): sent as the kz extension over EPP."""

    address: str
    city: str
    region: str


@dataclass(frozen=True)
class ContactRequest:
    """A registry contact made from a customer's data."""

    kind: str  # "I" or "R"
    name: str
    organisation: str
    address: str
    city: str
    region: str
    postal_code: str
    country_code: str
    email: str
    phone: str
    language: str = "ru"
    handle_hint: str = ""  # the id to ask for where the registrar chooses it (EPP)


@dataclass(frozen=True)
class CreateRequest:
    name: str
    years: int
    registrant: str  # contact handles
    admin: str
    nameservers: tuple[str, ...]
    location: Location
    tech: str = ""


@dataclass(frozen=True)
class UpdateRequest:
    """Each given part replaces the domain's current one whole."""

    name: str
    nameservers: tuple[str, ...] | None = None
    admin: str | None = None
    tech: str | None = None
    location: Location | None = None
    ds_records: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TransferAnswer:
    name: str
    status: str  # pending, clientApproved, serverApproved, …


@dataclass(frozen=True)
class HostState:
    """A host (name server) as the registry shows it."""

    name: str
    addresses: tuple[str, ...]
    statuses: tuple[str, ...]
    registrar: str  # its sponsor's handle


@dataclass(frozen=True)
class ContactState:
    """A contact as the registry shows it to its sponsor (personal data included)."""

    handle: str
    registrar: str
    statuses: tuple[str, ...]
    kind: str = ""
    name: str = ""
    organisation: str = ""
    address: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country_code: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PollItem:
    """One message of the registrar's queue, with the domain names it is about (may be empty)."""

    id: str
    text: str
    names: tuple[str, ...]


class RegistryError(Exception):
    """Base of the connection's errors."""


class RegistryRefused(RegistryError):
    """The registry said no: nothing changed there."""

    def __init__(self, problems: Sequence[Problem], code: int = 2400):
        self.problems = tuple(problems)
        self.code = code
        super().__init__("; ".join(p.render() for p in self.problems))

    @classmethod
    def from_failure(cls, failure: OperationFailed) -> RegistryRefused:
        return cls(failure.problems, failure.epp_code)

    def is_not_found(self) -> bool:
        return self.code == 2303


class AnswerLost(RegistryError):
    """The request may have been carried out; its answer never arrived."""


class RegistryUnreachable(RegistryError):
    """Nothing was sent: the registry could not be reached or refused the session."""


class RegistryConnection(Protocol):
    """What the registrar wing asks of a registry. `registrar` is the handle it acts as."""

    registrar: str

    def check(self, names: Sequence[str]) -> list[Availability]: ...

    def create_domain(self, request: CreateRequest) -> DomainState: ...

    def renew(self, name: str, years: int, current_expiry: dt.date) -> dt.datetime: ...

    def info(self, name: str) -> DomainState | None: ...

    def update(self, request: UpdateRequest) -> None: ...

    def delete(self, name: str) -> None: ...

    def transfer_request(self, name: str, auth_code: str, years: int | None = None) -> TransferAnswer: ...

    def auth_code(self, name: str) -> str: ...

    def create_contact(self, contact: ContactRequest) -> str: ...

    def update_contact(self, handle: str, contact: ContactRequest) -> None: ...

    def contact_info(self, handle: str) -> ContactState | None: ...

    def create_host(self, name: str, addresses: Sequence[str]) -> None: ...

    def host_info(self, name: str) -> HostState | None: ...

    def change_registrant(self, name: str, registrant: str) -> None:
        """A new registrant takes the domain (R14): a transfer at the registry, never a modify."""
        ...

    def poll(self) -> PollItem | None: ...

    def ack(self, message_id: str) -> None: ...

    def close(self) -> None: ...
