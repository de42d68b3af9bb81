"""The registry fee (B1, E3), charged inside every fee-bearing operation's own transaction.

`RegistryFees` is an operation guard (`registry/guards.py`, listed in `KZREG["OPERATION_GUARDS"]`), so
the fee travels with the operation whatever the channel (EPP, registrar side, CLI, back-office, mail):
no domain without its charge, no charge without its domain. `check` refuses early, together with the
operation's other problems, when the prepaid account cannot cover the fee; `after` posts the charge
with the guarded UPDATE, which is the authoritative test (a concurrent charge may have spent the money
since), and its refusal rolls the whole operation back (EPP 2104).

Who pays: the registrar sponsoring the domain once the operation is done (the gaining one after a
transfer). A registrar without a prepaid account is not charged: the fee regime starts when staff open
its account, and the mail channel's registry-own registrar has none (direct registrants will be
invoiced, KZ-B, by a later piece). A delete within `KZREG["FEE_GRACE_DAYS"]` of a create or renew charge
refunds it, as new entries that reverse the charge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings

from kzreg.billing import ledger
from kzreg.billing.books import own_account, prepaid_account
from kzreg.billing.fees import fee_for, redeem
from kzreg.billing.ledger import Cause
from kzreg.billing.models import Account, AccountKind, Entry, FeeCommand, Transaction
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registry.guards import GuardContext
from kzreg.registry.policy import zone_of_name
from kzreg.registry.zones import zone_policies

REFUNDABLE = (FeeCommand.CREATE, FeeCommand.RENEW)


@dataclass(frozen=True)
class FeeRule:
    command: FeeCommand
    years: Callable[[Any], object]  # the operation's command → years charged (None: nothing charged)


# Operation name → what it is charged as. Transfer completion and restore join when their operations land.
FEE_RULES: dict[str, FeeRule] = {
    "domain_create": FeeRule(FeeCommand.CREATE, lambda c: c.period),
    "domain_renew": FeeRule(FeeCommand.RENEW, lambda c: c.years),
    "domain_modify": FeeRule(FeeCommand.RENEW, lambda c: c.add_years),  # years added by a Modify (`1b`)
}
REFUND_OPERATIONS = ("domain_delete",)


def grace_days() -> int:
    return int(cast(dict, settings.KZREG).get("FEE_GRACE_DAYS", 5))


def _years(rule: FeeRule, command: Any) -> int | None:
    years = rule.years(command)
    return years if isinstance(years, int) and not isinstance(years, bool) and years > 0 else None


def _fee(ctx: GuardContext, zone: str, rule: FeeRule, years: int, registrar_id: int) -> tuple[Money, str]:
    """The fee, and the quote it honours: a command may carry `fee_quote_id` (EPP fee:agreement, an order)."""
    quote_id = str(getattr(ctx.command, "fee_quote_id", "") or "")
    if quote_id:
        return redeem(quote_id, zone, rule.command, years, registrar_id, ctx.now), quote_id
    return fee_for(zone, rule.command, years, registrar_id, ctx.now), ""


class RegistryFees:
    def check(self, ctx: GuardContext, target: Any) -> Iterable[Problem]:
        rule = FEE_RULES.get(ctx.operation)
        if rule is None:
            return []
        years = _years(rule, ctx.command)
        if target is None:  # a create: the payer is the sponsor the operation settled on
            zone = zone_of_name(getattr(ctx.command, "name", ""), zone_policies())
            payer = getattr(ctx, "sponsor_id", None)
        else:
            zone = next((z for z in zone_policies().values() if z.id == target.zone_id), None)
            payer = target.registrar_id
        account = prepaid_account(payer)
        if account is None or years is None or zone is None or account.available is None:
            return []  # not charged, or the operation reports the bad period or zone itself
        try:
            fee, _ = _fee(ctx, zone.name, rule, years, cast(int, payer))
        except OperationFailed as refusal:
            return refusal.problems
        if fee.currency == account.currency and account.available < fee:
            return [ledger.insufficient(account, fee.minor)]
        return []

    def after(self, ctx: GuardContext, result: Any) -> None:
        rule = FEE_RULES.get(ctx.operation)
        if rule is not None:
            years = _years(rule, ctx.command)
            if years is not None:
                charge(ctx, result, rule, years)
        elif ctx.operation in REFUND_OPERATIONS:
            refund_in_grace(ctx, result)


def _cause(ctx: GuardContext, domain: Any, kind: str, **extra: Any) -> Cause:
    return Cause(
        kind=kind,
        principal=ctx.actor.principal,
        operation=ctx.operation,
        request_id=ctx.actor.request_id,
        object_type="domain",
        object_id=domain.pk,
        object_key=domain.name,
        **extra,
    )


def charge(ctx: GuardContext, domain: Any, rule: FeeRule, years: int) -> Transaction | None:
    """Debits the sponsor's prepaid account, credits the registry's fee revenue; None when not charged."""
    account = prepaid_account(domain.registrar_id)
    if account is None:
        return None
    zone = next(z for z in zone_policies().values() if z.id == domain.zone_id)
    fee, quote_id = _fee(ctx, zone.name, rule, years, domain.registrar_id)
    revenue = own_account(account.book, AccountKind.REVENUE, account.currency, ctx.now)
    cause = _cause(ctx, domain, "fee", fee_command=str(rule.command), years=years, quote_id=quote_id)
    return ledger.post(account.book, cause, [(account, -fee), (revenue, fee)], ctx.now).transaction


def refund_in_grace(ctx: GuardContext, domain: Any) -> list[Transaction]:
    """Reverses every create or renew charge of this domain made within the grace period before `now`."""
    since = ctx.now - dt.timedelta(days=grace_days())
    charges = Transaction.objects.filter(
        kind="fee",
        object_type="domain",
        object_id=domain.pk,
        fee_command__in=[str(c) for c in REFUNDABLE],
        created_at__gte=since,
        reversed_by__isnull=True,
    ).order_by("id")
    refunds = []
    for original in charges:
        entries: list[tuple[Account, Money]] = [
            (entry.account, -entry.amount)
            for entry in Entry.objects.filter(transaction=original).select_related("account")
        ]
        cause = _cause(ctx, domain, "refund", fee_command=original.fee_command, years=original.years, reverses=original)
        refunds.append(ledger.post(original.book, cause, entries, ctx.now).transaction)
    return refunds
