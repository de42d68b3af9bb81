"""Delete a domain (T8, R16): the name becomes free at once; the record and its history stay.

Refused (2305) while other domains delegate to hosts inside it; its other subordinate hosts go with it
(`subordinate`)."""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.registry.commands import DeleteDomain
from kzreg.registry.models import Domain, DomainNameServer, Host, StatusFlag
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, current_nameservers, record_domain
from kzreg.registry.operations.domain_status import lift_flag
from kzreg.registry.operations.subordinate import check_deletable, remove_subordinate_hosts, subordinate_hosts


def mark_deleted(ctx: Context, domain: Domain, reason: str, subordinates: list[Host] | None = None) -> None:
    """The domain's delegation goes, and with it the hosts inside it (`subordinates`, when the caller
    has them); a purge also takes those hosts out of other domains' delegations (`subordinate`)."""
    hosts = current_nameservers(domain)
    for flag in StatusFlag:
        if getattr(domain, flag.value):
            lift_flag(ctx, domain, flag, "deleted")
    domain.deleted_at = ctx.now
    domain.purge_at = None
    DomainNameServer.objects.filter(domain=domain).delete()
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, hosts, reason=reason)
    remove_subordinate_hosts(ctx, domain, subordinate_hosts(domain) if subordinates is None else subordinates)


def delete_domain(command: DeleteDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        subordinates = check_deletable(ctx, domain)
        ctx.check_guards(domain)
        mark_deleted(ctx, domain, " ".join((command.reason or "").split()), subordinates)
        return domain

    return execute("domain_delete", command, actor, body)
