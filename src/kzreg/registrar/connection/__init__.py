"""The registry connection (`KZREG_REGISTRY_CONNECTION`: `local` or `epp`), the registrar wing's only way
to the registry (`base.RegistryConnection`)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings

from kzreg.registrar.connection.base import (
    AnswerLost,
    Availability,
    ContactRequest,
    ContactState,
    CreateRequest,
    DomainState,
    HostState,
    Location,
    PollItem,
    RegistryConnection,
    RegistryError,
    RegistryRefused,
    RegistryUnreachable,
    TransferAnswer,
    UpdateRequest,
)


def registrar_settings() -> dict[str, Any]:
    return cast(dict[str, Any], settings.KZREG_REGISTRAR)


def open_connection(principal: str = "registrar-wing") -> RegistryConnection:
    """The configured connection, acting as the configured registrar (`KZREG_REGISTRAR_HANDLE`)."""
    config = registrar_settings()
    kind = config["CONNECTION"]
    if kind == "local":
        from kzreg.registrar.connection.local import LocalConnection

        return LocalConnection(config["HANDLE"], principal)
    if kind == "epp":
        from kzreg.registrar.connection.epp import EppConnection, EppSettings

        epp = config["EPP"]
        return EppConnection(
            EppSettings(
                host=epp["HOST"],
                port=int(epp["PORT"]),
                client_id=epp["CLID"] or config["HANDLE"],
                password=epp["PASSWORD"],
                cafile=epp["CA"] or None,
                certfile=epp["CERT"] or None,
                keyfile=epp["KEY"] or None,
                timeout=float(epp["TIMEOUT"]),
                create_read_back=bool(epp.get("CREATE_READ_BACK", True)),
            )
        )
    raise RuntimeError(f"KZREG_REGISTRY_CONNECTION must be local or epp, not {kind!r}")


__all__ = [
    "AnswerLost", "Availability", "ContactRequest", "ContactState", "CreateRequest", "DomainState", "HostState",
    "Location", "PollItem",
    "RegistryConnection", "RegistryError", "RegistryRefused", "RegistryUnreachable", "TransferAnswer",
    "UpdateRequest", "open_connection", "registrar_settings",
]  # fmt: skip
