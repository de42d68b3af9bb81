"""`kzreg billing import|review|payer …`: bank statements, the review queue, payers' BINs — of the
registry's book, or with `--book HANDLE` of a registrar's own book (its resellers' payments).

`import` prints one result per payment document (`line N: booked|review|duplicate|skipped …`) after the
whole file is booked; a broken file prints every broken line and books nothing (exit 1).
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from kzreg.billing.bankimport.importer import FORMATS, import_statement
from kzreg.billing.bankimport.payers import remove_payer, set_payer
from kzreg.billing.models import BankLine, BankLineStatus, OwnerKind, Payer
from kzreg.billing.money import CURRENCIES, MoneyError, clean_currency
from kzreg.billing.problems import BillingCode
from kzreg.billing.review import assign, assign_invoice, lines_of, reason_problem, reject, waiting
from kzreg.billing.review_accounts import book_account, statement_book
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

BOOK_HELP = "registry (default) or a registrar's handle: that registrar's own book"


def _with_book(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--book", help=BOOK_HELP)
    return p


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("import", help="import a bank statement (1C Client-Bank or CSV): book, queue, skip repeats")
    p.add_argument("file", help="the statement file")
    p.add_argument("--format", choices=sorted(FORMATS), help="default: recognised from the first line")
    p.add_argument("--currency", default="KZT", help="the statement account's currency (default KZT)")
    _with_book(p).set_defaults(func=cmd_import)

    review = commands.add_parser("review", help="bank lines waiting for staff: list, assign, reject")
    actions = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="lines waiting (with --all: every line, decided ones too)")
    p.add_argument("--all", action="store_true")
    p.add_argument("--limit", type=int, default=100)
    _with_book(p).set_defaults(func=cmd_review_list)
    p = actions.add_parser("assign", help="book a waiting line to an account (registrar handle or @N) or an invoice")
    p.add_argument("line", type=int)
    p.add_argument("account", nargs="?", help="registrar handle or @N (with --book: a reseller handle or @N)")
    p.add_argument("--invoice", help="an invoice number of the book, e.g. 2026-000012")
    _with_book(p).set_defaults(func=cmd_review_assign)
    p = actions.add_parser("reject", help="close a waiting line without booking it")
    p.add_argument("line", type=int)
    p.add_argument("--note", default="", help="why (returned by the bank, not ours)")
    _with_book(p).set_defaults(func=cmd_review_reject)

    payer = commands.add_parser("payer", help="payers' BIN/IIN → account, for matching bank lines")
    actions = payer.add_subparsers(dest="payer_command", metavar="ACTION", required=True)
    p = actions.add_parser("set", help="match payments from BIN to ACCOUNT")
    p.add_argument("bin", help="12 digits")
    p.add_argument("account", help="registrar handle or @N (with --book: a reseller handle or @N)")
    p.add_argument("--name", default="", help="the payer's name, for people")
    _with_book(p).set_defaults(func=cmd_payer_set)
    p = actions.add_parser("list", help="every known payer of the book")
    _with_book(p).set_defaults(func=cmd_payer_list)
    p = actions.add_parser("remove", help="forget a BIN")
    p.add_argument("bin")
    _with_book(p).set_defaults(func=cmd_payer_remove)


def _principal() -> str:
    return f"{getpass.getuser()} (cli)"


def _result(line: BankLine, lang: str) -> str:
    text = f"line {line.line_no}: {line.status} #{line.pk} {line.number} {line.date:%Y-%m-%d} {line.amount}"
    if line.status == BankLineStatus.BOOKED and line.account is not None:
        invoice = f"invoice {line.invoice_number}, " if line.invoice_number else ""
        text += f" → {invoice}{line.account.name} (transaction #{line.transaction_id})"
    problem = reason_problem(line)
    if problem is not None:
        text += f": {problem.message(lang)}"
    return text


def cmd_import(args: argparse.Namespace) -> int:
    try:
        currency = clean_currency(args.currency)
    except MoneyError:
        params = {"value": args.currency, "allowed": ", ".join(CURRENCIES)}
        raise OperationFailed([Problem("currency", BillingCode.CURRENCY_UNKNOWN, params)]) from None
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OperationFailed([Problem("file", Code.INVALID, {"value": f"{args.file} ({exc.strerror})"})]) from None
    now = clock.now()
    book = statement_book(args.book, now)
    imported = import_statement(data, path.name, args.format, currency, _principal(), now, book)
    counts: dict[str, int] = {}
    for line in imported.lines:
        print(_result(line, args.lang))
        counts[line.status] = counts.get(line.status, 0) + 1
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in BankLineStatus.values)
    statement = imported.statement
    into = f" into {book.name}" if book.owner_kind != OwnerKind.REGISTRY else ""
    print(f"statement #{statement.pk} {statement.file_name}{into} ({statement.format}): {summary}")
    return 0


def cmd_review_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise OperationFailed([Problem("limit", Code.INVALID, {"value": args.limit})])
    book = statement_book(args.book, clock.now())
    lines = lines_of(book) if args.all else waiting(book)
    for line in lines[: args.limit]:
        payer = " ".join(filter(None, [line.payer_bin, line.payer_name]))
        problem = reason_problem(line)
        reason = problem.message(args.lang) if problem else line.reason
        print(
            f"#{line.pk}\t{line.status}\t{line.date:%Y-%m-%d}\t{line.number}\t{line.amount}\t{payer}\t"
            f"{line.purpose[:80]}\t{reason}"
        )
    return 0


def cmd_review_assign(args: argparse.Namespace) -> int:
    if (args.account is None) == (args.invoice is None):
        raise OperationFailed([Problem("account", Code.REQUIRED)])
    now = clock.now()
    book = statement_book(args.book, now)
    if args.invoice is not None:
        line = assign_invoice(args.line, args.invoice, _principal(), now, book)
    else:
        line = assign(args.line, book_account(book, args.account), _principal(), now, book)
    print(_result(line, args.lang))
    return 0


def cmd_review_reject(args: argparse.Namespace) -> int:
    now = clock.now()
    line = reject(args.line, _principal(), now, args.note, statement_book(args.book, now))
    print(f"line #{line.pk} rejected")
    return 0


def cmd_payer_set(args: argparse.Namespace) -> int:
    now = clock.now()
    book = statement_book(args.book, now)
    payer = set_payer(args.bin, book_account(book, args.account), args.name, _principal(), now, book)
    print(f"{payer.bin} → @{payer.account_id} {payer.account.name}")
    return 0


def cmd_payer_list(args: argparse.Namespace) -> int:
    book = statement_book(args.book, clock.now())
    for payer in Payer.objects.filter(book=book).select_related("account").order_by("bin"):
        print(f"{payer.bin}\t@{payer.account_id} {payer.account.name}\t{payer.name}")
    return 0


def cmd_payer_remove(args: argparse.Namespace) -> int:
    remove_payer(args.bin, statement_book(args.book, clock.now()))
    print(f"{args.bin.strip()} removed")
    return 0
