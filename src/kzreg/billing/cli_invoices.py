"""`kzreg billing invoice show|pdf|list|cancel|credit` and the monthly form of `kzreg billing statement`
(registry staff; the registry's book).

A document prints in its own language unless `--language` says otherwise; a statement in `--language`,
else the messages' `--lang`. Amounts print with two decimals and the currency (₸ for KZT), the same
text the PDF carries (`invoices_texts.money_text`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from kzreg.billing.books import registry_book
from kzreg.billing.invoices import LANGUAGES, cancel_invoice, credit_note, find_invoice, outstanding
from kzreg.billing.invoices_texts import labels, money_text, quantity_text, rate_text
from kzreg.billing.models import Account, Invoice, InvoiceKind, InvoiceStatus
from kzreg.billing.money import Money, MoneyError
from kzreg.billing.pdf import check_language, invoice_pdf, statement_html, statement_pdf
from kzreg.billing.problems import BillingCode
from kzreg.billing.statements import Month, Statement, build_statement
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code


def register(commands: argparse._SubParsersAction) -> None:
    invoice = commands.add_parser("invoice", help="invoices and credit notes of the registry's book")
    actions = invoice.add_subparsers(dest="invoice_command", metavar="ACTION", required=True)

    p = actions.add_parser("show", help="an invoice or credit note as text")
    p.add_argument("number", help="e.g. 2026-000001 or CN-2026-000001")
    p.add_argument("--language", choices=LANGUAGES, help="default: the document's own")
    p.set_defaults(func=cmd_show)

    p = actions.add_parser("pdf", help="an invoice or credit note as PDF")
    p.add_argument("number")
    p.add_argument("-o", "--output", help="file to write (default: NUMBER.pdf; - for stdout)")
    p.add_argument("--language", choices=LANGUAGES, help="default: the document's own")
    p.set_defaults(func=cmd_pdf)

    p = actions.add_parser("list", help="invoices and credit notes, newest first")
    p.add_argument("--status", choices=[s.value for s in InvoiceStatus])
    p.add_argument("--year", type=int)
    p.add_argument("--buyer", help="the buyer's BIN/IIN")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("cancel", help="cancel an unpaid invoice (it keeps its number)")
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_cancel)

    p = actions.add_parser("credit", help="issue a credit note for part or all of an invoice")
    p.add_argument("number")
    p.add_argument("amount", help="the gross amount credited, e.g. 34.80")
    p.add_argument("currency")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_credit)


def add_statement_options(p: argparse.ArgumentParser) -> None:
    """The monthly statement's options on the existing `billing statement` command."""
    p.add_argument("--month", help="YYYY-MM: the monthly statement (opening, movements, closing)")
    p.add_argument("--pdf", action="store_true", help="with --month: write a PDF")
    p.add_argument("--html", action="store_true", help="with --month: write HTML")
    p.add_argument("-o", "--output", help="with --pdf/--html: the file (default: STATEMENT-ACCOUNT-MONTH.pdf)")
    p.add_argument("--language", choices=LANGUAGES, help="the statement's language (default: --lang)")


def _principal() -> str:
    return f"cli:{getpass.getuser()}"


def _invoice(number: str) -> Invoice:
    return find_invoice(registry_book(clock.now()), number)


def _write(data: bytes, output: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise OperationFailed([Problem("output", Code.INVALID, {"value": f"{output} ({exc.strerror})"})]) from None
    print(f"wrote {output} ({len(data)} bytes)")


def invoice_text(invoice: Invoice, language: str) -> str:
    t = labels(check_language(language))
    heading = t["credit_note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "invoice"]
    out = [f"{heading} {t['number']} {invoice.number}  ({t['status']}: {t['status_' + invoice.status]})"]
    out.append(f"{t['date']}: {invoice.issued_on:%d.%m.%Y}  {t['due']}: {invoice.due_on:%d.%m.%Y}")
    if invoice.credits is not None:
        out.append(f"{t['credits']}: {invoice.credits.number}  {t['reason']}: {invoice.note}")
    for title, party in ((t["seller"], invoice.seller), (t["buyer"], invoice.buyer)):
        details = [party.get("name", "")] + [f"{t[k]} {party[k]}" for k in ("bin", "address", "iban") if party.get(k)]
        out.append(f"{title}: " + "; ".join(details))
    for line in invoice.lines.order_by("position"):
        money = [Money.from_minor(m, invoice.currency) for m in (line.unit_price_minor, line.net_minor)]
        vat, gross = (Money.from_minor(m, invoice.currency) for m in (line.vat_minor, line.gross_minor))
        out.append(
            f"{line.position}. {line.description}\t{quantity_text(line.quantity)} × {money_text(money[0])}"
            f"\t{t['net']} {money_text(money[1])}\t{t['vat']} {rate_text(line.vat_rate)} {money_text(vat)}"
            f"\t{t['gross']} {money_text(gross)}"
        )
    out.append(
        f"{t['total']}: {t['net']} {money_text(invoice.net)}, {t['vat']} {money_text(invoice.vat)}, "
        f"{t['gross']} {money_text(invoice.gross)}"
    )
    if invoice.status == InvoiceStatus.CANCELLED:
        out.append(f"{t['status_cancelled']}: {invoice.cancel_reason}")
    return "\n".join(out).replace("\u00a0", " ")


def cmd_show(args: argparse.Namespace) -> int:
    invoice = _invoice(args.number)
    print(invoice_text(invoice, args.language or invoice.language))
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    invoice = _invoice(args.number)
    _write(invoice_pdf(invoice, args.language), args.output or f"{invoice.number}.pdf")
    return 0


def listed(args: argparse.Namespace) -> QuerySet[Invoice]:
    if args.limit < 1:
        raise OperationFailed([Problem("limit", Code.INVALID, {"value": args.limit})])
    found = Invoice.objects.filter(book=registry_book(clock.now()))
    if args.status:
        found = found.filter(status=args.status)
    if args.year:
        found = found.filter(year=args.year)
    if args.buyer:
        found = found.filter(buyer_bin=args.buyer.strip())
    return found.order_by("-issued_on", "-id")


def cmd_list(args: argparse.Namespace) -> int:
    for invoice in listed(args)[: args.limit]:
        due = outstanding(invoice)
        print(
            f"{invoice.number}\t{invoice.issued_on}\t{invoice.status}\t{invoice.buyer.get('name', '')}"
            f"\t{money_text(invoice.gross)}\t{'owed ' + money_text(due) if due.minor else ''}".replace("\u00a0", " ")
        )
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    invoice = cancel_invoice(_invoice(args.number), args.reason, clock.now(), _principal())
    print(f"{invoice.number} cancelled (#{invoice.cancelled_tx_id} reverses #{invoice.issued_tx_id})")
    return 0


def cmd_credit(args: argparse.Namespace) -> int:
    try:
        amount = Money.of(args.amount, args.currency)
    except MoneyError as exc:
        code = BillingCode.CURRENCY_UNKNOWN if exc.field == "currency" else BillingCode.AMOUNT_INVALID
        params = {"value": exc.value, "allowed": "KZT, USD"}
        raise OperationFailed([Problem(exc.field, code, params)]) from None
    note = credit_note(_invoice(args.number), clock.now(), _principal(), args.reason, amount=amount)
    print(f"{note.number}: {money_text(note.gross)} on {args.number.strip()}".replace("\u00a0", " "))
    return 0


def cmd_month_statement(args: argparse.Namespace, account: Account) -> int:
    """`billing statement ACCOUNT --month YYYY-MM [--pdf|--html] [-o FILE]`."""
    month = Month.parse(args.month)
    statement = build_statement(account, month, check_language(args.language or args.lang))
    if args.pdf or args.html:
        data = statement_pdf(statement) if args.pdf else statement_html(statement).encode()
        default = f"statement-{account.pk}-{month}.{'pdf' if args.pdf else 'html'}"
        _write(data, args.output or default)
        return 0
    print(statement_text(statement))
    return 0


def statement_text(statement: Statement) -> str:
    t = labels(statement.language)
    out = [
        f"{t['statement']} {statement.month}: @{statement.account.pk} {statement.account.name}",
        f"{t['opening']}: {money_text(statement.opening)}",
    ]
    for m in statement.movements:
        out.append(
            f"#{m.transaction_id}\t{timezone.localtime(m.at):%Y-%m-%d %H:%M}\t{m.text}\t{money_text(m.amount)}\t{money_text(m.balance)}"
        )
    out.append(f"{t['debit']}: {money_text(statement.debits)}  {t['credit']}: {money_text(statement.credits)}")
    out.append(f"{t['closing']}: {money_text(statement.closing)}")
    return "\n".join(out).replace("\u00a0", " ")
