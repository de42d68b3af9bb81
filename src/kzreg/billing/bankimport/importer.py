"""One bank file → one database transaction: parsed whole first (a broken line books nothing), then each
payment document is booked to its account, queued for review, or recognised as already imported.

Idempotent twice over, per book: the file's SHA-256 is unique in the book (the same file again is
refused, naming when it was imported), and each document's key — bank document number, date, amount,
payer account — is unique among the book's lines that count, so an overlapping statement (a day exported
twice in two files) books each document once; the repeat is kept as a `duplicate` line that books nothing.

The book is the registry's unless given: a registrar imports its own bank's statement into its own book
(its resellers' payments), matched only against that book's invoices and payer map, so a line of one book
is never booked to another book's account or invoice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kzreg.billing.bankimport import csv as csv_format
from kzreg.billing.bankimport import onec
from kzreg.billing.bankimport.documents import BankDocument
from kzreg.billing.bankimport.matching import match, payers_of
from kzreg.billing.books import own_account, registry_book
from kzreg.billing.invoice_payments import pay_invoice
from kzreg.billing.models import Account, AccountKind, BankLine, BankLineStatus, BankStatement, Book, Payer
from kzreg.billing.payments import record_payment
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import OperationFailed, Problem

FORMATS = {"1c": onec, "csv": csv_format}


KEYS_PER_QUERY = 500


@dataclass
class _Known:
    """What one import reads once instead of per line: the book's documents already imported (by key,
    kept up to date as lines are saved), its payer map for the file's BINs, its bank account per currency."""

    documents: dict[str, int]
    payers: dict[str, Payer]
    banks: dict[str, Account]


@dataclass(frozen=True)
class Imported:
    statement: BankStatement
    lines: list[BankLine]


def detect(data: bytes, wanted: str | None) -> str:
    """The format asked for, or the one the first line shows; neither: one clear error."""
    if wanted is not None:
        if wanted not in FORMATS:
            params = {"value": wanted, "header": csv_format.HEADER}
            raise OperationFailed([Problem("format", PaymentCode.FORMAT_UNKNOWN, params)])
        return wanted
    for name, module in FORMATS.items():
        if module.looks_like(data):
            return name
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0][:40].decode("utf-8", "replace").strip()
    raise OperationFailed(
        [Problem("line 1", PaymentCode.FORMAT_UNKNOWN, {"value": first, "header": csv_format.HEADER})]
    )


def bank_reference(document: BankDocument, file_name: str) -> str:
    return f"bank {document.number} {document.date:%Y-%m-%d} ({file_name} line {document.line_no})"[:200]


def import_statement(
    data: bytes,
    file_name: str,
    fmt: str | None,
    currency: str,
    principal: str,
    now: dt.datetime,
    book: Book | None = None,
) -> Imported:
    chosen = detect(data, fmt)
    digest = hashlib.sha256(data).hexdigest()
    book = book or registry_book(now)
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _import(book, data, digest, file_name, chosen, currency, principal, now)
        except IntegrityError:
            # A parallel import of the same file or an overlapping one committed first: once more, and
            # this time its documents are known (duplicates) or its file is (refused).
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _import(
    book: Book, data: bytes, digest: str, file_name: str, fmt: str, currency: str, principal: str, now: dt.datetime
) -> Imported:
    earlier = BankStatement.objects.filter(book=book, sha256=digest).first()
    if earlier is not None:
        params = {"when": f"{earlier.imported_at:%Y-%m-%d %H:%M}", "name": earlier.file_name}
        raise OperationFailed([Problem("file", PaymentCode.FILE_IMPORTED, params)])
    documents = FORMATS[fmt].parse(data, currency)
    keys = sorted({d.key for d in documents if d.incoming})
    known = _Known({}, payers_of(book, {d.payer_bin for d in documents if d.payer_bin}), {})
    for start in range(0, len(keys), KEYS_PER_QUERY):
        rows = BankLine.objects.filter(book=book, document_key__in=keys[start : start + KEYS_PER_QUERY])
        known.documents.update((key, pk) for key, pk in rows.values_list("document_key", "pk") if key)
    statement = BankStatement.objects.create(
        book=book, sha256=digest, file_name=file_name[:255], format=fmt, principal=principal, imported_at=now
    )
    return Imported(statement, [_line(statement, d, principal, now, known) for d in documents])


def _line(
    statement: BankStatement, document: BankDocument, principal: str, now: dt.datetime, known: _Known
) -> BankLine:
    line = BankLine(
        book_id=statement.book_id,
        statement=statement,
        line_no=document.line_no,
        number=document.number[:64],
        date=document.date,
        amount_minor=document.amount.minor,
        currency=document.amount.currency,
        payer_bin=document.payer_bin,
        payer_account=document.payer_account,
        payer_name=document.payer_name,
        purpose=document.purpose,
    )
    if not document.incoming:
        line.status = BankLineStatus.SKIPPED
        line.save()
        return line
    earlier = known.documents.get(document.key)
    if earlier is not None:
        line.status, line.reason = BankLineStatus.DUPLICATE, f"{PaymentCode.DUPLICATE}:{earlier}"
        line.save()
        return line
    line.document_key = document.key
    found = match(document, statement.book, known.payers)
    line.account = found.account
    line.invoice_number = found.invoice.number if found.invoice else ""
    if found.problem is not None:
        line.status, line.reason = BankLineStatus.REVIEW, str(found.problem.code)
        line.save()
        known.documents[document.key] = line.pk
        return line
    reference = bank_reference(document, statement.file_name)
    if found.invoice is not None:
        line.transaction = pay_invoice(found.invoice, document.amount, principal, now, reference)
    else:
        assert found.account is not None
        currency = found.account.currency
        if currency not in known.banks:
            known.banks[currency] = own_account(statement.book, AccountKind.BANK, currency, now)
        bank = known.banks[currency]
        line.transaction = record_payment(found.account, document.amount, principal, now, reference, bank)
    line.status = BankLineStatus.BOOKED
    line.save()
    known.documents[document.key] = line.pk
    return line
