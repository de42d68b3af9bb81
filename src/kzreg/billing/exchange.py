"""Exchange rates by day: a price in one currency charged to an account kept in another.

The rate of a day is the newest row on or before it (rates are entered for working days only); a pair
without its own row uses the inverse row. The result is rounded once, half up, in the target currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kzreg.billing.models import ExchangeRate
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem


def rate_on(source: str, target: str, day: dt.date) -> Decimal | None:
    if source == target:
        return Decimal(1)
    direct = ExchangeRate.objects.filter(source=source, target=target, day__lte=day).order_by("-day").first()
    inverse = ExchangeRate.objects.filter(source=target, target=source, day__lte=day).order_by("-day").first()
    if direct is not None and (inverse is None or direct.day >= inverse.day):
        return Decimal(direct.rate)
    if inverse is not None:
        return 1 / Decimal(inverse.rate)
    return None


def convert(amount: Money, target: str, day: dt.date, field_name: str = "currency") -> Money:
    rate = rate_on(amount.currency, target, day)
    if rate is None:
        params = {"source": amount.currency, "target": target, "day": day.isoformat()}
        raise OperationFailed([Problem(field_name, BillingCode.NO_RATE, params)])
    return Money.rounded(amount.amount * rate, target)
