"""A statement for any period of days, made of billing's monthly statements (`billing.statements`).

Billing answers per calendar month (Asia/Almaty) with the opening balance and each movement's balance
after it; a period from one day to another is those months' movements that fall on its days, opened by
the balance just before the first day. So the figures are billing's own, and opening plus movements is
closing as in billing's statement. A period is at most `MAX_DAYS` long (at most 13 months: 26 queries).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from kzreg.billing.models import Account
from kzreg.billing.money import Money
from kzreg.billing.statements import Month, Movement, build_statement
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.texts import current_language, text
from kzreg.core import clock

MAX_DAYS = 366


@dataclass
class PeriodStatement:
    start: dt.date
    end: dt.date  # included
    opening: Money
    movements: list[Movement] = field(default_factory=list)

    @property
    def closing(self) -> Money:
        return self.movements[-1].balance if self.movements else self.opening


def months_between(start: dt.date, end: dt.date) -> list[Month]:
    months, month = [], Month(start.year, start.month)
    while month.first_day <= end:
        months.append(month)
        month = month.next
    return months


def period_statement(account: Account, start: dt.date, end: dt.date) -> PeriodStatement:
    opening: Money | None = None
    movements: list[Movement] = []
    for month in months_between(start, end):
        monthly = build_statement(account, month, current_language())
        if opening is None:
            opening = monthly.opening
        for movement in monthly.movements:
            day = timezone.localtime(movement.at).date()
            if day < start:
                opening = movement.balance
            elif day <= end:
                movements.append(movement)
    return PeriodStatement(start, end, opening or Money.zero(account.currency), movements)


def today() -> dt.date:
    """The registry's calendar day (Asia/Almaty)."""
    return timezone.localtime(clock.now()).date()


def read_period(typed: Typed, default_start: dt.date, default_end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period typed (`from`, `to`: ISO days), the defaults for what was left empty; None with each
    problem beside its field."""
    days: dict[str, dt.date] = {}
    for name, default in (("from", default_start), ("to", default_end)):
        raw = typed.values.get(name, "")
        if not raw:
            typed.values[name] = default.isoformat()
            days[name] = default
            continue
        try:
            days[name] = dt.date.fromisoformat(raw)
        except ValueError:
            typed.add(name, text("money.bad_date"))
    if typed.errors:
        return None
    start, end = days["from"], days["to"]
    if end < start:
        typed.add("to", text("money.date_order"))
    elif (end - start).days >= MAX_DAYS:
        typed.add("to", text("money.too_long", days=MAX_DAYS))
    return None if typed.errors else (start, end)
