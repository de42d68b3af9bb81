"""Keeping the services in step with the registry: expiry, statuses, transfers out, deletions.

The registry tells its registrar what it did without being asked through the poll queue (EPP `<poll>`;
in-process, the same queue). Each message names the domains it is about — in its data (in-process, or an
EPP transfer's `trnData`), or else in its text — and each named service is refreshed from the registry's
`info`, then the message is acknowledged. `refresh` is also what reconciliation uses.
"""

from __future__ import annotations

import datetime as dt
import re

import idna
from django.db import transaction

from kzreg.core import clock
from kzreg.registrar import events
from kzreg.registrar.connection import DomainState, RegistryConnection
from kzreg.registrar.models import Service

NAME_IN_TEXT = re.compile(r"[^\s,;:()«»\"']+\.[^\s,;:()«»\"']+")


def names_in(text: str) -> set[str]:
    """The A-labels of the domain names a message's text mentions."""
    names = set()
    for token in NAME_IN_TEXT.findall(text):
        try:
            names.add(idna.encode(token.strip(".").lower(), uts46=True).decode("ascii"))
        except idna.IDNAError:
            continue
    return names


def apply_state(service: Service, state: DomainState | None, registrar: str, now: dt.datetime) -> list[str]:
    """Copies what the registry shows into the service, with an event for each kind of change (in one
    transaction); returns the fields that changed."""
    if state is None:
        values = {"sponsored": False, "statuses": ["deleted"], "auto_renew": False}
    elif state.registrar != registrar and not service.sponsored:  # a transfer in: still pending, or refused
        waiting = "pendingTransfer" in state.statuses
        values = {"sponsored": False, "statuses": ["pendingTransfer" if waiting else "transferRefused"]}
    elif state.registrar != registrar:
        values = {"sponsored": False, "statuses": ["transferredOut"], "auto_renew": False}
    else:
        values = {"sponsored": True, "statuses": sorted(state.statuses), "expires_at": state.expires_at}
    changed = [name for name, value in values.items() if getattr(service, name) != value]
    with transaction.atomic():
        before = events.snapshot(service)
        for name, value in values.items():
            setattr(service, name, value)
        service.last_synced_at = now
        service.save()
        events.changed(service, before, now)
    return changed


def refresh(conn: RegistryConnection, service: Service) -> list[str]:
    return apply_state(service, conn.info(service.name), conn.registrar, clock.now())


def sync_from_poll(conn: RegistryConnection, limit: int = 200) -> dict[str, int]:
    """Reads up to `limit` messages; refreshes the services they name, acknowledges each."""
    read = refreshed = 0
    for _ in range(limit):
        item = conn.poll()
        if item is None:
            break
        read += 1
        names = set(item.names) | names_in(item.text)
        for service in Service.objects.filter(name__in=names, registrar_handle=conn.registrar):
            refresh(conn, service)
            refreshed += 1
        conn.ack(item.id)
    return {"messages": read, "refreshed": refreshed}
