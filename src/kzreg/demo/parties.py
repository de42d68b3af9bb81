"""The organisations every demo and bulk database has: the registrar "Internet-company PS" LLP (PS-KZ).

Registrars are configuration of the registry, not registry objects with history, so they are written
directly (as registry staff do in the back-office).
"""

from __future__ import annotations

from kzreg.core import clock
from kzreg.registry.models import Registrar

REGISTRAR_HANDLE = "PS-KZ"


def ensure_registrar() -> Registrar:
    """The demo registrar, created on first use and left as it is afterwards."""
    registrar, _ = Registrar.objects.get_or_create(
        handle=REGISTRAR_HANDLE,
        defaults={
            "name": '"Internet-company PS" LLP',
            "email": "support@ps.kz",
            "phone": "+7 727 355 66 77",
            "url": "https://www.ps.kz",
            "whois_server": "whois.ps.kz",
            "created_at": clock.now(),
        },
    )
    return registrar
