"""Modify a domain (T7): each section given replaces the stored one whole; the registrant never changes
here (that is a transfer, R14: refused with `DomainRuleCode.REGISTRANT_CHANGE` whatever the channel), nor
does the name (a new spelling is a new registration, B3)."""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import ContactRef, ModifyDomain
from kzreg.registry.models import Domain, StatusFlag
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.codes import DomainRuleCode
from kzreg.registry.operations.contact_resolver import ContactResolver
from kzreg.registry.operations.domain_parts import (
    bump,
    clean_ds_records,
    clean_location,
    clean_reseller_name,
    record_domain,
    replace_nameservers,
)
from kzreg.registry.operations.domain_renew import check_extension
from kzreg.registry.operations.domain_status import lift_flag, set_flag
from kzreg.registry.operations.host import materialize_hosts, resolve_nameservers
from kzreg.registry.operations.prohibitions import (
    CLIENT_HOLD,
    DOMAIN_STATUSES,
    RENEW,
    UPDATE,
    check_domain_allows,
    check_not_prohibited,
    clean_status_change,
    domain_client_statuses,
)
from kzreg.registry.operations.sponsorship import auth_code_problem
from kzreg.registry.zones import zone_policies


def modify_domain(command: ModifyDomain, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        if domain.pending_delete:
            raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": "pending_delete"})])
        # An update that removes clientUpdateProhibited is allowed (RFC 5731); a renewal needs no renew lock.
        check_domain_allows(ctx, domain, UPDATE, command.remove_statuses)
        if command.add_years is not None:
            check_not_prohibited(ctx, domain_client_statuses(domain), RENEW, "add_years")
        statuses = clean_status_change(
            ctx, DOMAIN_STATUSES, domain_client_statuses(domain), command.add_statuses, command.remove_statuses
        )
        if command.auth_code is not None and (problem := auth_code_problem(command.auth_code)) is not None:
            ctx.problems.extend([problem])
        zone = zone_policies()[domain.zone.name]
        resolver = ContactResolver(ctx, command.auth_codes)
        roles = {
            "admin_contact": resolver.lookup(command.admin, "admin") if command.admin else None,
            "tech_contact": resolver.lookup(command.tech, "tech") if command.tech else None,
            "billing_contact": resolver.lookup(command.billing, "billing") if command.billing else None,
        }
        check_registrant_kept(ctx, domain, command.registrant)
        resolved_ns = (
            resolve_nameservers(ctx, command.nameservers, zone, command.hosts_must_exist)
            if command.nameservers is not None
            else None
        )
        location = clean_location(ctx, command.location) if command.location is not None else None
        ds_records = clean_ds_records(ctx, command.ds_records) if command.ds_records is not None else None
        new_expiry = None
        if command.add_years is not None:
            new_expiry = check_extension(ctx, domain, zone, command.add_years, "add_years")
        reseller_name = clean_reseller_name(ctx, command.reseller) if command.reseller is not None else None
        nothing = (
            all(v is None for v in roles.values())
            and resolved_ns is None
            and location is None
            and ds_records is None
            and command.purpose is None
            and command.add_years is None
            and command.reseller is None
            and statuses is None
            and command.auth_code is None
        )
        if nothing and not ctx.problems:
            ctx.problems.add("", Code.NOTHING_TO_CHANGE)
        ctx.check_guards(domain)

        for attr, value in roles.items():
            if value is not None:
                setattr(domain, attr, resolver.materialize(value))
        if location is not None:
            for attr, value in location.items():
                setattr(domain, attr, value)
        if ds_records is not None:
            domain.ds_records = ds_records
        if command.purpose is not None:
            domain.purpose = " ".join(command.purpose.split())
        if new_expiry is not None:
            domain.expires_at = new_expiry
        if reseller_name is not None:
            domain.reseller_name = reseller_name
        if command.auth_code is not None:
            domain.auth_code = command.auth_code
        if statuses is not None:
            _apply_client_statuses(ctx, domain, statuses)
        hosts = None
        if resolved_ns is not None:
            hosts = materialize_hosts(ctx, resolved_ns)
            replace_nameservers(domain, hosts)
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain, hosts)
        return domain

    return execute("domain_modify", command, actor, body)


def check_registrant_kept(ctx: Context, domain: Domain, registrant: ContactRef | None) -> None:
    """R14 for every channel: a modify may name the domain's registrant only as it is (its handle, as EPP's
    `<domain:chg><domain:registrant>` may repeat it); another contact, or contact data, would move the
    domain to another registrant, which is a transfer."""
    if registrant is None:
        return
    if isinstance(registrant, str) and registrant.strip().upper() == domain.registrant.handle.upper():
        return
    ctx.problems.add("registrant", DomainRuleCode.REGISTRANT_CHANGE)


def _apply_client_statuses(ctx: Context, domain: Domain, statuses: list[str]) -> None:
    """clientHold is a flag with its periods (who, when: R13); the prohibitions are a list."""
    hold = CLIENT_HOLD in statuses
    if hold and not domain.client_hold:
        set_flag(ctx, domain, StatusFlag.CLIENT_HOLD, "set by the sponsoring registrar")
    elif domain.client_hold and not hold:
        lift_flag(ctx, domain, StatusFlag.CLIENT_HOLD, "removed by the sponsoring registrar")
    domain.client_statuses = [word for word in statuses if word != CLIENT_HOLD]
