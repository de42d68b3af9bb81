"""Delete a domain (T8, R16, RFC 3915).

A registrar's delete (EPP) starts the redemption period: the domain leaves the zone and shows
pendingDelete + redemptionPeriod for the zone's `redemption_days`; its registrar may restore it
(`domain_restore`); then the worker purges it and the name becomes free. A delete by e-mail (T8: "the
name becomes free at once" is the seed's rule for the e-mailed Delete) or by registry staff (R16) frees
the name at once; the record and its history stay either way.

Refused (2305) while other domains delegate to hosts inside it; its other subordinate hosts go with it
(`subordinate`) when it is finally deleted."""

from __future__ import annotations

import datetime as dt

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.authority import Decision
from kzreg.registry.commands import DeleteDomain
from kzreg.registry.models import Domain, DomainNameServer, Host, RgpStatus, StatusFlag, TransferStatus
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, current_nameservers, record_domain
from kzreg.registry.operations.domain_status import lift_flag, set_flag
from kzreg.registry.operations.prohibitions import DELETE, check_domain_allows, pending_domain_transfer
from kzreg.registry.operations.sponsorship import is_sponsor_bound
from kzreg.registry.operations.subordinate import check_deletable, remove_subordinate_hosts, subordinate_hosts
from kzreg.registry.operations.transfer_rules import decide, notify_decision
from kzreg.registry.poll import notify_registrar


def mark_deleted(ctx: Context, domain: Domain, reason: str, subordinates: list[Host] | None = None) -> None:
    """The domain's delegation goes, and with it the hosts inside it (`subordinates`, when the caller
    has them); a purge also takes those hosts out of other domains' delegations (`subordinate`)."""
    hosts = current_nameservers(domain)
    for flag in StatusFlag:
        if getattr(domain, flag.value):
            lift_flag(ctx, domain, flag, "deleted")
    domain.deleted_at = ctx.now
    domain.purge_at = None
    domain.rgp_status = RgpStatus.NONE
    domain.restore_requested_at = None
    DomainNameServer.objects.filter(domain=domain).delete()
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, hosts, reason=reason)
    remove_subordinate_hosts(ctx, domain, subordinate_hosts(domain) if subordinates is None else subordinates)


def start_redemption(ctx: Context, domain: Domain, reason: str) -> None:
    """RFC 3915: out of the zone (pendingDelete) and restorable until `purge_at`."""
    if not domain.pending_delete:
        set_flag(ctx, domain, StatusFlag.PENDING_DELETE, reason or "deleted by the registrar")
    domain.rgp_status = RgpStatus.REDEMPTION_PERIOD
    domain.purge_at = ctx.now + dt.timedelta(days=domain.zone.redemption_days)
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, reason=reason or "deleted by the registrar: redemption period")


def _cancel_pending_transfer(ctx: Context, domain: Domain) -> None:
    transfer = pending_domain_transfer(domain, lock=True)
    if transfer is not None:
        decide(ctx, transfer, TransferStatus.SERVER_CANCELLED)
        notify_decision(ctx, transfer, "domain", domain.name, {"exDate": domain.expires_at.isoformat()})


def _hold_instead(ctx: Context, domain: Domain, reason: str) -> Domain:
    """T12: a Delete from the ISP that serves the domain puts it on hold (visible in WHOIS, not delegated)."""
    if domain.hold:
        raise OperationFailed([Problem("flag", Code.STATUS_ALREADY_SET, {"status": StatusFlag.HOLD.value})])
    set_flag(ctx, domain, StatusFlag.HOLD, reason)
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, reason=reason)
    notify_registrar(
        ctx, domain.registrar_id, "status_set", object_type="domain", object_key=domain.name,
        data={"status": StatusFlag.HOLD.value, "reason": reason},
    )  # fmt: skip
    return domain


def delete_domain(command: DeleteDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        if domain.rgp_status:
            raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": domain.rgp_status})])
        check_domain_allows(ctx, domain, DELETE)
        subordinates = check_deletable(ctx, domain)
        verdict = ctx.check_guards(domain)
        reason = " ".join((command.reason or "").split())
        if verdict is not None and verdict.decision == Decision.HOLD:
            return _hold_instead(ctx, domain, f"Delete from the ISP ({ctx.actor.principal}), {reason}".rstrip(", "))
        if is_sponsor_bound(ctx.actor):
            start_redemption(ctx, domain, reason)
            return domain
        _cancel_pending_transfer(ctx, domain)
        mark_deleted(ctx, domain, reason, subordinates)
        notify_registrar(
            ctx, domain.registrar_id, "domain_deleted", object_type="domain", object_key=domain.name,
            data={"reason": reason or "-", "channel": str(ctx.actor.channel)},
        )  # fmt: skip
        return domain

    return execute("domain_delete", command, actor, body)
