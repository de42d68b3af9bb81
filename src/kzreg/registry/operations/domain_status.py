"""Set and lift the `hold` and `suspended` flags (R13, T12, PS-3.10), each with who, when and why."""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import SetDomainStatus
from kzreg.registry.models import Domain, DomainStatus, StatusFlag
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.sponsorship import is_sponsor_bound
from kzreg.registry.poll import notify_registrar

SETTABLE = (StatusFlag.HOLD, StatusFlag.SUSPENDED)


def set_flag(ctx: Context, domain: Domain, flag: StatusFlag, reason: str) -> None:
    setattr(domain, flag.value, True)
    DomainStatus.objects.create(
        domain=domain,
        flag=flag,
        reason=reason,
        set_at=ctx.now,
        set_by=ctx.actor.principal,
        set_channel=ctx.actor.channel,
        set_request=ctx.actor.request_id,
    )


def lift_flag(ctx: Context, domain: Domain, flag: StatusFlag, reason: str) -> None:
    setattr(domain, flag.value, False)
    DomainStatus.objects.filter(domain=domain, flag=flag, lifted_at__isnull=True).update(
        lifted_at=ctx.now, lifted_by=ctx.actor.principal, lift_reason=reason
    )


def _command_flag(command: SetDomainStatus) -> StatusFlag:
    values = {f.value: f for f in SETTABLE}
    flag = values.get(command.flag.strip().lower())
    if flag is None:
        raise OperationFailed(
            [Problem("flag", Code.INVALID_CHOICE, {"value": command.flag, "choices": ", ".join(values)})]
        )
    return flag


def _change(command: SetDomainStatus, actor: Actor, setting: bool) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        flag = _command_flag(command)
        domain = load_live_domain(ctx, command.name)
        reason = " ".join((command.reason or "").split())
        if not reason:
            ctx.problems.add("reason", Code.REQUIRED)
        if setting and getattr(domain, flag.value):
            ctx.problems.add("flag", Code.STATUS_ALREADY_SET, status=flag.value)
        if not setting and not getattr(domain, flag.value):
            ctx.problems.add("flag", Code.STATUS_NOT_SET, status=flag.value)
        ctx.check_guards(domain)
        if setting:
            set_flag(ctx, domain, flag, reason)
        else:
            lift_flag(ctx, domain, flag, reason)
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain, reason=reason)
        if not is_sponsor_bound(ctx.actor):  # the registry acted on a registrar's domain: tell it
            notify_registrar(
                ctx, domain.registrar_id, "status_set" if setting else "status_lifted", object_type="domain",
                object_key=domain.name, data={"status": flag.value, "reason": reason},
            )  # fmt: skip
        return domain

    return execute("domain_status_set" if setting else "domain_status_lift", command, actor, body)


def set_domain_status(command: SetDomainStatus, actor: Actor) -> OperationResult[Domain]:
    return _change(command, actor, setting=True)


def lift_domain_status(command: SetDomainStatus, actor: Actor) -> OperationResult[Domain]:
    return _change(command, actor, setting=False)
