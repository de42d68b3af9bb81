"""The registry fee (B1, E3), charged inside every fee-bearing operation's own transaction.

`RegistryFees` is an operation guard (`registry/guards.py`, listed in `KZREG["OPERATION_GUARDS"]`), so
the fee travels with the operation whatever the channel (EPP, registrar side, CLI, back-office, mail):
no domain without its charge, no charge without its domain. `check` refuses early, together with the
operation's other problems, when the prepaid account cannot cover the fee; `after` posts the charge
with the guarded UPDATE, which is the authoritative test (a concurrent charge may have spent the money
since), and its refusal rolls the whole operation back (EPP 2104).

The fee charged is the price in force, read in that transaction, or a stored quote's amount when the
command names one (`fee_quote_id`, single-use); a command that states the amount it agreed to pay
(`fee_agreed`, an `AgreedFee`: RFC 8748's <fee:fee>) is refused (2004) when that is less than the fee or in
another currency (ADR 0010) — also when the payer has no prepaid account and is not charged. What was
charged, and the balance it left, go back to the channel in the operation's result (`fees.FeeReport`
under `reports["fee"]`), read from the charge itself.

Who pays: the registrar sponsoring the domain once the operation is done (the gaining one after a
transfer). A registrar without a prepaid account is not charged: the fee regime starts when staff open
its account, and the mail channel's registry-own registrar has none (direct registrants will be
invoiced, KZ-B, by a later piece). A delete within `KZREG["FEE_GRACE_DAYS"]` of a create or renew charge
refunds it, as new entries that reverse the charge; a restore of that domain charges the refunds back
(reversing them) with the restore fee, so delete-and-restore never buys years for one restore fee.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.conf import settings

from kzreg.billing import guard_reads, ledger
from kzreg.billing.books import own_account, prepaid_account
from kzreg.billing.exchange import convert
from kzreg.billing.fees import (
    HELD_DAYS,
    REPORT,
    FeeReport,
    fee_for,
    hold,
    payers_fee,
    quoted_amount,
    redeem,
    transfer_hold_id,
    use_once,
)
from kzreg.billing.guard_reads import FeeReads
from kzreg.billing.ledger import Cause
from kzreg.billing.lowbalance import notify_if_low
from kzreg.billing.models import Account, AccountKind, Book, Entry, FeeCommand, OwnerKind, Transaction
from kzreg.billing.money import Money, exponent
from kzreg.billing.posting import (
    QUOTE_USED,
    can_send_charge,
    one_statement_posting,
    post_charge,
    refusal,
    rider_parts,
    send_charge,
)
from kzreg.billing.prices import fee_of
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.billing.sqlrows import fetch_one
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registry.commands import AgreedFee
from kzreg.registry.guards import GuardContext, ReadRider, Rider
from kzreg.registry.policy import ZonePolicy, zone_of_name
from kzreg.registry.zones import zone_policies

REFUNDABLE = (FeeCommand.CREATE, FeeCommand.RENEW)


def _domain(subject: Any) -> Any:
    """The domain an operation acts on: its target or result, or a transfer's domain."""
    return subject.domain if hasattr(subject, "gaining_id") else subject


def _sponsor(ctx: GuardContext, subject: Any) -> int | None:
    if subject is None:  # a create: the sponsor the operation settled on (the actor's, or the named one)
        return cast(int | None, getattr(ctx, "sponsor_id", None))
    return cast(int | None, _domain(subject).registrar_id)


@dataclass(frozen=True)
class FeeRule:
    command: FeeCommand
    years: Callable[[Any, Any], object]  # (operation's command, target or result) → years charged
    payer: Callable[[GuardContext, Any], int | None] = _sponsor
    charged: bool = True  # False: checked before the operation (funds now), charged by a later one


# Operation name → how it is charged (names: docs/registry.md, "What EPP needs of the registry").
FEE_RULES: dict[str, FeeRule] = {
    "domain_create": FeeRule(FeeCommand.CREATE, lambda c, s: c.period),
    "domain_renew": FeeRule(FeeCommand.RENEW, lambda c, s: c.years),
    "domain_modify": FeeRule(FeeCommand.RENEW, lambda c, s: c.add_years),  # years added by a Modify (`1b`)
    # The gaining registrar pays when the transfer completes (whoever approves: the losing registrar,
    # staff, the worker); its request is refused at once if it could not pay now.
    "domain_transfer_request": FeeRule(
        FeeCommand.TRANSFER,
        lambda c, s: 1 if c.period is None else c.period,
        payer=lambda ctx, s: ctx.actor.registrar_id,
        charged=False,
    ),
    "domain_transfer_approve": FeeRule(FeeCommand.TRANSFER, lambda c, s: s.period, payer=lambda ctx, s: s.gaining_id),
    "domain_restore": FeeRule(FeeCommand.RESTORE, lambda c, s: 1),  # RFC 3915: charged on the request
}
REFUND_OPERATIONS = ("domain_delete",)


def grace_days() -> int:
    return int(cast(dict, settings.KZREG).get("FEE_GRACE_DAYS", 5))


def _years(rule: FeeRule, command: Any, subject: Any) -> int | None:
    years = rule.years(command, subject)
    return years if isinstance(years, int) and not isinstance(years, bool) and years > 0 else None


def _zone(ctx: GuardContext, subject: Any) -> ZonePolicy | None:
    if subject is None:
        return zone_of_name(getattr(ctx.command, "name", ""), zone_policies())
    zone_id = _domain(subject).zone_id
    return next((z for z in zone_policies().values() if z.id == zone_id), None)


def _fee(
    ctx: GuardContext, zone: str, rule: FeeRule, years: int, account: Account, consume: bool = False
) -> tuple[Money, str]:
    """The fee, and the quote it honours: a command may carry `fee_quote_id` (EPP fee:agreement, an order);
    the charge consumes the quote (single-use), the early check only reads it."""
    registrar_id = int(account.holder_key)
    quote_id = str(getattr(ctx.command, "fee_quote_id", "") or "")
    if quote_id:
        quoted = redeem(quote_id, zone, rule.command, years, registrar_id, ctx.now, consume=consume)
        if quoted.currency != account.currency:  # quoted before the account was opened
            raise OperationFailed([Problem("fee", BillingCode.QUOTE_MISMATCH, {"value": quote_id})])
        _require_agreed(ctx, quoted)
        return quoted, quote_id
    fee = fee_for(zone, rule.command, years, registrar_id, ctx.now, account=account)
    _require_agreed(ctx, fee)
    return fee, ""


def _shown(amount: Decimal, currency: str) -> str:
    """The client's amount as a message quotes it: with the currency's decimals, or all of its own if more."""
    places = Decimal(1).scaleb(-exponent(currency))
    return f"{amount.quantize(places)}" if amount == amount.quantize(places) else f"{amount.normalize():f}"


def agreement_problem(ctx: GuardContext, fee: Money) -> Problem | None:
    """The command's stated fee (`fee_agreed`, an `AgreedFee`: RFC 8748's <fee:fee>, the most the client agreed
    to pay) against the fee this operation charges: refused when it is less or in another currency (an
    agreement without a currency is in the payer's own). The fee charged is the operation's own, decided in
    its transaction (a client that agreed to more pays the fee)."""
    agreed = cast(AgreedFee | None, getattr(ctx.command, "fee_agreed", None))
    if agreed is None:
        return None
    if (agreed.currency or fee.currency) != fee.currency:
        values = {"value": agreed.currency, "expected": fee.currency}
        return Problem("fee.currency", BillingCode.FEE_AGREED_CURRENCY, values)
    if agreed.amount < fee.amount:
        values = {"value": _shown(agreed.amount, fee.currency), "expected": fee.plain, "currency": fee.currency}
        return Problem("fee", BillingCode.FEE_AGREED_LOW, values)
    return None


def _require_agreed(ctx: GuardContext, fee: Money) -> None:
    problem = agreement_problem(ctx, fee)
    if problem is not None:
        raise OperationFailed([problem])


def _read_fee(ctx: GuardContext, zone: str, rule: FeeRule, years: int, reads: FeeReads, quote_id: str) -> Money:
    """`_fee` from what `guard_reads.read` found (the early check: the quote is read, not consumed)."""
    account = reads.account
    if quote_id:
        registrar_id = int(account.holder_key)
        quoted = quoted_amount(reads.quote, quote_id, zone, rule.command, years, registrar_id, ctx.now)
        if quoted.currency != account.currency:  # quoted before the account was opened
            raise OperationFailed([Problem("fee", BillingCode.QUOTE_MISMATCH, {"value": quote_id})])
        return quoted
    fee = fee_of(*reads.price, rule.command, years)
    return fee if fee.currency == account.currency else convert(fee, account.currency, ctx.now.date())


class _Asked(NamedTuple):
    """What an operation would be charged for, as `check` and `prefetch` work it out (a named tuple: made for
    every fee-bearing operation, twice for a staff registration; a frozen dataclass cost several times more)."""

    rule: FeeRule
    years: int
    zone: ZonePolicy
    payer: int | None
    quote_id: str

    def key(self) -> tuple[object, ...]:
        return (self.payer, self.zone.name, str(self.rule.command), self.years, self.quote_id)


def _asked(ctx: GuardContext, target: Any) -> _Asked | None:
    rule = FEE_RULES.get(ctx.operation)
    if rule is None:
        return None
    years = _years(rule, ctx.command, target)
    zone = _zone(ctx, target)
    if years is None or zone is None:
        return None  # nothing charged (a Modify without years), or the operation reports the bad value
    quote_id = str(getattr(ctx.command, "fee_quote_id", "") or "")
    if ctx.operation == "domain_transfer_approve":  # the price its request held, if it did (`_hold_transfer`)
        quote_id = transfer_hold_id(target.pk)
    return _Asked(rule, years, zone, rule.payer(ctx, target), quote_id)


def _asked_again(ctx: GuardContext, target: Any) -> _Asked | None:
    """`_asked` for `check`: what `prefetch` worked out for the same target, with the payer asked again (staff's
    registration settles its sponsor between the two); else worked out now."""
    before = getattr(ctx, "billing_asked", None)
    if before is None or before[0] is not target:
        return _asked(ctx, target)
    ctx.billing_asked = None  # type: ignore[attr-defined]
    asked = cast(_Asked | None, before[1])
    if asked is None:
        return None
    payer = asked.rule.payer(ctx, target)
    return asked if payer == asked.payer else _Asked(asked.rule, asked.years, asked.zone, payer, asked.quote_id)


class RegistryFees:
    def ride_read(self, ctx: GuardContext, target: Any, alias: str) -> ReadRider | None:
        """`check`'s one read as part of the operation's own read on the connection `alias`
        (`registry.guards.ride_reads`: a registration's look-up of its name), when that is where it runs (the
        ledger's connection, `guard_reads.alias`): no statement of its own; `check` uses it as `prefetch`'s."""
        asked = _asked(ctx, target)
        ctx.billing_asked = (target, asked)  # type: ignore[attr-defined]
        if asked is None or asked.payer is None or guard_reads.alias() != alias:
            return None
        command = str(asked.rule.command)
        sql, params, width = guard_reads.rider(
            asked.payer, asked.zone.name, command, asked.years, asked.quote_id, ctx.now
        )
        ridden = guard_reads.RiddenReads(alias, asked.quote_id)
        ctx.billing_reads = (asked.key(), ridden)  # type: ignore[attr-defined]
        return ReadRider(sql, width, params, ridden.bind)

    def prefetch(self, ctx: GuardContext, target: Any) -> None:
        """Sends `check`'s one read now, inside the operation's read pipeline (`registry.guards.prefetch`), so
        that it comes back with the operation's own reads; `check` uses it if it asks the same. Nothing when
        the read rode with the operation's own (`ride_read`)."""
        if getattr(ctx, "billing_reads", None) is not None:
            return
        asked = _asked(ctx, target)
        ctx.billing_asked = (target, asked)  # type: ignore[attr-defined]
        if asked is not None and asked.payer is not None:
            pending = guard_reads.read_soon(
                asked.payer, asked.zone.name, str(asked.rule.command), asked.years, asked.quote_id, ctx.now
            )
            ctx.billing_reads = (asked.key(), pending)  # type: ignore[attr-defined]

    def check(self, ctx: GuardContext, target: Any) -> Iterable[Problem]:
        asked = _asked_again(ctx, target)
        if asked is None:
            return []
        rule, years, zone, payer, quote_id = asked.rule, asked.years, asked.zone, asked.payer, asked.quote_id
        reads = None if payer is None else _reads(ctx, asked)
        if reads is None:
            return _unaccounted(ctx, asked)  # not charged: no deposit
        account, revenue_id = reads.account, reads.revenue_id
        try:
            fee = _read_fee(ctx, zone.name, rule, years, reads, quote_id)
        except OperationFailed as refusal:
            if ctx.operation != "domain_transfer_approve":
                return refusal.problems
            quote_id = ""  # no price held by the request (none agreed, or past its time): the price in force
            fee = _read_fee(ctx, zone.name, rule, years, reads, quote_id)
        disagreed = agreement_problem(ctx, fee)
        if disagreed is not None:
            return [disagreed]
        # What `after` needs, so that the charge reads neither the account nor the quote again.
        ctx.billing_charge = Planned(cast(int, payer), account, fee, quote_id, revenue_id)  # type: ignore[attr-defined]
        if not rule.charged:  # charged when a later operation completes it (a transfer's approval)
            ctx.reports[REPORT] = FeeReport(payer, fee, False, account.balance, account.credit_limit)
        if ctx.operation == "domain_restore":
            back = refunded(_domain(target), account)
            ctx.billing_refunds_back = back  # type: ignore[attr-defined]
            fee += back
        limit = account.credit_limit_minor  # `account.available < fee`, compared in minor units (one currency)
        if limit is not None:
            same = fee.currency == account.currency
            if account.balance_minor + limit < fee.minor if same else cast(Money, account.available) < fee:
                return [ledger.insufficient(account, fee.minor)]
        return []

    def ride(self, ctx: GuardContext, result: Any, key_sql: str, alias: str) -> Rider | None:
        """The charge `after_soon` would send, as parts of the new domain's own INSERT statement on the
        connection `alias` (`registry.guards.ride`): the same statement's CTEs and answer (posting.rider_parts),
        no statement of its own. None where `after_soon` would not send it (then it decides as before) or the
        ledger is written elsewhere (`guard_reads.alias`)."""
        found = _sendable(ctx, result) if guard_reads.alias() == alias else False
        if isinstance(found, bool):
            return None
        plan, revenue, row = found
        ctes, columns, params = rider_parts(
            _registry_book(plan.account), plan.account, revenue, plan.fee, row, plan.quote_id, key_sql
        )

        def answer(values: tuple[Any, ...]) -> None:
            ctx.billing_sent = _Answered(values)  # type: ignore[attr-defined]

        ctx.billing_rode = True  # type: ignore[attr-defined]
        return Rider(ctes, columns, 3, params, answer)

    def after_soon(self, ctx: GuardContext, result: Any, key_sql: str) -> bool:
        """Sends the charge `after` would post into the operation's last write pipeline, behind its writes
        (`registry.guards.after_soon`); True when `after` then writes nothing (sent, or nothing to charge),
        so the COMMIT may go with them. It sends only the one-statement charge that `check` planned, with no
        low-balance message to follow (that one is decided on the balance after); else False and `after`
        charges as before. A charge that rode with the domain's INSERT (`ride`) is not sent again."""
        if getattr(ctx, "billing_rode", False):
            return True
        found = _sendable(ctx, result)
        if isinstance(found, bool):
            return found
        plan, revenue, row = found
        book = _registry_book(plan.account)
        ctx.billing_sent = send_charge(book, plan.account, revenue, plan.fee, row, plan.quote_id, key_sql)  # type: ignore[attr-defined]
        return True

    def refused(self, ctx: GuardContext, error: BaseException) -> list[Problem]:
        """The problem a charge sent by `after_soon` was refused with (the statement raised it), else none."""
        reason = refusal(error)
        plan = getattr(ctx, "billing_charge", None)
        if reason is None or not isinstance(plan, Planned):
            return []
        if reason == QUOTE_USED:
            return [Problem("fee", BooksCode.QUOTE_USED, {"value": plan.quote_id})]
        return [ledger.insufficient(plan.account, plan.fee.minor)]

    def after(self, ctx: GuardContext, result: Any) -> None:
        sent = getattr(ctx, "billing_sent", None)
        if sent is not None:  # `after_soon` posted the charge with the operation's writes
            ctx.billing_sent = None  # type: ignore[attr-defined]
            _tx_id, *balances = sent.row()
            plan = cast(Planned, ctx.billing_charge)  # type: ignore[attr-defined]
            # The two balances come in the order the statement updated them: the lower account id first.
            mine = balances[0] if plan.account.pk < cast(int, plan.revenue_id) else balances[1]
            _report(ctx, plan.payer, plan.account, plan.fee, int(mine))
            return
        rule = FEE_RULES.get(ctx.operation)
        if rule is not None and rule.charged:
            years = _years(rule, ctx.command, result)
            payer = rule.payer(ctx, result)
            if years is not None and payer is not None:
                if ctx.operation == "domain_restore":
                    charge_refunds_back(ctx, _domain(result))
                charge(ctx, _domain(result), rule, years, payer)
        elif rule is not None and _holds(ctx):
            _hold_transfer(ctx, result)
        elif ctx.operation in REFUND_OPERATIONS and (result.deleted_at is not None or result.pending_delete):
            refund_in_grace(ctx, result)  # not when the delete became a hold (T12)


def _sendable(ctx: GuardContext, result: Any) -> bool | tuple[Planned, Account, dict[str, object]]:
    """Whether the charge `check` planned can be sent with the operation's writes: the plan, the revenue
    account and the transaction row when it can; else True when `after` writes nothing (nothing charged
    here) and False when `after` must write (it charges as before). `can_send_charge` decides for a charge
    that rides too (the bench's `--against-after` and the tests turn it off to charge in `after`)."""
    rule = FEE_RULES.get(ctx.operation)
    if rule is None:
        return ctx.operation not in REFUND_OPERATIONS
    if not rule.charged:  # `after` writes only the held price of a transfer request that agreed to one
        return not _holds(ctx)
    years, payer = _years(rule, ctx.command, result), rule.payer(ctx, result)
    if years is None or payer is None:
        return True
    plan = getattr(ctx, "billing_charge", None)
    if (
        not isinstance(plan, Planned)
        or plan.payer != payer
        or plan.revenue_id is None
        or plan.account.low_balance_minor is not None
        or ctx.operation == "domain_restore"
        or not can_send_charge(plan.account)
    ):
        return False
    account = plan.account
    revenue = _revenue_by_id(plan.revenue_id, account.book_id, account.currency)
    domain, actor = _domain(result), ctx.actor
    row: dict[str, object] = {  # the transaction `_cause(ctx, domain, "fee", …).transaction(book, now)` makes
        "book_id": account.book_id,
        "kind": "fee",
        "principal": actor.principal,
        "operation": ctx.operation,
        "request_id": actor.request_id,
        "object_type": "domain",
        "object_id": domain.pk,
        "object_key": domain.name,
        "fee_command": str(rule.command),
        "years": years,
        "quote_id": plan.quote_id,
        "created_at": ctx.now,
    }
    return plan, revenue, row


class _Answered:
    """A rider's answer (`RegistryFees.ride`), read as a sent charge's (`sqlrows.PendingRow.row`)."""

    __slots__ = ("_values",)

    def __init__(self, values: tuple[Any, ...]):
        self._values = values

    def row(self) -> tuple[Any, ...]:
        return self._values


def _holds(ctx: GuardContext) -> bool:
    """Whether this transfer request agreed to a fee that its approval must honour (`_hold_transfer`)."""
    plan = getattr(ctx, "billing_charge", None)
    return getattr(ctx.command, "fee_agreed", None) is not None and isinstance(plan, Planned)


def _hold_transfer(ctx: GuardContext, transfer: Any) -> None:
    """A transfer request that agreed to a fee (RFC 8748) is charged on approval, days later: the fee it was
    checked against is kept as a quote the approval redeems (`_asked`), so a price raised meanwhile does not
    charge the gaining registrar more than it agreed to. It lasts `HELD_DAYS` past the pending period."""
    plan = cast(Planned, ctx.billing_charge)  # type: ignore[attr-defined]
    zone = cast(ZonePolicy, _zone(ctx, transfer))
    expires_at = transfer.act_by + dt.timedelta(days=HELD_DAYS)
    command, years = str(FeeCommand.TRANSFER), transfer.period
    hold(transfer_hold_id(transfer.pk), plan.payer, zone.name, command, years, plan.fee, ctx.now, expires_at)


def _unaccounted(ctx: GuardContext, asked: _Asked) -> list[Problem]:
    """A payer without a prepaid account is not charged; a command that states the fee it agreed to is still
    held to the price (ADR 0010, session 10: an agreement is a statement about the price, whoever pays), and
    its report says the fee it was checked against, uncharged. Without an agreement nothing is read."""
    if getattr(ctx.command, "fee_agreed", None) is None:
        return []
    fee = payers_fee(asked.zone.name, str(asked.rule.command), asked.years, None, ctx.now)
    disagreed = agreement_problem(ctx, fee)
    if disagreed is not None:
        return [disagreed]
    ctx.reports[REPORT] = FeeReport(asked.payer, fee, charged=False)
    return []


def _report(ctx: GuardContext, payer: int, account: Account, fee: Money, balance_minor: int) -> None:
    """The charge's report: the fee and the balance the charge's own statement answered."""
    back = cast(Money | None, getattr(ctx, "billing_refunds_back", None))
    ctx.reports[REPORT] = FeeReport(
        payer_id=payer,
        fee=fee,
        charged=True,
        balance=Money.from_minor(balance_minor, account.currency),
        credit_limit=account.credit_limit,
        refunds_charged_back=back if back is not None and back.amount else None,
    )


def _reads(ctx: GuardContext, asked: _Asked) -> FeeReads | None:
    """`guard_reads.read` for this check: what `prefetch` sent, if it asked the same, else read now."""
    prefetched = getattr(ctx, "billing_reads", None)
    if prefetched is not None:
        ctx.billing_reads = None  # type: ignore[attr-defined]
        key, pending = prefetched
        if key == asked.key():
            return cast(FeeReads | None, pending.result())
        pending.result()  # asked something else after all: read its answer off the connection
    payer = cast(int, asked.payer)
    return guard_reads.read(payer, asked.zone.name, str(asked.rule.command), asked.years, asked.quote_id, ctx.now)


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


class Planned(NamedTuple):
    """What `check` found for the charge: the payer's account, the fee and the quote it honours."""

    payer: int
    account: Account
    fee: Money
    quote_id: str
    revenue_id: int | None  # None: the revenue account is opened by the first charge


REVENUE_SQL = "SELECT id FROM billing_account WHERE book_id = %s AND kind = %s AND holder_key = '' AND currency = %s"


def _revenue(account: Account, now: dt.datetime) -> Account:
    """The registry's fee revenue account in the deposit's currency; only its id and book matter here."""
    found = fetch_one(Account, REVENUE_SQL, [account.book_id, AccountKind.REVENUE.value, account.currency])
    if found is None:
        return own_account(account.book, AccountKind.REVENUE, account.currency, now)
    return Account(pk=int(found[0]), book_id=account.book_id, kind=AccountKind.REVENUE, currency=account.currency)


def _registry_book(account: Account) -> Book:
    """The registry's book by its id: the deposit came from a plain statement without it (no extra query)."""
    return _book_by_id(account.book_id)


# The two below stand for rows by their ids only (a charge reads nothing else of them and saves neither), so
# one instance per ids serves every charge: making a model instance cost a charge ~35 µs of CPU.
@functools.lru_cache(maxsize=64)
def _book_by_id(book_id: int) -> Book:
    book = Book(pk=book_id, owner_kind=OwnerKind.REGISTRY, owner_key="")
    book._state.adding = False
    return book


@functools.lru_cache(maxsize=64)
def _revenue_by_id(revenue_id: int, book_id: int, currency: str) -> Account:
    revenue = Account(pk=revenue_id, book_id=book_id, kind=AccountKind.REVENUE, currency=currency)
    revenue._state.adding = False
    return revenue


def charge(ctx: GuardContext, domain: Any, rule: FeeRule, years: int, payer: int) -> Transaction | None:
    """Debits the payer's prepaid account, credits the registry's fee revenue; None when not charged.
    Uses what `check` planned in this operation (the guarded UPDATE re-decides the balance anyway)."""
    plan = getattr(ctx, "billing_charge", None)
    revenue: Account | None = None
    unused_quote = ""  # a quote whose one use is recorded with the posting (PostgreSQL's one statement)
    if isinstance(plan, Planned) and plan.payer == payer:
        account, fee, quote_id = plan.account, plan.fee, plan.quote_id
        if plan.revenue_id is not None:
            revenue = _revenue_by_id(plan.revenue_id, account.book_id, account.currency)
        if revenue is not None and one_statement_posting(account):
            unused_quote = quote_id
        elif quote_id and not use_once(quote_id, ctx.now):  # single-use, decided in this transaction
            raise OperationFailed([Problem("fee", BooksCode.QUOTE_USED, {"value": quote_id})])
    else:
        found = prepaid_account(payer)
        if found is None:
            return None
        account = found
        zone = next(z for z in zone_policies().values() if z.id == domain.zone_id)
        fee, quote_id = _fee(ctx, zone.name, rule, years, account, consume=True)
    cause = _cause(ctx, domain, "fee", fee_command=str(rule.command), years=years, quote_id=quote_id)
    book = _registry_book(account)
    if revenue is not None and one_statement_posting(account):
        posted = post_charge(book, cause, account, revenue, fee, ctx.now, unused_quote)
    else:
        revenue = revenue or _revenue(account, ctx.now)
        posted = ledger.post(book, cause, [(account, -fee), (revenue, fee)], ctx.now)
    notify_if_low(ctx, account, posted.balances[account.pk], fee)
    _report(ctx, payer, account, fee, posted.balances[account.pk])
    return posted.transaction


def _reverse(ctx: GuardContext, domain: Any, original: Transaction, kind: str) -> Transaction:
    entries: list[tuple[Account, Money]] = [
        (entry.account, -entry.amount) for entry in Entry.objects.filter(transaction=original).select_related("account")
    ]
    cause = _cause(ctx, domain, kind, fee_command=original.fee_command, years=original.years, reverses=original)
    return ledger.post(original.book, cause, entries, ctx.now).transaction


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
    return [_reverse(ctx, domain, original, "refund") for original in charges]


def _open_refunds(domain: Any) -> Any:
    return Transaction.objects.filter(
        kind="refund", object_type="domain", object_id=domain.pk, reversed_by__isnull=True
    ).order_by("id")


def refunded(domain: Any, account: Account) -> Money:
    """What the domain's refunds (not yet charged back) gave this account."""
    minor = sum(e.amount_minor for e in Entry.objects.filter(transaction__in=_open_refunds(domain), account=account))
    return Money.from_minor(minor, account.currency)


def charge_refunds_back(ctx: GuardContext, domain: Any) -> list[Transaction]:
    """A restored domain is paid for again: each refund its delete made is reversed (new entries)."""
    return [_reverse(ctx, domain, refund, "fee") for refund in _open_refunds(domain)]
