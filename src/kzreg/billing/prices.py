"""The registry's prices (B1): price-list rows with validity periods, else the configured default.

A row names a zone, a fee command (create, renew, transfer, restore), a period in years and the whole
amount for that period. Without a row in force, the fee is `KZREG["REGISTRY_FEE"]` per year (USD 30.00
by default, SPEC B1) for create, renew and transfer, and one year's fee for a restore. The row in force
at a moment is the one with the latest `valid_from` not after it whose `valid_to` is after it.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import cast

from django.conf import settings
from django.db.models import Q

from kzreg.billing.models import FeeCommand, Price
from kzreg.billing.money import Money, MoneyError
from kzreg.billing.problems import BillingCode
from kzreg.billing.sqlrows import fetch_one, prep
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.zones import zone_policies

DEFAULT_FEE = {"amount": "30.00", "currency": "USD"}


def default_fee() -> Money:
    """One year's registry fee from settings (`{"amount": "30.00", "currency": "USD"}`)."""
    config = cast(dict, settings.KZREG).get("REGISTRY_FEE") or DEFAULT_FEE
    try:
        return _default_fee(str(config["amount"]), str(config["currency"]))
    except (MoneyError, KeyError) as exc:
        raise RuntimeError(f'KZREG["REGISTRY_FEE"] is not an amount with a currency: {config!r}') from exc


@functools.lru_cache(maxsize=16)
def _default_fee(amount: str, currency: str) -> Money:
    """Parsed once per setting's value (every fee-bearing operation without a price row asks it)."""
    return Money.of(amount, currency)


@functools.lru_cache(maxsize=64)
def _default_times(amount: str, currency: str, years: int) -> Money:
    return _default_fee(amount, currency).times(years)


def clean_request(zone: str, command: str, years: object) -> tuple[str, str, int]:
    """The zone's A-label, the command and the years, or every problem with them at once."""
    problems: list[Problem] = []
    zones = zone_policies()
    key = (zone or "").strip().lower().strip(".")
    policy = zones.get(key) or next((z for z in zones.values() if z.unicode_name == key), None)
    if policy is None:
        problems.append(Problem("zone", Code.ZONE_UNKNOWN, {"zone": zone}))
    commands = [str(c) for c in FeeCommand]
    if command not in commands:
        problems.append(Problem("command", BillingCode.FEE_COMMAND, {"value": command, "allowed": ", ".join(commands)}))
    longest = policy.max_period if policy else max((z.max_period for z in zones.values()), default=10)
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= longest:
        problems.append(Problem("years", Code.PERIOD_RANGE, {"min": 1, "max": longest, "value": years}))
    if problems:
        raise OperationFailed(problems)
    assert policy is not None and isinstance(years, int)
    return policy.name, command, years


def price_in_force(zone: str, command: str, years: int, at: dt.datetime) -> Price | None:
    return (
        Price.objects.filter(zone=zone, command=command, years=years, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .order_by("-valid_from", "-id")
        .first()
    )


# `price_in_force` as one statement built once: every fee-bearing operation asks it (sqlrows.py says why).
PRICE_SQL = (
    "SELECT amount_minor, currency FROM billing_price WHERE zone = %s AND command = %s AND years = %s "
    "AND valid_from <= %s AND (valid_to IS NULL OR valid_to > %s) ORDER BY valid_from DESC, id DESC LIMIT 1"
)


def registry_fee(zone: str, command: str, years: int, at: dt.datetime) -> Money:
    """What the registry charges for `command` in `zone` (A-label) for `years` at the moment `at`."""
    row = fetch_one(Price, PRICE_SQL, price_params(zone, command, years, at))
    return fee_of(row[0] if row else None, row[1] if row else None, command, years)


def price_params(zone: str, command: str, years: int, at: dt.datetime) -> list[object]:
    """PRICE_SQL's parameters (for a caller that reads the price together with something else)."""
    moment = prep(Price, "valid_from", at)
    return [zone, command, years, moment, moment]


def fee_of(amount_minor: int | None, currency: str | None, command: str, years: int) -> Money:
    """The fee from the price row in force (its amount and currency, None without one), else the default."""
    if amount_minor is not None and currency is not None:
        return Money.from_minor(int(amount_minor), str(currency))
    one_year = default_fee()  # Money is immutable: the product is kept per amount, currency and years
    return _default_times(str(one_year.amount), one_year.currency, 1 if command == FeeCommand.RESTORE else years)
