"""Change the sponsoring registrar of a domain (R15); the old registrar's reseller name goes with it
unless the command gives the new registrar's."""

from __future__ import annotations

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import ChangeRegistrar
from kzreg.registry.models import Domain
from kzreg.registry.operations.base import Context, OperationResult, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, clean_reseller_name, find_registrar, record_domain


def change_registrar(command: ChangeRegistrar, actor: Actor) -> OperationResult[Domain]:
    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        if domain.pending_delete:
            raise OperationFailed([Problem("name", Code.STATUS_PROHIBITS, {"status": "pending_delete"})])
        registrar = find_registrar(ctx, command.registrar or "")
        if registrar is not None and registrar.pk == domain.registrar_id and command.reseller is None:
            ctx.problems.add("registrar", Code.SAME_VALUE, value=registrar.handle)
        reseller_name = clean_reseller_name(ctx, command.reseller)
        ctx.check_guards(domain)
        assert registrar is not None
        domain.registrar = registrar
        domain.reseller_name = reseller_name
        bump(ctx, domain)
        domain.save()
        record_domain(ctx, domain)
        return domain

    return execute("domain_change_registrar", command, actor, body)
