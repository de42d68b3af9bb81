"""Monthly statements of an account: opening balance, the month's movements, closing balance.

For registrars (their prepaid account in the registry's book) and resellers (their account in their
registrar's book): the statement reads one account's entries, so it shows nothing of anyone else's.
The month is the registry's calendar month (Asia/Almaty, `TIME_ZONE`): from its first midnight to the
next month's. Balances are the ledger's own sign (credit-positive: a deposit reads positive); a debit
column shows what was taken, a credit column what came in. Opening plus movements equals closing,
which is also the account's balance when the month is the current one (tests check it against the
cached balance).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum

from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.invoices_texts import movement_name
from kzreg.billing.models import Account, Entry
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed, Problem

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEARS = {"kk": "жыл", "ru": "г.", "en": "y"}


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, raw: str, field_name: str = "month") -> Month:
        match = MONTH.match((raw or "").strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
            raise OperationFailed([Problem(field_name, InvoiceCode.MONTH_INVALID, {"value": raw})])
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def last_day(self) -> dt.date:
        return self.next.first_day - dt.timedelta(days=1)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnights of the registry's time zone."""
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        start = dt.datetime.combine(self.first_day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(self.next.first_day, dt.time(), tzinfo=zone)
        return start, end


@dataclass(frozen=True)
class Movement:
    transaction_id: int
    at: dt.datetime
    kind: str
    text: str
    amount: Money  # credit +, debit −
    balance: Money  # after this movement

    @property
    def debit(self) -> Money | None:
        return -self.amount if self.amount.minor < 0 else None

    @property
    def credit(self) -> Money | None:
        return self.amount if self.amount.minor > 0 else None


@dataclass
class Statement:
    account: Account
    month: Month
    language: str
    opening: Money
    movements: list[Movement] = field(default_factory=list)

    @property
    def closing(self) -> Money:
        return self.movements[-1].balance if self.movements else self.opening

    @property
    def debits(self) -> Money:
        total = Money.zero(self.opening.currency)
        for m in self.movements:
            total = total + (m.debit or Money.zero(total.currency))
        return total

    @property
    def credits(self) -> Money:
        total = Money.zero(self.opening.currency)
        for m in self.movements:
            total = total + (m.credit or Money.zero(total.currency))
        return total


def describe(kind: str, language: str, *parts: object) -> str:
    """`Registry fee: example.kz create 1` — the movement's name and its cause, what the holder recognises."""
    details = " ".join(str(p) for p in parts if p not in (None, ""))
    name = movement_name(kind, language)
    return f"{name}: {details}" if details else name


def build_statement(account: Account, month: Month, language: str) -> Statement:
    """Two queries: the sum of the entries before the month, and the month's entries in order."""
    if language not in YEARS:
        params = {"value": language, "allowed": ", ".join(YEARS)}
        raise OperationFailed([Problem("language", InvoiceCode.LANGUAGE, params)])
    start, end = month.bounds()
    entries = Entry.objects.filter(account=account)
    before = entries.filter(transaction__created_at__lt=start).aggregate(total=Sum("amount_minor"))["total"] or 0
    statement = Statement(account, month, language, Money.from_minor(before, account.currency))
    rows = (
        entries.filter(transaction__created_at__gte=start, transaction__created_at__lt=end)
        .order_by("transaction__created_at", "transaction_id", "id")
        .values_list(
            "transaction_id", "transaction__created_at", "transaction__kind", "transaction__object_key",
            "transaction__fee_command", "transaction__years", "transaction__reference", "amount_minor",
        )
    )  # fmt: skip
    running = before
    for tx_id, at, kind, object_key, command, years, reference, minor in rows:
        running += minor
        period = f"{years} {YEARS[language]}" if years else ""
        text = describe(kind, language, object_key, command, period, reference if reference != object_key else "")
        statement.movements.append(
            Movement(
                tx_id,
                at,
                kind,
                text,
                Money.from_minor(minor, account.currency),
                Money.from_minor(running, account.currency),
            )
        )
    return statement
