"""Deadlines of the registration period (R4): expiry starts the grace period; its end deletes. The same
purge ends the redemption period of a domain its registrar deleted (RFC 3915); a restore request without
its report within `RESTORE_REPORT_DAYS` falls back to the redemption period.

The worker calls these sweeps; each batch is one operation (one transaction, a history row per
domain), so a crash loses nothing and a second worker skips rows the first holds (SKIP LOCKED on
PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet

from kzreg.core.actor import Actor, Channel
from kzreg.registry.models import Domain, RgpStatus, StatusFlag
from kzreg.registry.operations.base import Context, execute
from kzreg.registry.operations.domain_delete import mark_deleted
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.domain_status import set_flag
from kzreg.registry.poll import notify_registrar

RESTORE_REPORT_DAYS = 7  # RFC 3915 §3.2: the report is due within this time after the request


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
            notify_registrar(
                ctx, domain.registrar_id, "domain_expired", object_type="domain", object_key=domain.name,
                data={"exDate": domain.expires_at.isoformat(), "purge_at": f"{domain.purge_at:%Y-%m-%d}"},
            )  # fmt: skip
            count += 1
        return count

    return execute("domain_expire", None, actor, body).object


def purge_domains(limit: int = 500) -> int:
    """Pending-delete domains whose purge time has come are deleted."""
    actor = Actor.system("purge", Channel.WORKER)

    def body(ctx: Context) -> int:
        count = 0
        due = Domain.objects.filter(pending_delete=True, purge_at__lte=ctx.now, deleted_at__isnull=True)
        # A restore requested in time waits for its report (or for `lapse_restore_requests`).
        due = due.exclude(rgp_status=RgpStatus.PENDING_RESTORE)
        for domain in _due(due, limit):
            redeemed = domain.rgp_status == RgpStatus.REDEMPTION_PERIOD
            mark_deleted(ctx, domain, "redemption period over" if redeemed else "grace period over, not renewed")
            notify_registrar(ctx, domain.registrar_id, "domain_purged", object_type="domain", object_key=domain.name)
            count += 1
        return count

    return execute("domain_purge", None, actor, body).object


def lapse_restore_requests(limit: int = 500) -> int:
    """Restore requests whose report did not come in time: back to the redemption period (RFC 3915)."""
    actor = Actor.system("restore-lapse", Channel.WORKER)

    def body(ctx: Context) -> int:
        count = 0
        deadline = ctx.now - dt.timedelta(days=RESTORE_REPORT_DAYS)
        due = Domain.objects.filter(
            rgp_status=RgpStatus.PENDING_RESTORE, restore_requested_at__lte=deadline, deleted_at__isnull=True
        )
        for domain in _due(due, limit):
            domain.rgp_status = RgpStatus.REDEMPTION_PERIOD
            domain.restore_requested_at = None
            bump(ctx, domain)
            domain.save()
            record_domain(ctx, domain, reason="no restore report within the time: redemption period again")
            count += 1
        return count

    return execute("domain_restore_lapse", None, actor, body).object


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
