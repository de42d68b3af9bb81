"""Who acts, on whose behalf, through which channel and which request.

Every registry operation takes an `Actor`; history rows copy it, so each version of each object says
who made it and how.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from typing import Protocol


class Channel(enum.StrEnum):
    MAIL = "mail"  # e-mailed KazNIC templates
    CABINET = "cabinet"  # the web personal cabinet
    API = "api"  # the reseller REST API
    CLI = "cli"  # the `kzreg` command
    ADMIN = "admin"  # the registry back-office
    WORKER = "worker"  # deadlines swept by the worker
    EPP = "epp"  # registrars over EPP
    SYSTEM = "system"  # loaders, migrations, demo data


class Role(enum.StrEnum):
    REGISTRY = "registry"  # registry (KazNIC) staff: may do anything, incl. reserved names
    REGISTRAR = "registrar"  # a registrar acting for its own domains
    RESELLER = "reseller"  # a reseller acting through its registrar
    REGISTRANT = "registrant"  # a domain holder or one of its contacts
    SYSTEM = "system"  # the system itself (deadlines, expiry)


class Proof(Protocol):
    """What a channel proved about who is asking (the mail gateway's `registry.authority.MailProof`); the
    registry's authority rule reads it. Never copied into history."""

    def describe(self) -> str: ...


def new_request_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Actor:
    """The author of a change. `principal` is a user name, an e-mail address or a system job name."""

    principal: str
    role: Role
    channel: Channel
    request_id: str = field(default_factory=new_request_id)
    registrar_id: int | None = None  # a registrar's actor; a reseller's request arrives as its registrar's
    proof: Proof | None = field(default=None, repr=False, compare=False)

    @classmethod
    def system(cls, job: str, channel: Channel = Channel.SYSTEM, request_id: str | None = None) -> Actor:
        return cls(principal=job, role=Role.SYSTEM, channel=channel, request_id=request_id or new_request_id())

    @classmethod
    def registry_staff(cls, username: str, channel: Channel = Channel.ADMIN) -> Actor:
        return cls(principal=username, role=Role.REGISTRY, channel=channel)

    @property
    def is_privileged(self) -> bool:
        """Registry staff and the system may act on any object and on reserved names."""
        return self.role in (Role.REGISTRY, Role.SYSTEM)
