"""What every registry operation shares: one timestamp, one transaction, guards and history.

An operation module exposes one function `op(command, actor) -> OperationResult`. The function body
runs in `execute()`, which takes `now` once, opens a transaction (a savepoint when an adapter already
holds one, so the adapter can queue its reply in the same transaction), and turns a lost race on a
unique index into the problem the user should see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import DatabaseError, IntegrityError, transaction

from kzreg.core import clock
from kzreg.core.actor import Actor
from kzreg.core.errors import OperationFailed, Problem, Problems
from kzreg.core.messages import Code
from kzreg.registry import authority, rows
from kzreg.registry.authority import Verdict
from kzreg.registry.guards import active_guards
from kzreg.registry.guards import refusal as guard_refusal
from kzreg.registry.models import Domain, HistoryEntry, ObjectType
from kzreg.registry.operations.sponsorship import check_sponsor as check_object_sponsor
from kzreg.registry.operations.sponsorship import require_active_registrar
from kzreg.registry.policy import parse_domain_name
from kzreg.registry.zones import zone_policies

T = TypeVar("T")
Reports = Mapping[str, object]  # a guard's key → what it reports (`Context.reports`)


@dataclass
class Context:
    """One operation in progress: who, when, what was asked, and what it has found so far."""

    operation: str
    command: Any
    actor: Actor
    now: dt.datetime
    problems: Problems = field(default_factory=Problems)
    warnings: list[Problem] = field(default_factory=list)
    # The operation is a transaction of its own and no guard writes after its body: its last writes may
    # carry the COMMIT (`rows.pipeline(commit=...)`). False inside an adapter's transaction or a manual one.
    ends_transaction: bool = False
    # The operation is a transaction of its own (guards or not): its last writes may carry the COMMIT when
    # every guard sent its own writes with them (`guards.after_soon`).
    own_transaction: bool = False
    # The registrar that sponsors the contacts and hosts this operation creates (EPP clID): the actor's;
    # for registry staff, the domain's (set by the domain operations).
    sponsor_id: int | None = None
    # What guards tell the channel about this operation, each under its own key (billing's "fee": the fee
    # charged and the balance it left, read from the charge itself). The registry carries them to the
    # result and never reads them: what they mean is the guard's and the channel's business.
    reports: dict[str, object] = field(default_factory=dict)

    def warn(self, field_name: str, code: Code, **params: object) -> None:
        self.warnings.append(Problem(field_name, code, params))

    def check_guards(self, target: Any) -> Verdict | None:
        """Guards add their problems; then every problem found so far ends the operation; then the
        registry's authority rule decides whether this actor may make this change (`registry.authority`:
        refused or waiting for confirmation raises; a HOLD verdict tells a delete to hold instead, T12)."""
        for guard in active_guards():
            self.problems.extend(guard.check(self, target))
        self.problems.raise_if_any()
        return authority.enforce(self, target)

    def history(self, object_type: ObjectType, obj: Any, key: str, snapshot: dict, reason: str = "") -> None:
        rows.insert_row(HistoryEntry, self.history_row(object_type, obj.pk, obj.version, key, snapshot, reason))

    def history_row(
        self, object_type: ObjectType, object_id: Any, version: int, key: str, snapshot: dict, reason: str = ""
    ) -> dict[str, Any]:
        """The history row of one new version, for a caller that writes it together with the object
        (`object_id` may be `rows.PARENT_KEY`)."""
        return {
            "object_type": str(object_type),
            "object_id": object_id,
            "object_key": key,
            "version": version,
            "operation": self.operation,
            "at": self.now,
            "principal": self.actor.principal,
            "role": str(self.actor.role),
            "channel": str(self.actor.channel),
            "request_id": self.actor.request_id,
            "registrar_id": self.actor.registrar_id,
            "reason": reason,
            "snapshot": snapshot,
        }


@dataclass
class OperationResult(Generic[T]):
    object: T
    warnings: list[Problem]
    at: dt.datetime
    reports: Reports = field(default_factory=dict)  # `Context.reports`, as the guards left them


def execute(
    operation: str,
    command: Any,
    actor: Actor,
    body: Callable[[Context], T],
    on_integrity_error: Callable[[IntegrityError], Iterable[Problem]] | None = None,
) -> OperationResult[T]:
    guards = active_guards()
    # Its own transaction: not inside an adapter's atomic() nor a caller's manual transaction (autocommit
    # off, where atomic() leaves the commit to the caller), and no guard runs after the body.
    connection = transaction.get_connection()
    own_transaction = not connection.in_atomic_block and connection.get_autocommit()
    require_active_registrar(actor)
    ctx = Context(
        operation,
        command,
        actor,
        clock.now(),
        ends_transaction=own_transaction and not guards,
        own_transaction=own_transaction,
    )
    ctx.sponsor_id = actor.registrar_id
    try:
        with transaction.atomic():
            result = body(ctx)
            for guard in guards:
                guard.after(ctx, result)
    except IntegrityError as exc:
        problems = list(on_integrity_error(exc)) if on_integrity_error else []
        if not problems:
            raise
        raise OperationFailed(problems) from exc
    except DatabaseError as exc:  # a guard's statement sent with the writes refused (`guards.after_soon`)
        problems = guard_refusal(ctx, exc)
        if not problems:
            raise
        raise OperationFailed(problems) from exc
    return OperationResult(object=result, warnings=ctx.warnings, at=ctx.now, reports=ctx.reports)


def add_years(moment: dt.datetime, years: int) -> dt.datetime:
    """Same day and time `years` later; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def load_live_domain(
    ctx: Context, raw_name: str, field_name: str = "name", lock: bool = True, sponsor_only: bool = True
) -> Domain:
    """The registered (not deleted) domain by name in either form, locked for the rest of the operation;
    with `sponsor_only` False (a transfer request), also another registrar's."""
    parsed, problems = parse_domain_name(raw_name, zone_policies(), field_name)
    if parsed is None:
        raise OperationFailed(problems)
    query = Domain.objects.select_related(
        "registrant", "admin_contact", "tech_contact", "billing_contact", "registrar", "zone"
    )
    if lock:
        query = query.select_for_update(of=("self",))
    domain = query.filter(name=parsed.name, deleted_at__isnull=True).first()
    if domain is None:
        raise OperationFailed([Problem(field_name, Code.NOT_FOUND, {"kind": "domain", "key": parsed.unicode_name})])
    if sponsor_only:
        check_sponsor(ctx, domain)
    if ctx.sponsor_id is None:  # registry staff: what this change creates is the domain's registrar's
        ctx.sponsor_id = domain.registrar_id
    return domain


def check_sponsor(ctx: Context, domain: Domain, field_name: str = "name") -> None:
    """Registrars act only on the domains they sponsor. A reseller's request reaches the registry as its
    registrar's: which of the registrar's domains a reseller may touch is the registrar wing's rule."""
    check_object_sponsor(ctx.actor, domain.registrar_id, "domain", domain.unicode_name, field_name)
