"""VAT as configuration: which rate an invoice line carries, chosen by currency, buyer and date.

The rate is the one in force on the invoice's date (the "date of turnover", Tax Code of the Republic of
Kazakhstan). The default rules (`DEFAULT_VAT_RATES`) follow the law as we read it; an operator overrides
them with `KZREG["VAT_RATES"]`, a list of rules tried in order, the first that matches wins:

    {"currency": "KZT", "buyer": "any", "rate": "16", "from": "2026-01-01", "to": None}

- `currency`: an ISO code or "any"; `buyer`: "KZ" (a resident: the buyer's country is Kazakhstan),
  "foreign", or "any"; `from` inclusive, `to` exclusive (None: open).
- Kazakhstan's standard rate is 12% until 31 December 2025 and 16% from 1 January 2026 (the new Tax
  Code, Law No. 214-VIII of 18 July 2025). KZT sales carry it.
- A USD sale to a foreign buyer (a registrar abroad) is 0%: the registry's service is exported. A USD
  sale to a resident buyer carries the standard rate.

No rule matching is a configuration error (`billing_vat_no_rate`), never a silent 0%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.core.errors import OperationFailed, Problem

HOME_COUNTRY = "KZ"

DEFAULT_VAT_RATES: list[dict[str, Any]] = [
    {"currency": "USD", "buyer": "foreign", "rate": "0", "from": None, "to": None},
    {"currency": "any", "buyer": "any", "rate": "12", "from": None, "to": "2026-01-01"},
    {"currency": "any", "buyer": "any", "rate": "16", "from": "2026-01-01", "to": None},
]


@dataclass(frozen=True)
class VatRule:
    currency: str
    buyer: str
    rate: Decimal
    valid_from: dt.date | None
    valid_to: dt.date | None

    def matches(self, currency: str, resident: bool, day: dt.date) -> bool:
        if self.currency not in ("any", currency):
            return False
        if self.buyer != "any" and (self.buyer == HOME_COUNTRY) != resident:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day < self.valid_to


def _day(raw: object) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def parse_rules(raw: Sequence[dict[str, Any]]) -> list[VatRule]:
    """The configured rules; a malformed one raises ValueError naming its index (found at start-up)."""
    rules = []
    for n, item in enumerate(raw):
        try:
            rate = Decimal(str(item["rate"]))
            buyer = str(item.get("buyer", "any"))
            currency = str(item.get("currency", "any")).strip().lower()
            if not rate.is_finite() or not Decimal(0) <= rate < Decimal(100) or buyer not in ("any", "KZ", "foreign"):
                raise ValueError(item)
            rules.append(
                VatRule(
                    currency=currency if currency == "any" else currency.upper(),
                    buyer=buyer,
                    rate=rate.quantize(Decimal("0.01")),
                    valid_from=_day(item.get("from")),
                    valid_to=_day(item.get("to")),
                )
            )
        except (KeyError, ValueError, InvalidOperation, TypeError) as exc:
            raise ValueError(f'KZREG["VAT_RATES"][{n}] is not a VAT rule: {item!r}') from exc
    return rules


def configured_rules() -> list[VatRule]:
    return parse_rules(getattr(settings, "KZREG", {}).get("VAT_RATES", DEFAULT_VAT_RATES))


def vat_rate(currency: str, buyer_country: str, day: dt.date, field: str = "vat_rate") -> Decimal:
    """The VAT rate in percent (e.g. `Decimal("16.00")`) for a sale in `currency` to a buyer in
    `buyer_country` (ISO 3166 alpha-2; empty counts as resident) on `day`."""
    resident = (buyer_country or HOME_COUNTRY).upper() == HOME_COUNTRY
    for rule in configured_rules():
        if rule.matches(currency, resident, day):
            return rule.rate
    params = {"currency": currency, "country": buyer_country or HOME_COUNTRY, "day": day.isoformat()}
    raise OperationFailed([Problem(field, InvoiceCode.VAT_NO_RATE, params)])
