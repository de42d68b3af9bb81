"""`kzreg billing …` for the registrar's and resellers' books: reports, the payable mirror, reseller
groups, wholesale and retail prices (`price … --wholesale/--retail`), and reseller handles wherever an
ACCOUNT is named (`open`, `payment`, `balance`, `statement`, `credit-limit`).

A handle is a registrar's first (its prepaid account at the registry), else a reseller's (its prepaid
account in its registrar's book): the two wings' handles are distinct in practice, and a registrar's
handle keeps its meaning.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from kzreg.billing.books import (
    open_reseller_deposit,
    prepaid_account,
    registrar_book,
    registry_book,
    reseller_book,
    reseller_deposit,
)
from kzreg.billing.mirror import mirror_deposit
from kzreg.billing.models import Account, Book, ResellerGroup
from kzreg.billing.price_lists import (
    assign_group,
    create_group,
    set_own_retail_price,
    set_retail_price,
    set_wholesale_price,
)
from kzreg.billing.problems import BillingCode
from kzreg.billing.reports import BUCKETS, DIMENSIONS, ageing, ageing_csv, revenue, revenue_csv
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.models import Registrar
from kzreg.registry.queries import find_registrar
from kzreg.resellers.models import Reseller


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("report", help="revenue by zone/operation/registrar/reseller and month; ageing")
    p.add_argument("report", choices=("revenue", "ageing"))
    p.add_argument("--by", default="zone", help=f"revenue by {', '.join(DIMENSIONS)} (default zone)")
    p.add_argument("--from", dest="start", help="YYYY-MM-DD, inclusive (default: a year before --to)")
    p.add_argument("--to", dest="end", help="YYYY-MM-DD, exclusive (default tomorrow); ageing: the day aged at")
    p.add_argument("--book", default="registry", help="registry (default), a registrar's or reseller's handle")
    p.add_argument("--csv", dest="csv_file", help="write CSV to FILE (- for standard output)")
    p.set_defaults(func=cmd_report)

    p = commands.add_parser("mirror", help="post the registry's charges and payments into registrars' own books")
    p.add_argument("handle", nargs="?", help="registrar handle (default: every registrar with a deposit)")
    p.set_defaults(func=cmd_mirror)

    p = commands.add_parser("group", help="a registrar's reseller group; with --add, put resellers in it")
    p.add_argument("registrar", help="registrar handle")
    p.add_argument("name", help="group name, e.g. partners")
    p.add_argument("--add", nargs="*", default=[], metavar="RESELLER", help="reseller handles to put in it")
    p.set_defaults(func=cmd_group)

    price = commands.choices["price"]
    choice = price.add_mutually_exclusive_group()
    choice.add_argument("--wholesale", metavar="REGISTRAR", help="a registrar's wholesale price to its resellers")
    choice.add_argument("--retail", metavar="SELLER", help="a reseller's (or registrar's own) retail price")
    price.add_argument("--reseller", help="with --wholesale: for this reseller only")
    price.add_argument("--group", help="with --wholesale: for this reseller group")
    price.set_defaults(func=_price(price.get_default("func")))

    opening = commands.choices["open"]
    opening.set_defaults(func=_open(opening.get_default("func")))


def deposit_by_handle(handle: str, lock: bool = False) -> Account:
    """A registrar's prepaid account at the registry, else a reseller's in its registrar's book."""
    registrar = Registrar.objects.filter(handle=handle.strip().upper()).first()
    if registrar is not None:
        found = prepaid_account(registrar.id, lock=lock)
        holder = registrar.handle
    else:
        reseller = Reseller.objects.filter(handle=handle.strip().upper()).first()
        if reseller is None:
            find_registrar(handle)  # neither: "registrar not found", as before resellers had accounts
            raise AssertionError("unreachable")
        found = reseller_deposit(reseller)
        if found is not None and lock:
            found = Account.objects.select_for_update().select_related("book").get(pk=found.pk)
        holder = reseller.handle
    if found is None:
        raise OperationFailed([Problem("account", BillingCode.NO_ACCOUNT, {"holder": holder})])
    return found


def _reseller(handle: str, field: str) -> Reseller:
    reseller = Reseller.objects.select_related("registrar").filter(handle=handle.strip().upper()).first()
    if reseller is None:
        raise OperationFailed([Problem(field, Code.NOT_FOUND, {"kind": "reseller", "key": handle.strip().upper()})])
    return reseller


def _registrar(handle: str, field: str) -> Registrar:
    registrar = Registrar.objects.filter(handle=handle.strip().upper()).first()
    if registrar is None:
        raise OperationFailed([Problem(field, Code.NOT_FOUND, {"kind": "registrar", "key": handle.strip().upper()})])
    return registrar


def _open(original: Any) -> Any:
    def cmd_open(args: argparse.Namespace) -> int:
        handle = args.handle.strip().upper()
        if Registrar.objects.filter(handle=handle).exists() or not Reseller.objects.filter(handle=handle).exists():
            return int(original(args))  # a registrar's handle (or nobody's: the original says so)
        from kzreg.billing import cli as base

        reseller = _reseller(args.handle, "handle")
        limit = base._money(args.credit_limit, args.currency, "credit_limit")
        base._not_negative(limit, "credit_limit")
        account = open_reseller_deposit(reseller, limit.currency, clock.now(), credit_limit=limit,
                                        principal=base._principal())  # fmt: skip
        print(f"opened {base._line(account)} in {account.book.name}")
        return 0

    return cmd_open


def _price(original: Any) -> Any:
    def cmd_price(args: argparse.Namespace) -> int:
        if not args.wholesale and not args.retail:
            if args.reseller or args.group:
                raise OperationFailed([Problem("wholesale", Code.REQUIRED)])
            return int(original(args))
        from kzreg.billing import cli as base

        amount = base._money(args.amount, args.currency)
        start, end = base._day(args.valid_from, "from"), base._day(args.valid_to, "to")
        valid_from = base._midnight(start) if start else clock.now()
        valid_to = base._midnight(end) if end else None
        request = (args.zone, args.command, args.years, amount, base._principal(), valid_from, valid_to)
        if args.wholesale:
            registrar = _registrar(args.wholesale, "wholesale")
            reseller = _reseller(args.reseller, "reseller") if args.reseller else None
            group = _group(registrar, args.group) if args.group else None
            row = set_wholesale_price(registrar, *request, reseller=reseller, group=group)
            whom = reseller.handle if reseller else f"group {group.name}" if group else "all resellers"
            print(f"wholesale {registrar.handle} → {whom}: {_row(row)}")
            return 0
        if args.reseller or args.group:
            raise OperationFailed([Problem("retail", Code.INVALID, {"value": args.retail})])
        seller = Registrar.objects.filter(handle=args.retail.strip().upper()).first()
        if seller is not None:
            row = set_own_retail_price(seller, *request)
        else:
            row = set_retail_price(_reseller(args.retail, "retail"), *request)
        print(f"retail {args.retail.strip().upper()}: {_row(row)}")
        return 0

    return cmd_price


def _row(row: Any) -> str:
    until = f"{row.valid_to:%Y-%m-%d %H:%M}" if row.valid_to else "open"
    return f"{row.command} {row.zone} {row.years}y {row.amount} from {row.valid_from:%Y-%m-%d %H:%M} to {until}"


def _group(registrar: Registrar, name: str) -> ResellerGroup:
    group = ResellerGroup.objects.filter(registrar_id=registrar.id, name=name.strip()).first()
    if group is None:
        raise OperationFailed([Problem("group", Code.NOT_FOUND, {"kind": "reseller_group", "key": name})])
    return group


def cmd_group(args: argparse.Namespace) -> int:
    registrar = _registrar(args.registrar, "registrar")
    resellers = [_reseller(handle, "add") for handle in args.add]
    group = create_group(registrar, args.name, clock.now())
    for reseller in resellers:
        assign_group(reseller, group, clock.now())
    members = Reseller.objects.filter(id__in=group.members.values("reseller_id")).values_list("handle", flat=True)
    print(f"{registrar.handle} group {group.name}: {', '.join(sorted(members)) or '(no resellers)'}")
    return 0


def cmd_mirror(args: argparse.Namespace) -> int:
    if args.handle:
        registrars = [_registrar(args.handle, "handle")]
    else:
        holders = Account.objects.filter(book=registry_book(clock.now()), kind="prepaid").values("holder_key")
        registrars = list(Registrar.objects.filter(id__in=[int(h["holder_key"]) for h in holders]).order_by("handle"))
    for registrar in registrars:
        print(f"{registrar.handle}: {mirror_deposit(registrar, clock.now())} transactions mirrored")
    return 0


def _book(ref: str) -> Book:
    now = clock.now()
    if ref.strip().lower() == "registry":
        return registry_book(now)
    registrar = Registrar.objects.filter(handle=ref.strip().upper()).first()
    if registrar is not None:
        mirror_deposit(registrar, now)  # the payable is up to date before the book is read
        return registrar_book(registrar, now)
    return reseller_book(_reseller(ref, "book"), now)


def cmd_report(args: argparse.Namespace) -> int:
    from kzreg.billing import cli as base

    book = _book(args.book)
    today = clock.now().date()
    end = base._day(args.end, "to") or today + dt.timedelta(days=1)
    if args.report == "ageing":
        rows = ageing(book, base._day(args.end, "to") or today)
        text = ageing_csv(rows)
        table = [
            f"{r.debtor}\t" + "\t".join(f"{b} {r.buckets[b].plain}" for b in BUCKETS) + f"\t= {r.total}" for r in rows
        ]
    else:
        start = base._day(args.start, "from") or end.replace(year=end.year - 1)
        revenue_rows = revenue(book, args.by, start, end)
        text = revenue_csv(revenue_rows, args.by)
        table = [f"{r.month}\t{r.key}\t{r.amount}" for r in revenue_rows]
    if args.csv_file == "-":
        print(text, end="")
    elif args.csv_file:
        Path(args.csv_file).write_text(text, encoding="utf-8")
        print(f"{len(table)} rows written to {args.csv_file}")
    else:
        print(f"{args.report} of {book.name}" + (f" by {args.by}" if args.report == "revenue" else ""))
        print("\n".join(table) if table else "(nothing)")
    return 0
