"""Create, modify and delete hosts (name servers); resolve a domain's name-server list (R11).

A registration never changes an existing host: an address given with a registration that is not among
the host's own is reported back as a warning and left alone (giving some or all of the host's own
addresses is silent). Only these host operations change hosts. A new server named with its addresses is
created with the registration; one named without them is missing its addresses (mail), or, in a command
whose name servers are host objects (`hosts_must_exist`: EPP's hostObj, the registrar wing), not registered.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry import rows
from kzreg.registry.commands import CreateHost, DeleteHost, ModifyHost, NameServer
from kzreg.registry.models import DomainNameServer, Host, ObjectType
from kzreg.registry.operations.base import Context, OperationResult, execute
from kzreg.registry.operations.codes import DomainRuleCode
from kzreg.registry.operations.domain_parts import find_registrar
from kzreg.registry.operations.prohibitions import (
    DELETE,
    HOST_STATUSES,
    UPDATE,
    check_not_prohibited,
    clean_status_change,
)
from kzreg.registry.operations.sponsorship import check_sponsor
from kzreg.registry.operations.subordinate import check_new_hosts
from kzreg.registry.policy import ZonePolicy, canonical_ip, normalize_host_name, normalize_ip, same_network
from kzreg.registry.snapshots import host_snapshot


def _clean_addresses(ctx: Context, raw: Sequence[str], field_name: str) -> list[str]:
    out: list[str] = []
    for text in raw:
        for part in str(text).replace(";", ",").replace(" ", ",").split(","):
            if not part.strip():
                continue
            value = normalize_ip(part)
            if isinstance(value, Problem):
                ctx.problems.add(field_name, value.code, **value.params)
            elif value not in out:
                out.append(value)
    return out


def _clean_name(ctx: Context, raw: str, field_name: str) -> tuple[str, str] | None:
    value = normalize_host_name(raw)
    if isinstance(value, Problem):
        ctx.problems.add(field_name, value.code, **value.params)
        return None
    return value


def _host_row(ctx: Context, name: str, unicode_name: str, addresses: list[str]) -> Host:
    return Host(
        name=name,
        unicode_name=unicode_name,
        addresses=addresses,
        registrar_id=ctx.sponsor_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )


def _new_host(ctx: Context, name: str, unicode_name: str, addresses: list[str]) -> Host:
    host = rows.insert(_host_row(ctx, name, unicode_name, addresses))
    ctx.history(ObjectType.HOST, host, host.name, host_snapshot(host))
    return host


class NameServerLookup:
    """A name-server list checked and its hosts asked for; `resolve()` reads the answer. Split in two so
    that a registration can send this read together with its others (`rows.select_soon`)."""

    def __init__(
        self,
        ctx: Context,
        specs: Sequence[NameServer],
        zone: ZonePolicy,
        own: str | None = None,
        must_exist: bool = False,
    ):
        self.ctx, self.own = ctx, own  # own: the domain being registered (its in-domain servers come with it)
        self.must_exist = must_exist  # a server named without addresses is a host object (`hosts_must_exist`)
        problems = ctx.problems
        if len(specs) < zone.min_nameservers:
            problems.add("nameservers", Code.NAMESERVERS_TOO_FEW)
        if len(specs) > zone.max_nameservers:
            problems.add("nameservers", Code.NAMESERVERS_TOO_MANY, limit=zone.max_nameservers)
        self.cleaned: list[tuple[int, str, str, list[str]]] = []
        # Servers given without any address (one given but refused has its own problem already).
        self.no_address = {i for i, spec in enumerate(specs) if not any(str(a).strip() for a in spec.addresses)}
        seen: set[str] = set()
        for i, spec in enumerate(specs):
            names = _clean_name(ctx, spec.name, f"nameservers[{i}].name")
            addresses = _clean_addresses(ctx, spec.addresses, f"nameservers[{i}].addresses")
            if names is None:
                continue
            if names[0] in seen:
                problems.add(f"nameservers[{i}].name", Code.NAMESERVER_DUPLICATE, value=names[1])
                continue
            seen.add(names[0])
            self.cleaned.append((i, names[0], names[1], addresses))
        wanted = [c[1] for c in self.cleaned]
        where = f"name IN ({rows.placeholders(len(wanted))})"
        self.found = rows.select_soon(Host, rows.all_columns(Host), where, wanted) if wanted else None

    def resolve(self) -> list:
        """In order, existing Hosts or (name, unicode, addresses) to create."""
        ctx, problems = self.ctx, self.ctx.problems
        existing = {h.name: h for h in self.found.rows()} if self.found is not None else {}
        resolved: list = []
        new: list[tuple[str, str, str]] = []
        all_addresses: list[str] = []
        for i, name, unicode_name, addresses in self.cleaned:
            host = existing.get(name)
            if host is not None:
                stored = {canonical_ip(a) for a in host.addresses}
                not_applied = [a for a in addresses if a not in stored]  # the host's own ones: nothing to say
                if not_applied:
                    ctx.warn(
                        f"nameservers[{i}].addresses",
                        Code.HOST_ADDRESS_DIFFERS,
                        host=unicode_name,
                        stored=", ".join(host.addresses) or "-",
                        given=", ".join(not_applied),
                    )
                all_addresses.extend(host.addresses)
                resolved.append(host)
            elif i in self.no_address and self.must_exist:
                problems.add(f"nameservers[{i}].name", DomainRuleCode.HOST_NOT_FOUND, host=unicode_name)
            else:
                if i in self.no_address:
                    problems.add(f"nameservers[{i}].addresses", Code.REQUIRED)
                all_addresses.extend(addresses)
                resolved.append((name, unicode_name, addresses))
                new.append((f"nameservers[{i}].name", name, unicode_name))
        check_new_hosts(ctx, new, self.own)
        network = same_network(all_addresses) if len(resolved) > 1 and all_addresses else None
        if network:
            ctx.warn("nameservers", Code.SAME_NETWORK, network=network)
        return resolved


def resolve_nameservers(ctx: Context, specs: Sequence[NameServer], zone: ZonePolicy, must_exist: bool = False) -> list:
    """Checks the full list; returns, in order, existing Hosts or (name, unicode, addresses) to create."""
    return NameServerLookup(ctx, specs, zone, must_exist=must_exist).resolve()


def materialize_hosts(ctx: Context, resolved: list) -> list[Host]:
    return [item if isinstance(item, Host) else _host_for_registration(ctx, *item) for item in resolved]


def _host_for_registration(ctx: Context, name: str, unicode_name: str, addresses: list[str]) -> Host:
    """A new host, or the one a concurrent request created a moment ago (R11: never changed here)."""
    host = _host_row(ctx, name, unicode_name, addresses)
    if not rows.insert_unless_exists(host, "name"):
        return Host.objects.get(name=name)
    ctx.history(ObjectType.HOST, host, host.name, host_snapshot(host))
    return host


def create_host(command: CreateHost, actor: Actor) -> OperationResult[Host]:
    def body(ctx: Context) -> Host:
        names = _clean_name(ctx, command.name, "name")
        addresses = _clean_addresses(ctx, command.addresses, "addresses")
        if names and Host.objects.filter(name=names[0]).exists():
            ctx.problems.add("name", Code.HOST_EXISTS, host=names[1])
        if names and not any(str(a).strip() for a in command.addresses):  # a refused one has its own problem
            ctx.problems.add("addresses", Code.REQUIRED)
        if names:
            check_new_hosts(ctx, [("name", *names)])
        if command.registrar:
            registrar = find_registrar(ctx, command.registrar)
            ctx.sponsor_id = registrar.id if registrar is not None else None
        ctx.check_guards(None)
        assert names is not None
        return _new_host(ctx, names[0], names[1], addresses)

    def on_race(exc: IntegrityError) -> list[Problem]:
        return [Problem("name", Code.HOST_EXISTS, {"host": command.name.strip().lower()})]

    return execute("host_create", command, actor, body, on_race)


def _load_host(ctx: Context, raw: str) -> Host:
    names = normalize_host_name(raw)
    if isinstance(names, Problem):
        raise OperationFailed([names])
    host = Host.objects.select_for_update().filter(name=names[0]).first()
    if host is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": "host", "key": names[1]})])
    check_sponsor(ctx.actor, host.registrar_id, "host", host.unicode_name, "name")
    return host


def modify_host(command: ModifyHost, actor: Actor) -> OperationResult[Host]:
    """Rename a host or replace its addresses; every domain using it follows."""

    def body(ctx: Context) -> Host:
        host = _load_host(ctx, command.name)
        if UPDATE.lower() not in {str(word).strip().lower() for word in command.remove_statuses}:
            check_not_prohibited(ctx, host.client_statuses, UPDATE)
        statuses = clean_status_change(
            ctx, HOST_STATUSES, host.client_statuses, command.add_statuses, command.remove_statuses
        )
        new_names = _clean_name(ctx, command.new_name, "new_name") if command.new_name else None
        if new_names and new_names[0] != host.name and Host.objects.filter(name=new_names[0]).exists():
            ctx.problems.add("new_name", Code.HOST_EXISTS, host=new_names[1])
        if new_names and new_names[0] != host.name:
            check_new_hosts(ctx, [("new_name", *new_names)])
        addresses = None
        if command.addresses is not None:
            addresses = _clean_addresses(ctx, command.addresses, "addresses")
            if not addresses and not ctx.problems:
                ctx.problems.add("addresses", Code.REQUIRED)
        if new_names is None and addresses is None and statuses is None:
            ctx.problems.add("", Code.NOTHING_TO_CHANGE)
        ctx.check_guards(host)
        if new_names:
            host.name, host.unicode_name = new_names
        if addresses is not None:
            host.addresses = addresses
        if statuses is not None:
            host.client_statuses = statuses
        host.updated_at = ctx.now
        host.version += 1
        host.save()
        ctx.history(ObjectType.HOST, host, host.name, host_snapshot(host))
        return host

    return execute("host_modify", command, actor, body)


def delete_host(command: DeleteHost, actor: Actor) -> OperationResult[Host]:
    def body(ctx: Context) -> Host:
        host = _load_host(ctx, command.name)
        check_not_prohibited(ctx, host.client_statuses, DELETE)
        in_use = DomainNameServer.objects.filter(host=host).count()
        if in_use:
            ctx.problems.add("name", Code.HOST_IN_USE, host=host.unicode_name, count=in_use)
        ctx.check_guards(host)
        host.version += 1
        host.updated_at = ctx.now
        ctx.history(ObjectType.HOST, host, host.name, {**host_snapshot(host), "deleted_at": ctx.now.isoformat()})
        host.delete()
        return host

    return execute("host_delete", command, actor, body)
