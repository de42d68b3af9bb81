"""A domain moves to another registrar (R15, PS-1.2, RFC 5731 transfer): the gaining registrar asks with
the domain's authorization code; the losing registrar approves or rejects within the pending period,
after which the worker approves; the gaining registrar may cancel. On approval the domain's sponsor
changes, its expiry moves on by the period asked for (capped by the zone's maximum), and it gets a new
authorization code. Its contacts and hosts keep their sponsors: the gaining registrar names them with
their codes, or replaces them.

Refused: the requester already sponsors it (2106), a wrong code (2202), pending delete or redemption, a
hold or suspension by the registry, or clientTransferProhibited (2304), a transfer already pending (2300).
There is no lock after a create or a previous transfer (ICANN's 60 days are a gTLD policy the seeds do
not have). Registry staff move a domain at once with `change_registrar`.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import DecideTransfer, RequestTransfer
from kzreg.registry.models import Domain, DomainTransfer, ObjectType, TransferStatus
from kzreg.registry.operations.base import Context, OperationResult, add_years, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.prohibitions import TRANSFER, check_not_prohibited, domain_client_statuses
from kzreg.registry.operations.sponsorship import auth_code_matches, is_sponsor_bound, new_auth_code
from kzreg.registry.operations.transfer_rules import (
    act_by,
    clean_decision,
    decide,
    decided_status,
    gaining_registrar,
    notify_decision,
    notify_request,
    require_registrar_actor,
)
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies

KIND = str(ObjectType.DOMAIN)


def _pending(domain: Domain) -> DomainTransfer | None:
    return DomainTransfer.objects.select_for_update().filter(domain=domain, status=TransferStatus.PENDING).first()


def _extended_expiry(ctx: Context, domain: Domain, years: int) -> dt.datetime:
    """Expiry + the transfer's years, never beyond the zone's maximum from today."""
    cap = add_years(ctx.now, zone_policies()[domain.zone.name].max_period)
    return min(add_years(domain.expires_at, years), cap)


def request_transfer(command: RequestTransfer, actor: Actor) -> OperationResult[DomainTransfer]:
    def body(ctx: Context) -> DomainTransfer:
        gaining_id = require_registrar_actor(ctx)
        domain = load_live_domain(ctx, command.name, sponsor_only=False)
        if domain.registrar_id == gaining_id:
            raise OperationFailed(
                [Problem("name", Code.NOT_ELIGIBLE_FOR_TRANSFER, {"kind": KIND, "key": domain.unicode_name})]
            )
        if not auth_code_matches(command.auth_code or "", domain.auth_code):
            raise OperationFailed(
                [Problem("auth_code", Code.AUTH_CODE_INVALID, {"kind": KIND, "key": domain.unicode_name})]
            )
        for flag in ("pending_delete", "hold", "suspended"):
            if getattr(domain, flag):
                raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": flag})])
        check_not_prohibited(ctx, domain_client_statuses(domain), TRANSFER)
        if _pending(domain) is not None:
            raise OperationFailed([Problem("name", Code.PENDING_TRANSFER, {"kind": KIND, "key": domain.unicode_name})])
        zone = zone_policies()[domain.zone.name]
        period = 1 if command.period is None else command.period
        if not isinstance(period, int) or not 1 <= period <= zone.max_period:
            ctx.problems.add("period", Code.PERIOD_RANGE, min=1, max=zone.max_period, value=period)
        ctx.check_guards(domain)
        transfer = DomainTransfer.objects.create(
            domain=domain, gaining_id=gaining_id, losing_id=domain.registrar_id, requested_at=ctx.now,
            requested_by=ctx.actor.principal, act_by=act_by(ctx.now), period=period,
        )  # fmt: skip
        bump(ctx, domain)
        domain.save(update_fields=["version", "updated_at"])
        record_domain(ctx, domain, reason=f"transfer to {gaining_registrar(transfer).handle} requested")
        notify_request(ctx, transfer, KIND, domain.name, _expiry_data(ctx, domain, transfer))
        return transfer

    def on_race(exc: IntegrityError) -> list[Problem]:
        if "one_pending_transfer_per_domain" in str(exc) or "registry_domaintransfer" in str(exc):
            return [Problem("name", Code.PENDING_TRANSFER, {"kind": KIND, "key": command.name})]
        return []

    return execute("domain_transfer_request", command, actor, body, on_race)


def _expiry_data(ctx: Context, domain: Domain, transfer: DomainTransfer) -> dict:
    """The expiry the domain has (or will have, when approved): RFC 5731's `exDate`."""
    if transfer.pending:
        return {"exDate": _extended_expiry(ctx, domain, transfer.period).isoformat()}
    return {"exDate": domain.expires_at.isoformat()}


def _complete(ctx: Context, domain: Domain, transfer: DomainTransfer) -> None:
    """The gaining registrar sponsors the domain, for `period` more years, with a new code."""
    domain.expires_at = _extended_expiry(ctx, domain, transfer.period)
    domain.registrar = gaining_registrar(transfer)
    domain.auth_code = new_auth_code()


def decide_transfer(command: DecideTransfer, actor: Actor) -> OperationResult[DomainTransfer]:
    """`approve` or `reject` (losing registrar, staff, the worker), `cancel` (gaining registrar, staff)."""
    decision = clean_decision(command.decision)

    def body(ctx: Context) -> DomainTransfer:
        domain = load_live_domain(ctx, command.name, sponsor_only=False)
        transfer = _pending(domain)
        if transfer is None:
            raise OperationFailed(
                [Problem("name", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": domain.unicode_name})]
            )
        status = decided_status(ctx, transfer, decision)
        ctx.check_guards(transfer)
        losing = domain.registrar.handle
        if decision == "approve":
            _complete(ctx, domain, transfer)
        decide(ctx, transfer, status)
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain, reason=f"transfer from {losing} to {gaining_registrar(transfer).handle}: {status}")
        notify_decision(ctx, transfer, KIND, domain.name, _expiry_data(ctx, domain, transfer))
        transfer.domain = domain
        return transfer

    return execute(f"domain_transfer_{decision}", command, actor, body)


def transfer_status(name: str, actor: Actor) -> DomainTransfer:
    """The domain's latest transfer (EPP `<transfer op="query">`), for the two registrars in it and
    registry staff; no transfer ever: 2301. A read: no transaction, no history."""
    parsed, problems = parse_domain_name(name, zone_policies(), "name")
    if parsed is None:
        raise OperationFailed(problems)
    domain = (
        Domain.objects.select_related("zone", "registrar").filter(name=parsed.name, deleted_at__isnull=True).first()
    )
    if domain is None:
        raise OperationFailed([Problem("name", Code.NOT_FOUND, {"kind": KIND, "key": parsed.unicode_name})])
    transfer = DomainTransfer.objects.filter(domain=domain).order_by("-requested_at", "-id").first()
    parties = {transfer.gaining_id, transfer.losing_id} if transfer else {domain.registrar_id}
    if is_sponsor_bound(actor) and actor.registrar_id not in parties:
        raise OperationFailed([Problem("name", Code.NOT_SPONSOR, {"kind": KIND, "key": domain.unicode_name})])
    if transfer is None:
        raise OperationFailed([Problem("name", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": domain.unicode_name})])
    transfer.domain = domain
    return transfer


def approve_due_transfers(limit: int = 100) -> int:
    """The worker approves each transfer whose pending period is over, one operation each (so billing
    charges each in its own transaction); a second worker skips the rows the first holds."""
    due = DomainTransfer.objects.filter(status=TransferStatus.PENDING, act_by__lte=clock.now())
    names = list(due.order_by("act_by").values_list("domain__name", flat=True)[:limit])
    done = 0
    for name in names:
        actor = Actor.system("transfer-auto-approve", Channel.WORKER)
        try:
            _approve_if_still_due(name, actor)
            done += 1
        except OperationFailed:
            continue  # decided or taken by another worker meanwhile
    return done


def _approve_if_still_due(name: str, actor: Actor) -> None:
    def body(ctx: Context) -> DomainTransfer:
        domain = load_live_domain(ctx, name, sponsor_only=False)
        query = DomainTransfer.objects.filter(domain=domain, status=TransferStatus.PENDING, act_by__lte=ctx.now)
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True)
        transfer = query.first()
        if transfer is None:
            raise OperationFailed([Problem("name", Code.NO_PENDING_TRANSFER, {"kind": KIND, "key": name})])
        ctx.check_guards(transfer)
        losing = domain.registrar.handle
        _complete(ctx, domain, transfer)
        decide(ctx, transfer, TransferStatus.SERVER_APPROVED)
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain, reason=f"transfer from {losing}: pending period over, approved by the registry")
        notify_decision(ctx, transfer, KIND, domain.name, _expiry_data(ctx, domain, transfer))
        transfer.domain = domain
        return transfer

    execute("domain_transfer_approve", DecideTransfer(name, "approve"), actor, body)
