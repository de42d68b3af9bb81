"""Deadlines of the registration period (R4): expiry starts the grace period; its end deletes.

The worker calls these sweeps; each batch is one operation (one transaction, a history row per
domain), so a crash loses nothing and a second worker skips rows the first holds (SKIP LOCKED on
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from kzreg.core.actor import Actor, Channel
from kzreg.registry.models import Domain, StatusFlag
from kzreg.registry.operations.base import Context, execute
from kzreg.registry.operations.domain_delete import mark_deleted
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.domain_status import set_flag


def _due(query: QuerySet[Domain], limit: int) -> list[Domain]:
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True, of=("self",))
    return list(query.select_related("registrant", "admin_contact", "tech_contact", "billing_contact")[:limit])


def expire_domains(limit: int = 500) -> int:
    """Expired, live, not yet pending delete → pending delete until expiry + the zone's grace days."""
    actor = Actor.system("expiry", Channel.WORKER)

    def body(ctx: Context) -> int:
        count = 0
        due = Domain.objects.filter(expires_at__lte=ctx.now, deleted_at__isnull=True, pending_delete=False)
        for domain in _due(due.select_related("zone"), limit):
            set_flag(ctx, domain, StatusFlag.PENDING_DELETE, "expired")
            domain.purge_at = domain.expires_at + dt.timedelta(days=domain.zone.grace_days)
            bump(ctx, domain)
            domain.save()
            record_domain(ctx, domain, reason="expired; deleted after the grace period unless renewed")
            count += 1
        return count

    return execute("domain_expire", None, actor, body).object


def purge_domains(limit: int = 500) -> int:
    """Pending-delete domains whose purge time has come are deleted."""
    actor = Actor.system("purge", Channel.WORKER)

    def body(ctx: Context) -> int:
        count = 0
        due = Domain.objects.filter(pending_delete=True, purge_at__lte=ctx.now, deleted_at__isnull=True)
        for domain in _due(due, limit):
            mark_deleted(ctx, domain, "grace period over, not renewed")
            count += 1
        return count

    return execute("domain_purge", None, actor, body).object


def sweep() -> dict[str, int]:
    """Both sweeps, repeated while full batches keep coming (the clock decides what is due)."""
    totals = {"expired": 0, "purged": 0}
    while (n := expire_domains()) > 0:
        totals["expired"] += n
        if n < 500:
            break
    while (n := purge_domains()) > 0:
        totals["purged"] += n
        if n < 500:
            break
    return totals
