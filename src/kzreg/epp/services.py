"""`kzreg up` starts the EPP server (`services()`), which first prepares what a fresh install needs before
anyone can log in: the server certificate (the local CA's, unless `KZREG_EPP_CERT`/`KZREG_EPP_KEY` name
one) and, in a demo, EPP access for every registrar that has none yet: a client certificate signed by
the local CA and a random password, written to `$KZREG_DATA_DIR/epp/` and printed once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kzreg.epp.access import set_access
from kzreg.epp.certs import LocalPki
from kzreg.epp.models import EppAccess
from kzreg.plugins import Service
from kzreg.registry.models import Registrar


def local_pki() -> LocalPki:
    return LocalPki(Path(settings.DATA_DIR) / "epp")


@dataclass(frozen=True)
class ServerFiles:
    cert: Path
    key: Path
    client_ca: Path


def server_files() -> ServerFiles:
    """The certificate and key the server presents and the CA its clients' certificates must chain to."""
    pki = local_pki()
    if settings.EPP_CERT or settings.EPP_KEY:
        if not (settings.EPP_CERT and settings.EPP_KEY):
            raise RuntimeError("set both KZREG_EPP_CERT and KZREG_EPP_KEY (or neither, for the local CA)")
        cert, key = Path(settings.EPP_CERT), Path(settings.EPP_KEY)
    else:
        pki.ensure()
        cert, key = pki.server_cert, pki.server_key
    client_ca = Path(settings.EPP_CLIENT_CA) if settings.EPP_CLIENT_CA else pki.ca_cert
    if not client_ca.exists():
        pki.ensure()
    return ServerFiles(cert, key, client_ca)


def demo_access() -> list[tuple[str, Path, str]]:
    """EPP access for each registrar without any, with the local CA: (handle, folder, password)."""
    pki = local_pki()
    made = []
    for registrar in Registrar.objects.exclude(id__in=EppAccess.objects.values("registrar_id")).order_by("handle"):
        pki.issue_client(registrar.handle)
        password = secrets.token_urlsafe(12)
        set_access(
            registrar, password=password, certificates=[pki.client_cert(registrar.handle).read_bytes()], networks=None
        )
        password_file = pki.folder / f"{registrar.handle}.password"
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        made.append((registrar.handle, pki.folder, password))
    return made


def prepare_first_start(print_to_console: bool = False) -> None:
    server_files()
    if not settings.DEMO or settings.EPP_CLIENT_CA:
        return
    made = demo_access()
    if print_to_console and made:
        print(f"kzreg: EPP on {settings.EPP_BIND}:{settings.EPP_PORT} (TLS; clients trust {local_pki().ca_cert})")
        for handle, folder, password in made:
            print(
                f"kzreg: EPP access for {handle}: password {password}, "
                f"certificate {folder / (handle + '.crt')}, key {folder / (handle + '.key')}"
            )


def services() -> list[Service]:
    """The EPP server; it prepares its first start itself (`kzreg epp serve`), in its own process."""
    return [Service("epp", ["epp", "serve", "--port", str(settings.EPP_PORT), "--bind", settings.EPP_BIND])]
