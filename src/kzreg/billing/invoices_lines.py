"""An invoice's lines and totals, computed once (pure: no database).

A line's net is quantity × unit price, its VAT is net × rate rounded half up to the minor unit (the one
rounding rule, `money.py`), its gross net + VAT. The totals are the sums of the lines' rounded figures,
so the lines always add up to the totals printed under them. These figures are stored with the invoice
and posted to the ledger as they are: screen, PDF and ledger cannot differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.billing.vat import vat_rate
from kzreg.core.errors import OperationFailed, Problem

MAX_QUANTITY = Decimal("1000000")


@dataclass(frozen=True)
class LineIn:
    """A line as the caller gives it; `vat_rate` None: the configured rate (vat.py) for the sale."""

    description: str
    unit_price: Money
    quantity: Decimal | int = 1
    vat_rate: Decimal | None = None


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Money
    vat_rate: Decimal
    net: Money
    vat: Money
    gross: Money


@dataclass(frozen=True)
class Totals:
    net: Money
    vat: Money
    gross: Money


def compute_line(item: LineIn, rate: Decimal) -> Line:
    net = Money.rounded(item.unit_price.amount * Decimal(item.quantity), item.unit_price.currency)
    vat = Money.rounded(net.amount * rate / 100, net.currency)
    return Line(item.description.strip(), Decimal(item.quantity), item.unit_price, rate, net, vat, net + vat)


def line_from_gross(description: str, gross: Money, rate: Decimal) -> Line:
    """A line for an amount that includes VAT (a credit note "for 10.00"): VAT is taken out of it, so the
    line's gross is exactly the amount asked for."""
    net = Money.rounded(gross.amount * 100 / (100 + rate), gross.currency)
    return Line(description, Decimal(1), net, rate, net, gross - net, gross)


def totals(lines: Sequence[Line], currency: str) -> Totals:
    net, vat, gross = Money.zero(currency), Money.zero(currency), Money.zero(currency)
    for line in lines:
        net, vat, gross = net + line.net, vat + line.vat, gross + line.gross
    return Totals(net, vat, gross)


def build_lines(items: Sequence[LineIn], currency: str, buyer_country: str, day: dt.date) -> list[Line]:
    """The computed lines, or every problem at once, each naming its line (`lines[1].quantity`)."""
    problems: list[Problem] = []
    if not items:
        raise OperationFailed([Problem("lines", InvoiceCode.NO_LINES)])
    lines = []
    for n, item in enumerate(items):
        field = f"lines[{n}]"
        found = len(problems)
        if not item.description.strip():
            problems.append(Problem(f"{field}.description", InvoiceCode.REQUISITE_MISSING, {"value": "description"}))
        if item.unit_price.currency != currency:
            params = {"expected": currency, "value": item.unit_price.currency}
            problems.append(Problem(f"{field}.unit_price", InvoiceCode.LINE_CURRENCY, params))
        elif item.unit_price.minor <= 0:
            params = {"value": item.unit_price.plain}
            problems.append(Problem(f"{field}.unit_price", BillingCode.AMOUNT_NOT_POSITIVE, params))
        quantity = _quantity(item.quantity)
        if quantity is None:
            problems.append(Problem(f"{field}.quantity", InvoiceCode.QUANTITY, {"value": item.quantity}))
        rate = item.vat_rate
        if rate is not None and not _valid_rate(rate):
            problems.append(Problem(f"{field}.vat_rate", InvoiceCode.VAT_RATE, {"value": rate}))
        if len(problems) > found:
            continue
        if rate is None:
            try:
                rate = vat_rate(currency, buyer_country, day, f"{field}.vat_rate")
            except OperationFailed as exc:
                problems.extend(exc.problems)
                continue
        lines.append(compute_line(LineIn(item.description, item.unit_price, quantity or 1), Decimal(rate)))
    if problems:
        raise OperationFailed(problems)
    return lines


def _quantity(raw: Decimal | int) -> Decimal | None:
    try:
        value = Decimal(raw) if not isinstance(raw, float | bool) else None
    except (InvalidOperation, TypeError, ValueError):
        return None
    if value is None or not value.is_finite() or value <= 0 or value >= MAX_QUANTITY:
        return None
    return value if value == value.quantize(Decimal("0.001")) else None


def _valid_rate(rate: Decimal) -> bool:
    try:
        value = Decimal(rate)
    except (InvalidOperation, TypeError, ValueError):
        return False
    return value.is_finite() and Decimal(0) <= value < Decimal(100) and value == value.quantize(Decimal("0.01"))
