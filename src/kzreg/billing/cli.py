"""`kzreg billing …`: the registry's book from the command line (registry staff).

ACCOUNT is a registrar's handle (its prepaid account at the registry) or an account number `@N` as
`kzreg billing balance` prints it (`@` never occurs in a handle, and the shell leaves it alone).
Problems print as `error: FIELD: message` in the chosen language with exit 1 (`kzreg.cli`);
`check` exits 1 and names every account whose balance is not the sum of its entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from kzreg.billing import cli_books, cli_invoices, cli_payments, cli_rates
from kzreg.billing.access import access_account_by_id, accounts_visible_to
from kzreg.billing.audit import check_ledger
from kzreg.billing.books import open_prepaid
from kzreg.billing.fees import quote
from kzreg.billing.limits import changes_of, set_credit_limit, set_low_balance, trail_differences
from kzreg.billing.models import Account, AccountKind, Entry, Price
from kzreg.billing.money import CURRENCIES, Money, MoneyError, clean_currency
from kzreg.billing.payments import record_payment
from kzreg.billing.prices import clean_request
from kzreg.billing.problems import BillingCode
from kzreg.billing.rates_import import replace_rate
from kzreg.core import clock
from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registry.queries import find_registrar


def register(sub: argparse._SubParsersAction) -> None:
    billing = sub.add_parser("billing", help="the ledger: accounts, payments, balances, prices, the check")
    commands = billing.add_subparsers(dest="billing_command", metavar="ACTION", required=True)

    p = commands.add_parser("check", help="prove every balance equals the sum of its entries (exit 1 if not)")
    p.set_defaults(func=cmd_check)

    p = commands.add_parser("open", help="open a registrar's prepaid account (the fee regime starts)")
    p.add_argument("handle", help="registrar handle, e.g. PS-KZ")
    p.add_argument("currency", help="USD or KZT")
    p.add_argument("--credit-limit", default="0", help="how far below zero the balance may go (default 0)")
    p.set_defaults(func=cmd_open)

    p = commands.add_parser("payment", help="record money received: credits the prepaid account")
    p.add_argument("account", help="registrar handle or @N")
    p.add_argument("amount", help="e.g. 1500.00")
    p.add_argument("currency", help="the account's currency")
    p.add_argument("--reference", default="", help="bank reference, payment order number")
    p.set_defaults(func=cmd_payment)

    p = commands.add_parser("balance", help="prepaid accounts (all, or one registrar's)")
    p.add_argument("handle", nargs="?", help="registrar handle")
    p.set_defaults(func=cmd_balance)

    p = commands.add_parser("statement", help="a deposit's entries, newest first, with their causes")
    p.add_argument("account", help="registrar handle or @N")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    cli_invoices.add_statement_options(p)  # --month YYYY-MM [--pdf|--html] [-o FILE]
    p.set_defaults(func=cmd_statement)

    p = commands.add_parser("credit-limit", help="set how far below zero a prepaid account may go")
    p.add_argument("account", help="registrar handle or @N")
    p.add_argument("amount", help="e.g. 500.00 (0: no credit)")
    p.add_argument("currency", help="the account's currency")
    p.add_argument("--reason", default="", help="why (kept in the account's limit history)")
    p.set_defaults(func=cmd_credit_limit)

    p = commands.add_parser("low-balance", help="poll the registrar when a charge takes it under AMOUNT available")
    p.add_argument("account", help="registrar handle or @N")
    p.add_argument("amount", nargs="?", help="e.g. 300.00; none: no message")
    p.add_argument("currency", nargs="?", help="the account's currency")
    p.add_argument("--reason", default="", help="why (kept in the account's limit history)")
    p.set_defaults(func=cmd_low_balance)

    p = commands.add_parser("limits", help="a deposit's credit limit and threshold changes: who, when, old, new, why")
    p.add_argument("account", help="registrar handle, reseller handle or @N")
    p.set_defaults(func=cmd_limits)

    p = commands.add_parser("rate", help="enter an exchange rate: 1 SOURCE = RATE TARGET from DAY on")
    p.add_argument("source")
    p.add_argument("target")
    p.add_argument("rate", help="e.g. 512.34")
    p.add_argument("--day", help="YYYY-MM-DD (default today)")
    p.set_defaults(func=cmd_rate)

    p = commands.add_parser("price", help="add a price-list row (the registry fee for one command and period)")
    p.add_argument("zone", help="kz or қаз")
    p.add_argument("command", help="create, renew, transfer or restore")
    p.add_argument("years", type=int)
    p.add_argument("amount")
    p.add_argument("currency")
    p.add_argument("--from", dest="valid_from", help="YYYY-MM-DD (default now)")
    p.add_argument("--to", dest="valid_to", help="YYYY-MM-DD, exclusive (default open)")
    p.set_defaults(func=cmd_price)

    p = commands.add_parser("quote", help="what a command costs now (in the registrar's currency)")
    p.add_argument("zone")
    p.add_argument("command")
    p.add_argument("years", type=int)
    p.add_argument("--registrar", help="registrar handle")
    p.set_defaults(func=cmd_quote)
    cli_payments.register(commands)  # import, review, payer
    cli_invoices.register(commands)  # invoice show|pdf|list|cancel|credit
    cli_books.register(commands)  # report, mirror, group; price --wholesale/--retail; reseller handles
    cli_rates.register(commands)  # rates import|list


def _principal() -> str:
    return f"{getpass.getuser()} (cli)"


def _money(amount: str, currency: str, field_name: str = "amount") -> Money:

    try:
        return Money.of(amount, currency)
    except MoneyError as exc:
        if exc.field == "currency":
            params = {"value": currency, "allowed": ", ".join(CURRENCIES)}
            raise OperationFailed([Problem("currency", BillingCode.CURRENCY_UNKNOWN, params)]) from None
        raise OperationFailed([Problem(field_name, BillingCode.AMOUNT_INVALID, {"value": amount})]) from None


def _day(raw: str | None, field_name: str) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise OperationFailed([Problem(field_name, Code.INVALID, {"value": raw})]) from None


def _prepaid(ref: str, lock: bool = False) -> Account:
    """The account named by a handle or `@N`; registry staff see the registry's book only."""

    ref = ref.strip()
    if ref.startswith("@"):
        if not ref[1:].isdigit():
            raise OperationFailed([Problem("account", Code.INVALID, {"value": ref})])
        account = access_account_by_id(Actor.registry_staff(getpass.getuser(), Channel.CLI), int(ref[1:]))
        if account.kind != AccountKind.PREPAID:  # payments and limits are for deposits, not the registry's own
            raise OperationFailed([Problem("account", BillingCode.NO_ACCOUNT, {"holder": ref})])
        if lock:
            account = Account.objects.select_for_update().select_related("book").get(pk=account.pk)
        return account
    return cli_books.deposit_by_handle(ref, lock=lock)  # a registrar's handle, else a reseller's


def _line(account: Account) -> str:
    limit = account.credit_limit
    available = account.available
    return (
        f"@{account.pk}\t{account.name}\t{account.balance}\t"
        f"limit {limit if limit is not None else '-'}\tavailable {available if available is not None else '-'}"
    )


def cmd_check(args: argparse.Namespace) -> int:

    findings = check_ledger()
    for diff in findings.differences:
        print(
            f"DIFFERS @{diff.account.pk} {diff.account.name}: balance {diff.balance}, entries add up to {diff.entries}"
        )
    for tx in findings.unbalanced:
        print(f"UNBALANCED transaction #{tx.transaction_id}: {tx.total}")
    limits = trail_differences()
    for limit in limits:
        value, trail = (str(v) if v is not None else "none" for v in (limit.value, limit.trail))
        print(
            f"LIMIT DIFFERS @{limit.account.pk} {limit.account.name}: {limit.field} {value}, its history says {trail}"
        )
    ok = findings.ok and not limits
    summary = f"{findings.accounts_checked} accounts, {findings.transactions_checked} transactions"
    print(("ok: " if ok else "FAILED: ") + summary)
    return 0 if ok else 1


def cmd_open(args: argparse.Namespace) -> int:

    limit = _money(args.credit_limit, args.currency, "credit_limit")
    _not_negative(limit, "credit_limit")
    registrar = find_registrar(args.handle)
    account = open_prepaid(registrar.id, registrar.handle, limit.currency, clock.now(), credit_limit=limit,
                           principal=_principal())  # fmt: skip
    print(f"opened {_line(account)}")
    return 0


def cmd_payment(args: argparse.Namespace) -> int:

    amount = _money(args.amount, args.currency)
    with transaction.atomic():
        account = _prepaid(args.account)
        tx = record_payment(account, amount, _principal(), clock.now(), args.reference)
    account.refresh_from_db()
    print(f"payment #{tx.pk} recorded: {amount}\n{_line(account)}")
    return 0


def cmd_balance(args: argparse.Namespace) -> int:

    if args.handle:
        print(_line(_prepaid(args.handle)))
        return 0
    staff = Actor.registry_staff(getpass.getuser(), Channel.CLI)
    for account in accounts_visible_to(staff).filter(kind=AccountKind.PREPAID).order_by("name"):
        print(_line(account))
    return 0


def cmd_statement(args: argparse.Namespace) -> int:
    if args.month:
        return cli_invoices.cmd_month_statement(args, _prepaid(args.account))
    if args.limit < 1:
        raise OperationFailed([Problem("limit", Code.INVALID, {"value": args.limit})])
    account = _prepaid(args.account)
    entries = Entry.objects.filter(account=account).select_related("transaction").order_by("-id")[: args.limit]
    print(_line(account))
    for entry in entries:
        tx = entry.transaction
        cause = " ".join(filter(None, [tx.operation, tx.object_key, tx.fee_command, tx.reference]))
        print(f"#{tx.pk}\t{tx.created_at:%Y-%m-%d %H:%M}\t{tx.kind}\t{entry.amount}\t{cause}")
    return 0


def cmd_credit_limit(args: argparse.Namespace) -> int:
    limit = _money(args.amount, args.currency)
    _not_negative(limit, "amount")
    with transaction.atomic():
        account = _prepaid(args.account, lock=True)
        set_credit_limit(account, limit, _principal(), clock.now(), args.reason)
    print(_line(account))
    return 0


def cmd_low_balance(args: argparse.Namespace) -> int:
    threshold = None
    if args.amount is not None:
        if args.currency is None:
            raise OperationFailed([Problem("currency", Code.REQUIRED)])
        threshold = _money(args.amount, args.currency)
        _not_negative(threshold, "amount")
    with transaction.atomic():
        account = _prepaid(args.account, lock=True)
        set_low_balance(account, threshold, _principal(), clock.now(), args.reason)
    print(f"{account.name}: low-balance message {'under ' + str(threshold) if threshold else 'off'}")
    return 0


def cmd_limits(args: argparse.Namespace) -> int:
    account = _prepaid(args.account)
    low = account.low_balance_minor
    print(f"{_line(account)}\tlow-balance {Money.from_minor(low, account.currency) if low is not None else '-'}")
    for change in changes_of(account):
        old, new = (str(v) if v is not None else "-" for v in (change.old, change.new))
        when = f"{change.changed_at:%Y-%m-%d %H:%M}"
        print(f"{when}\t{change.field}\t{old} → {new}\t{change.changed_by}\t{change.reason}".rstrip())
    return 0


def cmd_rate(args: argparse.Namespace) -> int:

    source, target = (_currency(v, f) for v, f in ((args.source, "source"), (args.target, "target")))
    try:
        rate = Decimal(args.rate.strip())
    except InvalidOperation:
        rate = Decimal(0)
    problems = []
    if source == target:
        problems.append(Problem("target", Code.SAME_VALUE, {"value": target}))
    if not rate.is_finite() or rate <= 0 or rate != rate.quantize(Decimal("1e-8")) or rate >= Decimal("1e12"):
        problems.append(Problem("rate", Code.INVALID, {"value": args.rate}))
    if problems:
        raise OperationFailed(problems)
    day = _day(args.day, "day") or timezone.localdate(clock.now())
    old = replace_rate(day, source, target, rate, _principal(), clock.now(), "kzreg billing rate")
    was = f" (was {old}; kept in the history)" if old is not None and old != rate else ""
    print(f"{day}: 1 {source} = {rate} {target}{was}")
    return 0


def cmd_price(args: argparse.Namespace) -> int:

    amount = _money(args.amount, args.currency)
    zone, command, years = clean_request(args.zone, args.command, args.years)
    _not_negative(amount, "amount")
    start, end = _day(args.valid_from, "from"), _day(args.valid_to, "to")
    valid_from = _midnight(start) if start else clock.now()
    valid_to = _midnight(end) if end else None
    if valid_to is not None and valid_to <= valid_from:
        raise OperationFailed([Problem("to", Code.INVALID, {"value": args.valid_to})])
    Price.objects.create(
        zone=zone, command=command, years=years, amount_minor=amount.minor, currency=amount.currency,
        valid_from=valid_from, valid_to=valid_to, entered_by=_principal(),
    )  # fmt: skip
    print(f"{command} {zone} {years}y: {amount} from {valid_from:%Y-%m-%d %H:%M} to {valid_to or 'open'}")
    return 0


def cmd_quote(args: argparse.Namespace) -> int:

    registrar_id = find_registrar(args.registrar).id if args.registrar else None
    q = quote(args.zone, args.command, args.years, registrar_id)
    print(
        f"quote {q.id}: {q.command} {q.zone} {q.years}y {q.amount} {q.currency}, valid until {q.expires_at:%Y-%m-%d %H:%M:%S}Z"
    )
    return 0


def _currency(raw: str, field_name: str) -> str:

    try:
        return clean_currency(raw)
    except MoneyError:
        params = {"value": raw, "allowed": ", ".join(CURRENCIES)}
        raise OperationFailed([Problem(field_name, BillingCode.CURRENCY_UNKNOWN, params)]) from None


def _not_negative(amount: Money, field_name: str) -> None:
    if amount.minor < 0:
        raise OperationFailed([Problem(field_name, BillingCode.AMOUNT_NEGATIVE, {"value": amount.plain})])


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
