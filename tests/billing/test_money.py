"""Money is exact and rounds by one explicit rule, half up to the currency's minor unit (issue 11)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kzreg.billing.money import Money, MoneyError, quantize


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("0.005", "USD", "0.01"),
        ("0.015", "USD", "0.02"),  # half up, not half to even (which gives 0.02 here but 0.00 below)
        ("0.025", "USD", "0.03"),  # banker's rounding would give 0.02
        ("-0.005", "USD", "-0.01"),  # half away from zero
        ("0.0049", "KZT", "0.00"),
        ("12345.675", "KZT", "12345.68"),
    ],
)
def test_rounding_is_half_up_to_the_minor_unit(value, currency, expected):
    assert Money.rounded(Decimal(value), currency).amount == Decimal(expected)
    assert quantize(Decimal(value), currency) == Decimal(expected)


def test_a_float_is_never_money():
    with pytest.raises(MoneyError) as refusal:
        Money.of(0.1, "USD")  # type: ignore[arg-type]
    assert refusal.value.field == "amount"
    with pytest.raises(MoneyError):
        Money.of("1.00", "USD").times(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["1.001", "abc", "NaN", "Infinity", "", "1e400000000000", "1e15", "1e-400000000"])
def test_an_amount_finer_than_the_currency_or_not_a_number_is_refused(value):
    with pytest.raises(MoneyError) as refusal:
        Money.of(value, "USD")
    assert refusal.value.field == "amount"


@pytest.mark.parametrize("currency", ["EUR", "usdd", "", None])
def test_only_known_currencies(currency):
    with pytest.raises(MoneyError) as refusal:
        Money.of("1", currency)
    assert refusal.value.field == "currency"


def test_currencies_never_mix():
    with pytest.raises(MoneyError):
        Money.of("1", "USD") + Money.of("1", "KZT")
    with pytest.raises(MoneyError):
        _ = Money.of("1", "USD") < Money.of("1", "KZT")


def test_minor_units_round_trip_exactly():
    for text in ("0.01", "30.00", "99999999999.99", "-12.34"):
        money = Money.of(text, "KZT")
        assert Money.from_minor(money.minor, "KZT") == money
    assert Money.of(" 30 ", "usd") == Money(Decimal("30.00"), "USD")
    assert Money.of("0.1", "USD") + Money.of("0.2", "USD") == Money.of("0.3", "USD")  # no binary fractions


def test_times_years_is_exact_and_times_a_rate_rounds_once():
    assert Money.of("30.00", "USD").times(3) == Money.of("90.00", "USD")
    assert Money.of("10.00", "USD").times(Decimal("0.3333")) == Money.of("3.33", "USD")
    assert Money.of("0.10", "USD").times(Decimal("0.05")) == Money.of("0.01", "USD")  # 0.005 → 0.01


def test_display():
    assert str(Money.of("1234567.5", "KZT")) == "1 234 567.50 KZT"
    assert Money.of("-3", "USD").plain == "-3.00"
