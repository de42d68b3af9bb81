"""Credit limits and low-balance thresholds, changed with an audit trail (issue 11: money must be
auditable). The one way to change either: `set_credit_limit` / `set_low_balance` lock the account, write a
`LimitChange` row (who, when, old, new, why) and the new value in the same transaction. The rows are
append-only in the database (migration 0011), and `trail_differences` finds an account whose value is not
what its trail says last (a value changed by hand in SQL): `kzreg billing check` reports it.

Opening an account with a credit limit or threshold writes the trail's first row in the opening's
transaction (`record_opening`: old none, new the value it opens with; `books.open_prepaid`,
`books.open_reseller_deposit`), so every such account's trail starts where the account does and
`trail_differences` checks every account that has a value, not only those changed since (issue 11).
Accounts opened before that got their first row from migration 0012 (the value in force then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery

from kzreg.billing.models import Account, LimitChange, LimitField
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem

COLUMNS = {LimitField.CREDIT_LIMIT: "credit_limit_minor", LimitField.LOW_BALANCE: "low_balance_minor"}
OPENED = "opened"  # the reason of an account's first rows


def record_opening(account: Account, principal: str, now: dt.datetime) -> list[LimitChange]:
    """The trail's first rows for an account just opened (call it in the opening's transaction): one per
    value it opens with (a credit limit; a threshold, if one is ever opened with), old none. An account
    opened without a floor (NULL: the book owner's own accounts, receivables) gets none."""
    rows = [
        LimitChange(account=account, field=field, old_minor=None, new_minor=getattr(account, column),
                    currency=account.currency, changed_by=principal[:200], changed_at=now, reason=OPENED)
        for field, column in COLUMNS.items()
        if getattr(account, column) is not None
    ]  # fmt: skip
    return LimitChange.objects.bulk_create(rows) if rows else []


def _set(
    account: Account, field: LimitField, value: Money | None, principal: str, now: dt.datetime, reason: str
) -> LimitChange | None:
    problems = []
    if value is not None and value.currency != account.currency:
        params = {"account": account.name, "expected": account.currency, "value": value.currency}
        problems.append(Problem("currency", BillingCode.CURRENCY_MISMATCH, params))
    if value is not None and value.minor < 0:
        problems.append(Problem("amount", BillingCode.AMOUNT_NEGATIVE, {"value": value.plain}))
    if problems:
        raise OperationFailed(problems)
    column = COLUMNS[field]
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        old = getattr(locked, column)
        new = value.minor if value is not None else None
        setattr(account, column, new)
        if old == new:
            return None  # nothing changed: nothing to record
        change = LimitChange.objects.create(
            account=locked, field=field, old_minor=old, new_minor=new, currency=locked.currency,
            changed_by=principal[:200], changed_at=now, reason=" ".join(reason.split())[:300],
        )  # fmt: skip
        Account.objects.filter(pk=locked.pk).update(**{column: new})
    return change


def set_credit_limit(
    account: Account, limit: Money, principal: str, now: dt.datetime, reason: str = ""
) -> LimitChange | None:
    """How far below zero the account may go (0: no credit). Returns the change, None when unchanged."""
    return _set(account, LimitField.CREDIT_LIMIT, limit, principal, now, reason)


def set_low_balance(
    account: Account, threshold: Money | None, principal: str, now: dt.datetime, reason: str = ""
) -> LimitChange | None:
    """The low-balance message threshold (None: no message)."""
    return _set(account, LimitField.LOW_BALANCE, threshold, principal, now, reason)


def changes_of(account: Account) -> QuerySet[LimitChange]:
    return LimitChange.objects.filter(account=account).order_by("id")


@dataclass(frozen=True)
class TrailDifference:
    account: Account
    field: str
    value: Money | None
    trail: Money | None


def trail_differences() -> list[TrailDifference]:
    """Accounts whose credit limit or threshold is not the last value their trail records: every account
    with a value or a trail (no row of a field: its trail says none, as every account's threshold starts)."""
    found: list[TrailDifference] = []
    for field, column in COLUMNS.items():
        last = LimitChange.objects.filter(account=OuterRef("pk"), field=field).order_by("-id").values("new_minor")[:1]
        changed = LimitChange.objects.filter(field=field).values("account_id")
        has_value = Q(**{f"{column}__isnull": False})
        rows = Account.objects.filter(has_value | Q(pk__in=changed)).annotate(trail=Subquery(last)).order_by("id")
        for account in rows:
            value = getattr(account, column)
            if value != account.trail:
                shown = _money(value, account.currency), _money(account.trail, account.currency)
                found.append(TrailDifference(account, field.value, *shown))
    return found


def _money(minor: int | None, currency: str) -> Money | None:
    return None if minor is None else Money.from_minor(minor, currency)
