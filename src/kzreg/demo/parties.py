"""The organisations every demo and bulk database has: the registrar "Internet-company PS" LLP (PS-KZ).

The registrar is made through the registrar operation, as registry staff make one (a version in history).
"""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.registry.commands import RegistrarData
from kzreg.registry.models import Registrar
from kzreg.registry.operations import ensure_registrar as ensure

REGISTRAR_HANDLE = "PS-KZ"


def ensure_registrar() -> Registrar:
    """The demo registrar, created on first use and left as it is afterwards."""
    data = RegistrarData(
        name='"Internet-company PS" LLP',
        email="support@ps.kz",
        phone="+7 727 355 66 77",
        url="https://www.ps.kz",
        whois_server="whois.ps.kz",
    )
    return ensure(REGISTRAR_HANDLE, data, Actor.system("demo", request_id="demo-registrar"))  # same in every load
