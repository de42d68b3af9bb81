"""VAT as configuration (issue 11): Kazakhstan's standard rate by the invoice's date (12% until 2025,
16% from 1 January 2026, the new Tax Code), 0% on USD sales to foreign buyers, operator overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.vat import parse_rules, vat_rate
from kzreg.core.errors import OperationFailed
from tests.billing.invoice_helpers import FOREIGN, issue


@pytest.mark.parametrize(
    ("currency", "country", "day", "rate"),
    [
        ("KZT", "KZ", "2025-12-31", "12.00"),
        ("KZT", "KZ", "2026-01-01", "16.00"),
        ("KZT", "US", "2026-01-01", "16.00"),  # a tenge sale is a domestic sale
        ("USD", "KZ", "2025-06-01", "12.00"),
        ("USD", "KZ", "2026-06-01", "16.00"),
        ("USD", "US", "2026-06-01", "0.00"),
        ("USD", "DE", "2025-06-01", "0.00"),
        ("USD", "", "2026-06-01", "16.00"),  # no country: a resident
    ],
)
def test_default_rules(currency, country, day, rate):
    assert vat_rate(currency, country, dt.date.fromisoformat(day)) == Decimal(rate)


def test_an_operator_sets_its_own_rules(settings):
    settings.KZREG = {
        **settings.KZREG,
        "VAT_RATES": [
            {"currency": "KZT", "buyer": "any", "rate": "16", "from": "2026-01-01"},
            {"currency": "USD", "buyer": "any", "rate": "0"},
        ],
    }
    assert vat_rate("USD", "KZ", dt.date(2026, 6, 1)) == Decimal("0.00")
    with pytest.raises(OperationFailed) as failed:
        vat_rate("KZT", "KZ", dt.date(2025, 6, 1))
    assert failed.value.codes == {InvoiceCode.VAT_NO_RATE}
    assert failed.value.render("ru") == [
        "vat_rate: не настроена ставка НДС для продажи в KZT покупателю из KZ на 2025-06-01"
    ]


def test_a_rule_without_currency_or_buyer_matches_any():
    rule = parse_rules([{"rate": "10", "currency": "kzt"}, {"rate": "5"}])
    assert rule[0].matches("KZT", True, dt.date(2026, 1, 1)) and not rule[0].matches("USD", True, dt.date(2026, 1, 1))
    assert rule[1].matches("USD", False, dt.date(1999, 1, 1))


@pytest.mark.parametrize(
    "rule",
    [
        {"currency": "KZT"},  # no rate
        {"rate": "-1"},
        {"rate": "100"},
        {"rate": "abc"},
        {"rate": "12", "buyer": "martian"},
        {"rate": "12", "from": "2026-13-01"},
    ],
)
def test_a_malformed_rule_is_refused_naming_its_index(rule):
    with pytest.raises(ValueError, match=r'KZREG\["VAT_RATES"\]\[1\]'):
        parse_rules([{"rate": "16"}, rule])


@pytest.mark.django_db
def test_the_invoice_takes_the_rate_of_its_date(frozen_clock, settings):
    frozen_clock.freeze(dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC))  # 17:00 in Almaty: still 2025
    old = issue()
    frozen_clock.freeze(dt.datetime(2025, 12, 31, 19, 30, tzinfo=dt.UTC))  # 00:30 on 1 January in Almaty
    new = issue()
    assert (old.vat.plain, new.vat.plain) == ("3.60", "4.80")
    assert (old.number, new.number) == ("2025-000001", "2026-000001")
    assert issue(buyer=FOREIGN).vat_minor == 0
    settings.KZREG = {**settings.KZREG, "VAT_RATES": [{"currency": "KZT", "rate": "16"}]}
    with pytest.raises(OperationFailed) as failed:
        issue()  # USD: no rule any more
    assert [(p.field, p.code) for p in failed.value.problems] == [("lines[0].vat_rate", InvoiceCode.VAT_NO_RATE)]
