"""Transfer a domain to a new registrant (R14, T13): the new holder's form applied whole.

The authorization of the current holder (forwarded Delete, Crypt-PW, PGP, a fax recorded by staff) is the
registry's rule (`registry.authority`, from the actor's mail proof) and is recorded as the history reason;
registry staff state it in the command. A change made by anyone but the sponsoring registrar (a mail form,
staff) puts a `registrant_changed` message in the sponsor's poll queue, in the same transaction.
"""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import TransferDomain
from kzreg.registry.models import Contact, Domain
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.contact_resolver import ContactResolver
from kzreg.registry.operations.domain_create import check_registrant
from kzreg.registry.operations.domain_parts import bump, clean_location, record_domain, replace_nameservers
from kzreg.registry.operations.host import materialize_hosts, resolve_nameservers
from kzreg.registry.poll import notify_registrar
from kzreg.registry.zones import zone_policies


def transfer_domain(command: TransferDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        if domain.pending_delete:
            raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": "pending_delete"})])
        zone = zone_policies()[domain.zone.name]
        resolver = ContactResolver(ctx, command.auth_codes)
        registrant = resolver.lookup(command.registrant, "registrant")
        check_registrant(ctx, registrant)
        if isinstance(registrant, Contact) and registrant.pk == domain.registrant_id:
            ctx.problems.add("registrant", Code.SAME_VALUE, value=registrant.handle)
        admin = resolver.lookup(command.admin, "admin") if command.admin else None
        tech = resolver.lookup(command.tech, "tech") if command.tech else None
        billing = resolver.lookup(command.billing, "billing") if command.billing else None
        resolved_ns = resolve_nameservers(ctx, command.nameservers, zone) if command.nameservers is not None else None
        location = clean_location(ctx, command.location) if command.location is not None else None
        verdict = ctx.check_guards(domain)  # a mail proof: the registry's verdict says how the holder agreed
        authorization = verdict.how if verdict is not None else command.authorization
        assert registrant is not None

        domain.registrant = resolver.materialize(registrant)
        if admin is not None:
            domain.admin_contact = resolver.materialize(admin)
            domain.tech_contact = resolver.materialize(tech or admin)
            domain.billing_contact = resolver.materialize(billing or admin)
        else:
            if tech is not None:
                domain.tech_contact = resolver.materialize(tech)
            if billing is not None:
                domain.billing_contact = resolver.materialize(billing)
        if location is not None:
            for attr, value in location.items():
                setattr(domain, attr, value)
        hosts = None
        if resolved_ns is not None:
            hosts = materialize_hosts(ctx, resolved_ns)
            replace_nameservers(domain, hosts)
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain, hosts, reason=f"authorized by {authorization or 'unspecified'}")
        if actor.registrar_id != domain.registrar_id:  # by mail or staff: the sponsoring registrar is told
            notify_registrar(
                ctx, domain.registrar_id, "registrant_changed", object_type="domain", object_key=domain.name,
                data={"registrant": domain.registrant.handle, "channel": str(actor.channel)},
            )  # fmt: skip
        return domain

    return execute("domain_transfer", command, actor, body)
