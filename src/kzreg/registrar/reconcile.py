"""`kzreg registrar reconcile [--fix]`: the registrar's services compared with the registry.

Each service the registrar believes it sponsors is looked up (`info`); a difference in expiry, statuses
or sponsorship is reported, and with `fix` the service takes the registry's values (the registry is the
record of truth for its own objects). Nothing is ever changed at the registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kzreg.core import clock
from kzreg.registrar.connection import DomainState, RegistryConnection
from kzreg.registrar.models import Service
from kzreg.registrar.sync import apply_state


@dataclass(frozen=True)
class Difference:
    name: str
    field: str
    ours: str
    registry: str


def moment(when: dt.datetime | None) -> str:
    """To the second, in UTC: EPP dates carry no more."""
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat() if when else "-"


def _registry_view(state: DomainState | None, registrar: str) -> dict[str, str]:
    if state is None:
        return {"sponsored": "False", "expires_at": "-", "statuses": "deleted"}
    if state.registrar != registrar:
        return {"sponsored": "False", "expires_at": "-", "statuses": f"sponsored by {state.registrar}"}
    return {"sponsored": "True", "expires_at": moment(state.expires_at),
            "statuses": ",".join(sorted(state.statuses))}  # fmt: skip


def reconcile(conn: RegistryConnection, fix: bool = False) -> list[Difference]:
    differences: list[Difference] = []
    now = clock.now()
    for service in Service.objects.filter(registrar_handle=conn.registrar, sponsored=True).order_by("name"):
        state = conn.info(service.name)
        theirs = _registry_view(state, conn.registrar)
        ours = {
            "sponsored": str(service.sponsored),
            "expires_at": moment(service.expires_at),
            "statuses": ",".join(sorted(service.statuses)),
        }
        if theirs["sponsored"] == "False":
            found = [Difference(service.name, "sponsored", "True", theirs["statuses"])]
        else:
            found = [Difference(service.name, f, ours[f], theirs[f]) for f in ("expires_at", "statuses")
                     if ours[f] != theirs[f]]  # fmt: skip
        differences.extend(found)
        if fix and found:
            apply_state(service, state, conn.registrar, now)
    return differences
