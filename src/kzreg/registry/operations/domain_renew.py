"""Renew a domain (R4, B1): each year extends expiry by one year; an expired domain in its grace period
comes back to life."""

from __future__ import annotations

import datetime as dt

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import RenewDomain
from kzreg.registry.models import Domain, StatusFlag
from kzreg.registry.operations.base import Context, OperationResult, add_years, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.domain_status import lift_flag
from kzreg.registry.operations.prohibitions import RENEW, check_domain_allows
from kzreg.registry.policy import ZonePolicy
from kzreg.registry.poll import notify_registrar


def check_extension(ctx: Context, domain: Domain, zone: ZonePolicy, years: int, field_name: str) -> dt.datetime | None:
    if not isinstance(years, int) or not 1 <= years <= zone.max_period:
        ctx.problems.add(field_name, Code.PERIOD_RANGE, min=1, max=zone.max_period, value=years)
        return None
    new_expiry = add_years(domain.expires_at, years)
    if new_expiry > add_years(ctx.now, zone.max_period):
        ctx.problems.add(field_name, Code.PERIOD_EXCEEDS_MAX, max=zone.max_period)
        return None
    return new_expiry


def renew_domain(command: RenewDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        from kzreg.registry.zones import zone_policies

        domain = load_live_domain(ctx, command.name)
        if domain.rgp_status:  # deleted by its registrar: a restore brings it back, not a renewal
            raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": domain.rgp_status})])
        check_domain_allows(ctx, domain, RENEW)
        zone = zone_policies()[domain.zone.name]
        new_expiry = check_extension(ctx, domain, zone, command.years, "years")
        ctx.check_guards(domain)
        assert new_expiry is not None
        domain.expires_at = new_expiry
        if domain.pending_delete and new_expiry > ctx.now:
            lift_flag(ctx, domain, StatusFlag.PENDING_DELETE, "renewed")
            domain.purge_at = None
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain)
        if actor.registrar_id != domain.registrar_id:  # renewed by the registry (staff, mail): its sponsor is told
            notify_registrar(ctx, domain.registrar_id, "domain_renewed", object_type="domain", object_key=domain.name,
                             data={"exDate": f"{new_expiry:%Y-%m-%d}"})  # fmt: skip
        return domain

    return execute("domain_renew", command, actor, body)
