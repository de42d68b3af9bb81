"""Hosts inside the registry's zones and the domains they lie under (RFC 5732 §1.1, issue 10).

A host named inside one of our zones (`ns1.ps.kz` under `kz`) is *subordinate* to the registration it lies
under (`ps.kz`): that domain must be registered, and a registrar may only create such a host under a
domain it sponsors. Otherwise the zone would delegate to a name nobody can resolve, or anyone who later
registers `ps.kz` would take over every domain delegated to `ns1.ps.kz`.

The domain keeps its subordinate hosts while it lives: deleting it is refused while other domains'
delegations use them (naming the hosts); hosts only it uses (or nobody) go with it. The purge after the
grace period cannot be refused, so it takes those hosts out of the other domains' name-server lists
(each such domain gets a history row) before deleting them: no delegation ever points inside a name that
is free to register.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Count

from kzreg.core.actor import Role
from kzreg.core.messages import Code
from kzreg.registry.models import Domain, DomainNameServer, Host, ObjectType
from kzreg.registry.operations.base import Context
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.policy import superordinate_domain
from kzreg.registry.snapshots import host_snapshot
from kzreg.registry.zones import zone_policies

SHOWN_HOSTS = 10  # hosts named in a refusal; the count is always exact


def check_new_hosts(ctx: Context, hosts: Iterable[tuple[str, str, str]], own: str | None = None) -> None:
    """Problems for new hosts `(field, A-label, U-label)` inside our zones whose domain is not registered,
    or (for a registrar or reseller) is another registrar's. `own`: the domain being registered, whose
    own in-domain servers come with it."""
    zones = zone_policies()
    wanted = [(f, name, uname, superordinate_domain(name, zones)) for f, name, uname in hosts]
    parents = sorted({p for *_, p in wanted if p and p != own})
    if not parents:
        return
    # Locked, so that a deletion of the domain waits for this host and then sees it.
    found = Domain.objects.select_for_update().filter(name__in=parents, deleted_at__isnull=True)
    sponsors = dict(found.values_list("name", "registrar_id"))
    actor = ctx.actor
    checks_sponsor = actor.role in (Role.REGISTRAR, Role.RESELLER)
    for field_name, _, unicode_name, parent in wanted:
        if parent is None or parent == own:
            continue
        shown = ".".join(unicode_name.split(".")[-parent.count(".") - 1 :])  # the domain as the host is written
        if parent not in sponsors:
            ctx.problems.add(field_name, Code.SUPERORDINATE_MISSING, host=unicode_name, domain=shown)
        elif checks_sponsor and sponsors[parent] != actor.registrar_id:
            ctx.problems.add(field_name, Code.SUPERORDINATE_OTHER_REGISTRAR, host=unicode_name, domain=shown)


def subordinate_hosts(domain: Domain) -> list[Host]:
    """The hosts named inside the domain (`ps.kz`, `ns1.ps.kz`, `a.b.ps.kz`), locked, by name."""
    return list(Host.objects.select_for_update().under(domain.name, itself=True).order_by("name"))


def _users(hosts: Sequence[Host], domain: Domain) -> dict[int, int]:
    """Host id → how many other domains delegate to it."""
    links = DomainNameServer.objects.filter(host__in=hosts).exclude(domain=domain)
    return dict(links.values("host_id").annotate(n=Count("domain_id")).values_list("host_id", "n"))


def check_deletable(ctx: Context, domain: Domain) -> list[Host]:
    """A deletion is refused while other domains delegate to its hosts; returns its subordinate hosts."""
    hosts = subordinate_hosts(domain)
    used = _users(hosts, domain) if hosts else {}
    if used:
        named = [f"{h.unicode_name} ({used[h.pk]})" for h in hosts if h.pk in used]
        more = f" … +{len(named) - SHOWN_HOSTS}" if len(named) > SHOWN_HOSTS else ""
        ctx.problems.add("name", Code.SUBORDINATE_HOSTS_IN_USE, hosts=", ".join(named[:SHOWN_HOSTS]) + more)
    return hosts


def remove_subordinate_hosts(ctx: Context, domain: Domain, hosts: Sequence[Host]) -> None:
    """Deletes the domain's hosts (after its own delegation is gone); any other domain still delegating to
    one (only after a purge) loses that name server first, with a history row saying why."""
    if not hosts:
        return
    links = DomainNameServer.objects.filter(host__in=hosts).exclude(domain=domain)
    users = list(Domain.objects.select_for_update().filter(pk__in=links.values("domain_id")).order_by("pk"))
    links.delete()
    names = ", ".join(h.unicode_name for h in hosts)
    for user in users:
        bump(ctx, user)
        user.save()
        record_domain(ctx, user, reason=f"name servers removed: {names} (their domain {domain.unicode_name} is gone)")
    for host in hosts:
        host.version += 1
        host.updated_at = ctx.now
        snapshot = {**host_snapshot(host), "deleted_at": ctx.now.isoformat()}
        ctx.history(ObjectType.HOST, host, host.name, snapshot, reason=f"its domain {domain.unicode_name} is deleted")
    Host.objects.filter(pk__in=[h.pk for h in hosts]).delete()
