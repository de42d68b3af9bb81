"""Money: an exact `Decimal` amount with its currency, rounded by one explicit rule per currency.

Never a float: `Money.of` refuses one, and the database keeps amounts as integers of the currency's
minor unit (tiyn, cents), because SQLite's NUMERIC columns would do its sums in binary floating point.

Rounding is ROUND_HALF_UP (half away from zero) to the currency's minor unit: the commercial rule of
Kazakhstan's tax code and of the registry's invoices, so 0.005 USD is 0.01 and -0.005 is -0.01. Banker's
rounding (half to even) would make the same price round differently depending on its neighbour digit,
which no registrar can check by hand. Rounding happens only where a value is made, converted or
multiplied by a non-integer, and each such place calls `quantize` itself.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 code → digits after the decimal point. KZT's tiyn and USD's cent: two each.
CURRENCIES: dict[str, int] = {"KZT": 2, "USD": 2}
ROUNDING = ROUND_HALF_UP
# Far above any registry's money, far below what the minor-unit integer columns (64 bits) hold.
MAX_DIGITS = 15  # digits before the point


class MoneyError(ValueError):
    """A value that is not an amount of money (`field` names what was wrong: amount or currency)."""

    def __init__(self, field: str, value: object):
        self.field = field
        self.value = value
        super().__init__(f"{field}: {value!r}")


def exponent(currency: str) -> int:
    if currency not in CURRENCIES:
        raise MoneyError("currency", currency)
    return CURRENCIES[currency]


def clean_currency(raw: object) -> str:
    """`usd ` → `USD`; an unknown code raises `MoneyError("currency", ...)`."""
    code = str(raw or "").strip().upper()
    exponent(code)
    return code


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, value: Decimal | int | str, currency: str) -> Money:
        """The exact amount: more digits than the currency has are refused, not rounded away silently."""
        code = clean_currency(currency)
        if isinstance(value, float | bool):
            raise MoneyError("amount", value)
        try:
            amount = Decimal(value.strip() if isinstance(value, str) else value)
        except (decimal.InvalidOperation, TypeError, ValueError):
            raise MoneyError("amount", value) from None
        if not amount.is_finite() or (amount and amount.adjusted() >= MAX_DIGITS):
            raise MoneyError("amount", value)
        try:
            exact = amount.quantize(Decimal(1).scaleb(-exponent(code)), rounding=ROUNDING)
        except decimal.InvalidOperation:
            raise MoneyError("amount", value) from None
        if exact != amount:
            raise MoneyError("amount", value)
        return cls(exact, code)

    @classmethod
    def rounded(cls, value: Decimal, currency: str) -> Money:
        """`value` rounded half up to the currency's minor unit (the one rounding rule)."""
        code = clean_currency(currency)
        return cls(quantize(value, code), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls.from_minor(0, currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        places = exponent(currency)
        return cls(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)), currency)

    @property
    def minor(self) -> int:
        """The amount in the currency's minor unit, as the database stores it."""
        return int(self.amount.scaleb(exponent(self.currency)).to_integral_value(rounding=ROUNDING))

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money) or other.currency != self.currency:
            raise MoneyError("currency", getattr(other, "currency", other))

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def times(self, factor: int | Decimal) -> Money:
        """A price per year times years (exact), or times a rate (rounded half up)."""
        if isinstance(factor, float | bool):
            raise MoneyError("amount", factor)
        return Money.rounded(self.amount * Decimal(factor), self.currency)

    def __str__(self) -> str:
        return f"{self.amount:,.{exponent(self.currency)}f} {self.currency}".replace(",", " ")

    @property
    def plain(self) -> str:
        """`1234.50` — for EPP and machine-read output (no group separators)."""
        return f"{self.amount:.{exponent(self.currency)}f}"


def quantize(value: Decimal, currency: str) -> Decimal:
    places = exponent(currency)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
