"""Exchange rates imported from a file: the National Bank of Kazakhstan's daily rates (XML) or a CSV.

kzreg never fetches anything at run time; the operator's cron fetches the file (docs/billing.md, "Rate
import") and hands it to `kzreg billing rates import FILE`. One file is one transaction: it is read and
checked whole first, and any problem — broken XML, an unknown currency, a rate that is not a number above
zero, more than twice or under half the pair's previous rate, a day after tomorrow, a day and pair stored
with another rate (unless `replace`) — refuses the whole file, naming each line or element.

Idempotent: a row equal to the stored one is `unchanged` and writes nothing, so the same file twice
writes nothing the second time. A replaced rate keeps its old value in `ExchangeRateChange`
(append-only), so the rate a past price was converted at can always be found.

National Bank formats (both read):
- `get_rates.cfm?fdate=DD.MM.YYYY`: `<rates><date>DD.MM.YYYY</date><item><fullname>…</fullname>
  <title>USD</title><description>470.12</description><quant>1</quant>…</item>…</rates>`;
- `rss/rates_all.xml`: `<rss><channel><item><title>USD</title><pubDate>DD.MM.YYYY</pubDate>
  <description>470.12</description><quant>1</quant>…</item>…</channel></rss>`.
`description` tenge are paid for `quant` units (e.g. 100 JPY): the rate of one unit is their quotient,
rounded half up to 8 decimals. Currencies kzreg does not keep (`money.CURRENCIES`) are skipped and named.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from kzreg.billing.models import ExchangeRate, ExchangeRateChange
from kzreg.billing.money import CURRENCIES
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

FORMATS = ("nbk", "csv")
CSV_HEADER = "day,source,target,rate"
PLACES = Decimal("1e-8")
RATE_CEILING = Decimal("1e9")
# A rate more than this many times the pair's previous one (or under its inverse) is a typo, not a market.
JUMP = Decimal(2)
CODE_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class RateRow:
    where: str  # `line 4` / `item[3]`: what a problem names
    day: dt.date
    source: str
    target: str
    rate: Decimal

    @property
    def pair(self) -> str:
        return f"{self.source}/{self.target}"


@dataclass
class Parsed:
    rows: list[RateRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # currencies kzreg does not keep (NBK files)


@dataclass(frozen=True)
class Outcome:
    row: RateRow
    status: str  # new | unchanged | replaced
    old: Decimal | None = None


@dataclass(frozen=True)
class RatesImported:
    format: str
    outcomes: list[Outcome]
    skipped: list[str]


def plain(rate: Decimal) -> str:
    """`512.34000000` → `512.34`, `510.00000000` → `510` (never `5.1E+2`)."""
    return format(rate.normalize(), "f")


def detect(data: bytes, wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in FORMATS:
            raise OperationFailed(
                [Problem("format", Code.INVALID_CHOICE, {"value": wanted, "choices": ", ".join(FORMATS)})]
            )
        return wanted
    head = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "nbk"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    if set(CSV_HEADER.split(",")) <= {h.strip().lower() for h in re.split("[,;]", first)}:
        return "csv"
    raise OperationFailed([Problem("line 1", BooksCode.RATE_FORMAT, {"value": first[:40]})])


def _rate(raw: str, quant: int = 1) -> Decimal | None:
    """`raw` / `quant` rounded half up to 8 decimals; None: not a rate (≤ 0, not a number, absurd)."""
    try:
        value = Decimal(raw.strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    if quant == 1 and value != value.quantize(PLACES, rounding=ROUND_HALF_UP):
        return None  # typed with more places than kept: refused, not rounded
    rate = (value / quant).quantize(PLACES, rounding=ROUND_HALF_UP)
    if rate <= 0 or rate >= RATE_CEILING:
        return None
    return rate


def _day(raw: str) -> dt.date | None:
    raw = raw.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def parse_nbk(data: bytes) -> Parsed:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # the National Bank sends none; entities are a risk
        raise OperationFailed([Problem("file", BooksCode.RATE_XML, {"value": "<!DOCTYPE>/<!ENTITY> not accepted"})])
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise OperationFailed(
            [Problem(f"line {line}", BooksCode.RATE_XML, {"value": f"{exc.msg} (column {column + 1})"})]
        ) from None
    if root.tag == "rates":
        items, file_day = root.findall("item"), root.findtext("date")
    elif root.tag == "rss":
        items, file_day = root.findall("channel/item"), None
    else:
        raise OperationFailed([Problem("file", BooksCode.RATE_FORMAT, {"value": f"<{root.tag}>"})])
    problems: list[Problem] = []
    parsed = Parsed()
    if root.tag == "rates" and _day(file_day or "") is None:
        problems.append(Problem("rates.date", Code.INVALID if file_day else Code.REQUIRED, {"value": file_day or ""}))
    if not items:
        problems.append(Problem("item", Code.REQUIRED))
    for index, item in enumerate(items, 1):
        where = f"item[{index}]"
        code = (item.findtext("title") or "").strip().upper()
        if not CODE_RE.match(code):
            params = {"value": code or "-", "allowed": ", ".join(CURRENCIES)}
            problems.append(Problem(f"{where}.title", BillingCode.CURRENCY_UNKNOWN, params))
            continue
        if code not in CURRENCIES or code == "KZT":
            parsed.skipped.append(code)
            continue
        raw_day = file_day if root.tag == "rates" else item.findtext("pubDate")
        day = _day(raw_day or "")
        if day is None and root.tag == "rss":
            problems.append(
                Problem(f"{where}.pubDate", Code.INVALID if raw_day else Code.REQUIRED, {"value": raw_day or ""})
            )
        raw_quant = (item.findtext("quant") or "1").strip()
        quant = int(raw_quant) if raw_quant.isdigit() and int(raw_quant) > 0 else None
        if quant is None:
            problems.append(Problem(f"{where}.quant", Code.INVALID, {"value": raw_quant}))
            continue
        raw_rate = item.findtext("description") or ""
        rate = _rate(raw_rate, quant)
        if rate is None:
            problems.append(Problem(f"{where}.description", BooksCode.RATE_INVALID, {"value": raw_rate.strip() or "-"}))
            continue
        if day is not None:
            parsed.rows.append(RateRow(f"{where} ({code})", day, code, "KZT", rate))
    if problems:
        raise OperationFailed(problems)
    return parsed


def parse_csv(data: bytes) -> Parsed:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OperationFailed([Problem("file", BooksCode.RATE_FORMAT, {"value": "not UTF-8"})]) from None
    lines = text.splitlines()
    if not lines:
        raise OperationFailed([Problem("line 1", BooksCode.RATE_FORMAT, {"value": ""})])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    if sorted(header) != sorted(CSV_HEADER.split(",")):
        raise OperationFailed([Problem("line 1", BooksCode.RATE_FORMAT, {"value": delimiter.join(header)[:60]})])
    column = {name: header.index(name) for name in header}
    problems: list[Problem] = []
    parsed = Parsed()
    for number, values in enumerate(reader, 2):
        if not any(v.strip() for v in values):
            continue
        where = f"line {number}"
        if len(values) != len(header):
            problems.append(Problem(where, Code.INVALID, {"value": delimiter.join(values)[:60]}))
            continue
        raw = {name: values[i].strip() for name, i in column.items()}
        day = _day(raw["day"])
        if day is None:
            problems.append(Problem(f"{where}.day", Code.INVALID, {"value": raw["day"]}))
        codes = {}
        for name in ("source", "target"):
            code = raw[name].upper()
            if code not in CURRENCIES:
                problems.append(
                    Problem(
                        f"{where}.{name}",
                        BillingCode.CURRENCY_UNKNOWN,
                        {"value": raw[name] or "-", "allowed": ", ".join(CURRENCIES)},
                    )
                )
            codes[name] = code
        if codes["source"] == codes["target"] and codes["source"] in CURRENCIES:
            problems.append(Problem(f"{where}.target", Code.SAME_VALUE, {"value": codes["target"]}))
        rate = _rate(raw["rate"])
        if rate is None:
            problems.append(Problem(f"{where}.rate", BooksCode.RATE_INVALID, {"value": raw["rate"] or "-"}))
        if day is not None and rate is not None and codes["source"] != codes["target"]:
            parsed.rows.append(RateRow(where, day, codes["source"], codes["target"], rate))
    if problems:
        raise OperationFailed(problems)
    return parsed


def _check(rows: list[RateRow], replace: bool, now: dt.datetime) -> tuple[list[Outcome], list[Problem]]:
    """Each row against tomorrow, the file's other rows and the stored rates: what it would do, or why not."""
    limit = timezone.localdate(now) + dt.timedelta(days=1)
    problems: list[Problem] = []
    outcomes: list[Outcome] = []
    first: dict[tuple[str, str, dt.date], RateRow] = {}
    for row in rows:
        if row.day > limit:
            problems.append(
                Problem(row.where, BooksCode.RATE_FUTURE, {"value": row.day.isoformat(), "limit": limit.isoformat()})
            )
            continue
        key = (row.source, row.target, row.day)
        if key in first:
            if first[key].rate != row.rate:
                params = {
                    "pair": row.pair,
                    "day": row.day.isoformat(),
                    "value": plain(row.rate),
                    "first": plain(first[key].rate),
                }
                problems.append(Problem(row.where, BooksCode.RATE_REPEATED, params))
            continue
        first[key] = row
    by_pair: dict[tuple[str, str], list[RateRow]] = {}
    for row in first.values():
        by_pair.setdefault((row.source, row.target), []).append(row)
    for (source, target), pair_rows in by_pair.items():
        pair_rows.sort(key=lambda r: r.day)
        stored = {
            r.day: r
            for r in ExchangeRate.objects.filter(source=source, target=target, day__in=[r.day for r in pair_rows])
        }
        previous: tuple[dt.date, Decimal] | None = None
        for row in pair_rows:
            before = ExchangeRate.objects.filter(source=source, target=target, day__lt=row.day).order_by("-day").first()
            if before is not None and (previous is None or before.day > previous[0]):
                previous = (before.day, Decimal(before.rate))
            if previous is not None and not (previous[1] / JUMP <= row.rate <= previous[1] * JUMP):
                params = {
                    "pair": row.pair,
                    "value": plain(row.rate),
                    "previous": plain(previous[1]),
                    "previous_day": previous[0].isoformat(),
                }
                problems.append(Problem(row.where, BooksCode.RATE_ABSURD, params))
            previous = (row.day, row.rate)
            old = stored.get(row.day)
            if old is None:
                outcomes.append(Outcome(row, "new"))
            elif Decimal(old.rate) == row.rate:
                outcomes.append(Outcome(row, "unchanged", Decimal(old.rate)))
            elif replace:
                outcomes.append(Outcome(row, "replaced", Decimal(old.rate)))
            else:
                params = {
                    "pair": row.pair,
                    "day": row.day.isoformat(),
                    "stored": plain(Decimal(old.rate)),
                    "value": plain(row.rate),
                }
                problems.append(Problem(row.where, BooksCode.RATE_CONFLICT, params))
    outcomes.sort(key=lambda o: (o.row.day, o.row.source, o.row.target))
    return outcomes, problems


def import_rates(
    data: bytes, file_name: str, fmt: str | None, principal: str, now: dt.datetime, replace: bool = False
) -> RatesImported:
    chosen = detect(data, fmt)
    parsed = parse_nbk(data) if chosen == "nbk" else parse_csv(data)
    who = f"{principal} (import {file_name})"[:200]
    with transaction.atomic():
        outcomes, problems = _check(parsed.rows, replace, now)
        if problems:
            raise OperationFailed(problems)
        for outcome in outcomes:
            row = outcome.row
            if outcome.status == "new":
                ExchangeRate.objects.create(
                    day=row.day, source=row.source, target=row.target, rate=row.rate, entered_by=who
                )
            elif outcome.status == "replaced":
                replace_rate(row.day, row.source, row.target, row.rate, who, now, f"import {file_name}")
    return RatesImported(chosen, outcomes, sorted(set(parsed.skipped)))


def replace_rate(
    day: dt.date, source: str, target: str, rate: Decimal, who: str, now: dt.datetime, reason: str
) -> Decimal | None:
    """Sets the rate of a day and pair, keeping a replaced value in the history; returns the old rate."""
    with transaction.atomic():
        old = ExchangeRate.objects.select_for_update().filter(day=day, source=source, target=target).first()
        if old is None:
            ExchangeRate.objects.create(day=day, source=source, target=target, rate=rate, entered_by=who)
            return None
        previous = Decimal(old.rate)
        if previous != rate:
            ExchangeRateChange.objects.create(
                day=day, source=source, target=target, old_rate=previous, new_rate=rate,
                changed_by=who[:200], changed_at=now, reason=reason[:300],
            )  # fmt: skip
            ExchangeRate.objects.filter(pk=old.pk).update(rate=rate, entered_by=who[:200])
        return previous
