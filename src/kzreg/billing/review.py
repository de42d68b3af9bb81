"""The review queue: bank lines that matched no invoice and no known payer (or a payer's account in
another currency). Staff assign each to an account — booked then, as the import would have — or reject
it (money that is not ours to book: returned by the bank, a wrong recipient). A line is decided once;
the row lock makes two staff deciding the same line at once book it once.

Every call names the book whose queue it works on (the registry's unless given): a line of another book
is "not found", and an account or invoice of another book is refused — a line is only ever booked inside
its own book.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.db.models import QuerySet

from kzreg.billing.bankimport.documents import BankDocument
from kzreg.billing.bankimport.importer import bank_reference
from kzreg.billing.books import registry_book
from kzreg.billing.invoice_payments import pay_invoice, payable_problem
from kzreg.billing.invoices import find_invoice
from kzreg.billing.models import Account, AccountKind, BankLine, BankLineStatus, Book, Invoice
from kzreg.billing.payments import record_payment
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

PAYABLE_KINDS = (AccountKind.PREPAID, AccountKind.RECEIVABLE)


def lines_of(book: Book) -> QuerySet[BankLine]:
    return BankLine.objects.filter(book=book).select_related("statement", "account").order_by("id")


def waiting(book: Book | None = None) -> QuerySet[BankLine]:
    rows = BankLine.objects.filter(status=BankLineStatus.REVIEW)
    if book is not None:
        rows = rows.filter(book=book)
    return rows.select_related("statement", "account").order_by("id")


def reason_problem(line: BankLine) -> Problem | None:
    """The line's stored reason as the problem it was, to render in any language."""
    code, _, arg = line.reason.partition(":")
    if code == PaymentCode.UNMATCHED:
        return Problem("", PaymentCode.UNMATCHED, {"value": line.payer_bin or "-"})
    if code == PaymentCode.ACCOUNT_CURRENCY and line.account is not None:
        params = {"value": line.currency, "account": line.account.name, "expected": line.account.currency}
        return Problem("", PaymentCode.ACCOUNT_CURRENCY, params)
    if code == PaymentCode.DUPLICATE:
        return Problem("", PaymentCode.DUPLICATE, {"value": arg})
    if code.startswith("billing_inv_") and line.invoice_number:
        invoice = Invoice.objects.filter(number=line.invoice_number, book_id=line.book_id).first()
        problem = payable_problem(invoice, line.amount) if invoice else None
        return dataclasses.replace(problem, field="") if problem else None
    return None


def _locked(line_id: int, book: Book) -> BankLine:
    line = BankLine.objects.select_for_update().select_related("statement").filter(pk=line_id, book=book).first()
    if line is None:
        raise OperationFailed([Problem("line", Code.NOT_FOUND, {"kind": "bank_line", "key": str(line_id)})])
    if line.status != BankLineStatus.REVIEW:
        raise OperationFailed([Problem("line", PaymentCode.LINE_DECIDED, {"value": line_id, "status": line.status})])
    return line


def _document(line: BankLine) -> BankDocument:
    return BankDocument(line_no=line.line_no, number=line.number, date=line.date, amount=line.amount)


def assign(line_id: int, account: Account, principal: str, now: dt.datetime, book: Book | None = None) -> BankLine:
    """Books the line's payment to the account of the same book (its currency must be the line's)."""
    with transaction.atomic():
        book = book or registry_book(now)
        line = _locked(line_id, book)
        if account.book_id != book.pk or account.kind not in PAYABLE_KINDS:
            raise OperationFailed([Problem("account", BillingCode.OTHER_BOOK, {"account": account.name})])
        if account.currency != line.currency:
            params = {"value": line.currency, "account": account.name, "expected": account.currency}
            raise OperationFailed([Problem("account", PaymentCode.ACCOUNT_CURRENCY, params)])
        reference = bank_reference(_document(line), line.statement.file_name)
        line.transaction = record_payment(account, line.amount, principal, now, reference)
        line.account = account
        line.status, line.decided_by, line.decided_at = BankLineStatus.BOOKED, principal, now
        line.save(update_fields=["transaction", "account", "status", "decided_by", "decided_at"])
    return line


def assign_invoice(line_id: int, number: str, principal: str, now: dt.datetime, book: Book | None = None) -> BankLine:
    """Books the line's payment to an invoice of its book (refused: cancelled, paid, another currency)."""
    with transaction.atomic():
        book = book or registry_book(now)
        line = _locked(line_id, book)
        invoice = find_invoice(book, number)
        reference = bank_reference(_document(line), line.statement.file_name)
        line.transaction = pay_invoice(invoice, line.amount, principal, now, reference)
        line.account, line.invoice_number = invoice.account, invoice.number
        line.status, line.decided_by, line.decided_at = BankLineStatus.BOOKED, principal, now
        line.save(update_fields=["transaction", "account", "invoice_number", "status", "decided_by", "decided_at"])
    return line


def reject(line_id: int, principal: str, now: dt.datetime, note: str = "", book: Book | None = None) -> BankLine:
    """Closes the line without booking (the note says why: returned, not ours)."""
    with transaction.atomic():
        line = _locked(line_id, book or registry_book(now))
        line.status, line.decided_by, line.decided_at = BankLineStatus.REJECTED, principal, now
        line.reason = " ".join(note.split())[:300]
        line.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return line
