"""Register a new domain (R3–R12, T6): every rule checked, every problem reported at once.

Races on the name are decided by the database: the partial unique index on live names lets exactly one
of two simultaneous creates commit; the other gets "already registered".
"""

from __future__ import annotations

from django.db import IntegrityError

from kzreg.core.actor import Actor
from kzreg.core.errors import Problem
from kzreg.core.messages import Code
from kzreg.registry import guards, rows
from kzreg.registry.commands import CreateDomain
from kzreg.registry.models import Contact, Domain, DomainNameServer, HistoryEntry
from kzreg.registry.operations.base import Context, OperationResult, add_years, execute
from kzreg.registry.operations.contact_resolver import ContactResolver
from kzreg.registry.operations.domain_parts import (
    clean_ds_records,
    clean_location,
    clean_reseller_name,
    domain_history,
    find_registrar,
    nameserver_links,
)
from kzreg.registry.operations.host import NameServerLookup, materialize_hosts
from kzreg.registry.operations.sponsorship import auth_code_problem, new_auth_code
from kzreg.registry.policy import (
    check_period,
    check_reservation,
    parse_domain_name,
    registrant_name_acceptable,
    zone_of_name,
)
from kzreg.registry.zones import zone_policies


def check_registrant(ctx: Context, registrant: Contact | dict | None) -> None:
    """R10: the registrant's own legal name, no "dba" or bare abbreviation."""
    if registrant is None:
        return
    get = registrant.get if isinstance(registrant, dict) else lambda f: getattr(registrant, f)
    field_name = "organisation" if get("organisation") else "name"
    value = get(field_name)
    if value and not registrant_name_acceptable(value):
        ctx.problems.add(f"registrant.{field_name}", Code.REGISTRANT_NAME, value=value)


def create_domain(command: CreateDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        problems = ctx.problems
        parsed, name_problems = parse_domain_name(command.name, zone_policies(), "name")
        zone = parsed.zone if parsed else zone_of_name(command.name, zone_policies())
        resolver = ContactResolver(ctx, command.auth_codes)
        with rows.pipeline():  # the reads travel together: one round trip on PostgreSQL
            where_live = "name = %s AND deleted_at IS NULL"
            taken = (  # the fee guard's read joins this one (`guards.ride_reads`)
                rows.select_soon(
                    Domain, ("id",), where_live, [parsed.name], riders=lambda alias: guards.ride_reads(ctx, None, alias)
                )
                if parsed is not None
                else None
            )
            resolver.prefetch(command.registrant, command.admin, command.tech, command.billing)
            own = parsed.name if parsed else None
            nameservers = (
                NameServerLookup(ctx, command.nameservers, zone, own, command.hosts_must_exist) if zone else None
            )
            guards.prefetch(ctx, None)  # a guard's read that did not ride travels with these

        problems.extend(name_problems)
        if parsed is not None:
            problems.extend(check_reservation(parsed, ctx.actor.is_privileged))
            if taken is not None and taken.rows():
                problems.add("name", Code.ALREADY_REGISTERED, name=parsed.unicode_name)
        if zone is not None:
            problems.extend(check_period(command.period, zone))
        registrant = resolver.lookup(command.registrant, "registrant")
        check_registrant(ctx, registrant)
        admin = resolver.lookup(command.admin, "admin")
        tech = resolver.lookup(command.tech, "tech", required=False) if command.tech else admin
        billing = resolver.lookup(command.billing, "billing", required=False) if command.billing else admin
        resolved_ns = nameservers.resolve() if nameservers else None
        location = clean_location(ctx, command.location)
        ds_records = clean_ds_records(ctx, command.ds_records)
        registrar = find_registrar(ctx, command.registrar)
        if ctx.sponsor_id is None and registrar is not None:  # registry staff: new contacts and hosts follow
            ctx.sponsor_id = registrar.id
        reseller_name = clean_reseller_name(ctx, command.reseller)
        purpose = " ".join((command.purpose or "").split())
        auth_code = new_auth_code() if command.auth_code is None else command.auth_code
        if command.auth_code is not None and (problem := auth_code_problem(command.auth_code)) is not None:
            problems.extend([problem])
        ctx.check_guards(None)
        assert parsed and zone and registrant and admin and tech and billing and location and registrar
        assert resolved_ns is not None and command.period is not None

        # The writes travel together too, answered when the block ends, where a lost race for the name
        # (or a guard's refusal) is raised. Only `rows` statements and ORM reads in here (an ORM write reads its row count at
        # once); new contacts and hosts take their handle and key in one statement each and never fail
        # on a unique value, so no failure reaches a step that was not its cause. The domain, its links
        # and its history are one statement; when the registration is a transaction of its own, the
        # COMMIT goes with it.
        with rows.pipeline() as block:
            domain = Domain(
                name=parsed.name,
                unicode_name=parsed.unicode_name,
                zone_id=zone.id,
                registrar=registrar,
                reseller_name=reseller_name,
                registrant=resolver.materialize(registrant),
                admin_contact=resolver.materialize(admin),
                tech_contact=resolver.materialize(tech),
                billing_contact=resolver.materialize(billing),
                purpose=purpose,
                ds_records=ds_records,
                auth_code=auth_code,
                created_at=ctx.now,
                updated_at=ctx.now,
                expires_at=add_years(ctx.now, command.period),
                **location,
            )
            hosts = materialize_hosts(ctx, resolved_ns)
            key = rows.insert_with_children(
                domain,
                [
                    (DomainNameServer, nameserver_links(rows.PARENT_KEY, hosts)),
                    (HistoryEntry, [domain_history(ctx, domain, rows.PARENT_KEY, hosts)]),
                ],
                riders=lambda key_sql, alias: guards.ride(ctx, domain, key_sql, alias),  # the fee's charge
            )
            # The guards' other writes go behind these, and then the COMMIT with them, when the registration
            # is a transaction of its own and no guard writes after this.
            block.commit = guards.after_soon(ctx, domain, key.sql()) and ctx.own_transaction
        key.value()
        return domain

    def on_race(exc: IntegrityError) -> list[Problem]:
        text = str(exc)
        if "domain_live_name" in text or "registry_domain.name" in text:
            return [Problem("name", Code.ALREADY_REGISTERED, {"name": command.name.strip().lower()})]
        return []

    return execute("domain_create", command, actor, body, on_race)
