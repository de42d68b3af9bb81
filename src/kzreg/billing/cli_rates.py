"""`kzreg billing rates import|list`: exchange rates from the National Bank's daily file or a CSV, and the
stored rates (registry staff). The file is given; kzreg fetches nothing (docs/billing.md, "Rate import").
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path

from kzreg.billing.models import ExchangeRate, ExchangeRateChange
from kzreg.billing.money import CURRENCIES, MoneyError, clean_currency
from kzreg.billing.problems import BillingCode
from kzreg.billing.rates_import import FORMATS, import_rates, plain
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def register(commands: argparse._SubParsersAction) -> None:
    rates = commands.add_parser("rates", help="exchange rates: import the National Bank's file or a CSV, list")
    actions = rates.add_subparsers(dest="rates_command", metavar="ACTION", required=True)
    p = actions.add_parser(
        "import", help="import rates from a file (all or nothing); the same file twice writes nothing"
    )
    p.add_argument(
        "file", help="the National Bank's rates XML (get_rates.cfm, rates_all.xml) or day,source,target,rate CSV"
    )
    p.add_argument("--format", choices=FORMATS, help="default: recognised from the first line")
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace a stored rate of the same day (the old one stays in the history)",
    )
    p.set_defaults(func=cmd_rates_import)
    p = actions.add_parser("list", help="stored rates, newest day first, with replaced values")
    p.add_argument("--pair", help="SOURCE/TARGET, e.g. USD/KZT")
    p.add_argument("--from", dest="day_from", help="YYYY-MM-DD: this day and later")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_rates_list)


def cmd_rates_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OperationFailed([Problem("file", Code.INVALID, {"value": f"{args.file} ({exc.strerror})"})]) from None
    result = import_rates(data, path.name, args.format, f"{getpass.getuser()} (cli)", clock.now(), args.replace)
    counts = {"new": 0, "replaced": 0, "unchanged": 0}
    for outcome in result.outcomes:
        row = outcome.row
        was = f" (was {plain(outcome.old)})" if outcome.status == "replaced" and outcome.old is not None else ""
        print(f"{row.where}: {row.day} 1 {row.source} = {plain(row.rate)} {row.target}: {outcome.status}{was}")
        counts[outcome.status] += 1
    skipped = f", {len(result.skipped)} skipped ({' '.join(result.skipped)})" if result.skipped else ""
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    print(f"rates {path.name} ({result.format}): {summary}{skipped}")
    return 0


def _pair(raw: str) -> tuple[str, str]:
    source, _, target = raw.partition("/")
    try:
        return clean_currency(source), clean_currency(target)
    except MoneyError:
        params = {"value": raw, "allowed": ", ".join(CURRENCIES)}
        raise OperationFailed([Problem("pair", BillingCode.CURRENCY_UNKNOWN, params)]) from None


def cmd_rates_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise OperationFailed([Problem("limit", Code.INVALID, {"value": args.limit})])
    rates = ExchangeRate.objects.order_by("-day", "source", "target")
    changes = ExchangeRateChange.objects.order_by("changed_at", "id")
    if args.pair:
        source, target = _pair(args.pair)
        rates, changes = rates.filter(source=source, target=target), changes.filter(source=source, target=target)
    if args.day_from:
        try:
            start = dt.date.fromisoformat(args.day_from.strip())
        except ValueError:
            raise OperationFailed([Problem("from", Code.INVALID, {"value": args.day_from})]) from None
        rates, changes = rates.filter(day__gte=start), changes.filter(day__gte=start)
    history: dict[tuple[dt.date, str, str], list[ExchangeRateChange]] = {}
    for change in changes:
        history.setdefault((change.day, change.source, change.target), []).append(change)
    for rate in rates[: args.limit]:
        print(f"{rate.day}\t1 {rate.source} = {plain(rate.rate)} {rate.target}\t{rate.entered_by}")
        for change in history.get((rate.day, rate.source, rate.target), []):
            print(
                f"\t  replaced {plain(change.old_rate)} → {plain(change.new_rate)} "
                f"{change.changed_at:%Y-%m-%d %H:%M} {change.changed_by} {change.reason}".rstrip()
            )
    return 0
