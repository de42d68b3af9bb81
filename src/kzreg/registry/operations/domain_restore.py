"""Restore a domain its registrar deleted (RFC 3915), in two steps: the request (`report` None) within the
redemption period makes it pendingRestore; the report within `RESTORE_REPORT_DAYS` brings it back
(delegated again, one more year if it had expired). Without the report it falls back to the redemption
period (`lifecycle.lapse_restore_requests`). Billing charges the restore on the request
(`domain_restore`), as RFC 3915 registries do."""

from __future__ import annotations

import datetime as dt

from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.commands import RestoreDomain, RestoreReport
from kzreg.registry.models import Domain, RgpStatus, StatusFlag
from kzreg.registry.operations.base import Context, OperationResult, add_years, execute, load_live_domain
from kzreg.registry.operations.domain_parts import bump, record_domain
from kzreg.registry.operations.domain_status import lift_flag
from kzreg.registry.operations.lifecycle import RESTORE_REPORT_DAYS
from kzreg.registry.poll import notify_registrar

REPORT_TEXTS = ("pre_data", "post_data", "deleted_at", "restored_at", "reason")
REPORT_STATEMENTS = 2  # RFC 3915 §4.2.5: two statements, the registrar's declarations


def _check_report(ctx: Context, report: RestoreReport) -> str:
    """Every part of the report is required; the history keeps it as the restore's reason."""
    for name in REPORT_TEXTS:
        if not " ".join(str(getattr(report, name) or "").split()):
            ctx.problems.add(f"report.{name}", Code.REQUIRED)
    statements = [" ".join(s.split()) for s in report.statements if s and s.strip()]
    if len(statements) < REPORT_STATEMENTS:
        ctx.problems.add(f"report.statements[{len(statements)}]", Code.REQUIRED)
    parts = [f"{name}: {' '.join(str(getattr(report, name)).split())}" for name in REPORT_TEXTS]
    parts += [f"statement: {s}" for s in statements]
    if report.other.strip():
        parts.append(f"other: {' '.join(report.other.split())}")
    return "restore report; " + "; ".join(parts)


def _request(ctx: Context, domain: Domain) -> None:
    in_time = domain.purge_at is not None and domain.purge_at > ctx.now
    if domain.rgp_status != RgpStatus.REDEMPTION_PERIOD or not in_time:
        raise OperationFailed(
            [Problem("name", Code.NOT_RESTORABLE, {"key": domain.unicode_name, "days": domain.zone.redemption_days})]
        )
    ctx.check_guards(domain)
    domain.rgp_status = RgpStatus.PENDING_RESTORE
    domain.restore_requested_at = ctx.now
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, reason="restore requested")


def _report(ctx: Context, domain: Domain, report: RestoreReport) -> None:
    requested = domain.restore_requested_at
    due = requested is not None and requested + dt.timedelta(days=RESTORE_REPORT_DAYS) > ctx.now
    if domain.rgp_status != RgpStatus.PENDING_RESTORE or not due:
        raise OperationFailed(
            [Problem("name", Code.NO_PENDING_RESTORE, {"key": domain.unicode_name, "days": RESTORE_REPORT_DAYS})]
        )
    reason = _check_report(ctx, report)
    ctx.check_guards(domain)
    lift_flag(ctx, domain, StatusFlag.PENDING_DELETE, "restored")
    domain.rgp_status = RgpStatus.NONE
    domain.restore_requested_at = None
    domain.purge_at = None
    if domain.expires_at <= ctx.now:
        domain.expires_at = add_years(domain.expires_at, 1)
    bump(ctx, domain)
    domain.save()
    record_domain(ctx, domain, reason=reason)
    notify_registrar(
        ctx, domain.registrar_id, "domain_restored", object_type="domain", object_key=domain.name,
        data={"exDate": domain.expires_at.isoformat()},
    )  # fmt: skip


def restore_domain(command: RestoreDomain, actor: Actor) -> OperationResult[Domain]:
    """The sponsor (or registry staff) restores; `domain_restore` is the request, `domain_restore_report`
    the report."""

    def body(ctx: Context) -> Domain:
        domain = load_live_domain(ctx, command.name)
        if command.report is None:
            _request(ctx, domain)
        else:
            _report(ctx, domain, command.report)
        return domain

    operation = "domain_restore" if command.report is None else "domain_restore_report"
    return execute(operation, command, actor, body)
