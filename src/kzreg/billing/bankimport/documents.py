"""What a parser hands the importer: one payment document per file entry, with the line it starts on,
or every problem of the file at once (a file with a broken line books nothing)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from kzreg.billing.money import CURRENCIES, Money, MoneyError
from kzreg.billing.payments import payment_limit
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import Problem

BIN_RE = re.compile(r"^\d{12}$")
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class BankDocument:
    line_no: int
    number: str
    date: dt.date
    amount: Money
    payer_bin: str = ""  # a 12-digit BIN/IIN, or "" (a foreign payer's tax number is kept in payer_name)
    payer_account: str = ""  # IIK / IBAN
    payer_name: str = ""
    purpose: str = ""
    incoming: bool = True  # False: our own payment to someone else (skipped)

    @property
    def key(self) -> str:
        """The bank document's identity: number, date, amount and payer account (SPEC: imported twice,
        booked once), whichever file it comes in."""
        return f"{self.number}|{self.date.isoformat()}|{self.amount.minor}{self.amount.currency}|{self.payer_account}"


def where(line_no: int) -> str:
    return f"line {line_no}"


class FieldReader:
    """Reads one document's values, collecting a problem per bad field (named by the file's own key)."""

    def __init__(self, line_no: int, problems: list[Problem]):
        self.line_no = line_no
        self.problems = problems

    def _bad(self, name: str, value: str) -> None:
        self.problems.append(Problem(where(self.line_no), PaymentCode.FIELD_INVALID, {"name": name, "value": value}))

    def required(self, name: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            self.problems.append(Problem(where(self.line_no), PaymentCode.FIELD_MISSING, {"name": name}))
            return None
        return value.strip()

    def date(self, name: str, value: str | None) -> dt.date | None:
        raw = self.required(name, value)
        if raw is None:
            return None
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        self._bad(name, raw)
        return None

    def amount(self, name: str, value: str | None, currency: str) -> Money | None:
        raw = self.required(name, value)
        if raw is None:
            return None
        text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
            money = Money.of(text, currency) if number.is_finite() else None
        except (InvalidOperation, MoneyError):
            money = None
        if money is None:
            self._bad(name, raw)
            return None
        if money.minor <= 0:
            self._bad(name, raw)
            return None
        limit = payment_limit(currency)
        if limit is not None and limit < money:
            params = {"value": str(money), "limit": str(limit)}
            self.problems.append(Problem(where(self.line_no), PaymentCode.AMOUNT_ABSURD, params))
            return None
        return money

    def currency(self, name: str, value: str | None, default: str) -> str | None:
        raw = (value or "").strip().upper() or default
        if raw not in CURRENCIES:
            self._bad(name, raw)
            return None
        return raw

    def payer_bin(self, name: str, value: str | None) -> str:
        raw = (value or "").strip()
        if raw and not raw.isdigit():
            self._bad(name, raw)
            return ""
        return raw if BIN_RE.match(raw) else ""
