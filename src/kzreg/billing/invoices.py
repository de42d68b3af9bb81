"""Invoices and credit notes: issued with a gap-free number, posted to the ledger with their stored totals.

The API the other billing parts call (payments, KZ-B direct registrants, the registrar's books):

    issue_invoice(book, buyer, lines, currency, language, now, cause) -> Invoice
    cancel_invoice(invoice, reason, now, principal) -> Invoice
    credit_note(invoice, now, principal, reason, lines=None, amount=None) -> Invoice
    mark_paid(invoice, now, principal, payment=None) -> Invoice
    find_invoice(book, number) -> Invoice;  outstanding(invoice) -> Money

**Numbers.** Per book, series and year: `2026-000001` for invoices, `CN-2026-000001` for credit notes (a
series of their own, so an invoice number never doubles as a credit note's). The number is taken by one
UPDATE of the series' counter row inside the issuing transaction (`take_number`): the row lock makes a
second issuer wait for the first one's commit, and a rolled-back issue returns its number. A cancelled
invoice keeps its number; nothing is ever deleted.

**Ledger.** An invoice debits the buyer's receivable by the gross, credits revenue by the net and VAT
payable by the VAT; a credit note posts the same with its negative totals; a cancellation reverses the
invoice's transaction. `mark_paid` moves no money: the payment that settles an invoice is posted by
whoever received it (bank statement, provider, staff: bank −, receivable +) and named here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from kzreg.billing import ledger
from kzreg.billing.books import own_account
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.invoices_lines import Line, LineIn, build_lines, line_from_gross, totals
from kzreg.billing.invoices_parties import Party, check_party, registry_requisites
from kzreg.billing.ledger import Cause
from kzreg.billing.models import (
    Account,
    AccountKind,
    Book,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    OwnerKind,
    Transaction,
)
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code

LANGUAGES = ("kk", "ru", "en")
CREDIT_NOTE_SERIES = "CN"


def due_days() -> int:
    """B2: an invoice is due within 30 days of its date (`KZREG["INVOICE_DUE_DAYS"]`)."""
    return int(getattr(settings, "KZREG", {}).get("INVOICE_DUE_DAYS", 30))


def local_day(now: dt.datetime) -> dt.date:
    """The invoice's date is the registry's calendar day (Asia/Almaty), not UTC's."""
    return timezone.localtime(now).date() if timezone.is_aware(now) else now.date()


def take_number(book: Book, series: str, year: int) -> tuple[int, str]:
    """The next number of the series; must run inside the issuing transaction (its lock lasts until commit)."""
    using = router.db_for_write(InvoiceCounter)
    InvoiceCounter.objects.using(using).bulk_create(
        [InvoiceCounter(book=book, series=series, year=year, last=0)], ignore_conflicts=True
    )
    with connections[using].cursor() as cursor:
        cursor.execute(
            "UPDATE billing_invoicecounter SET last = last + 1 WHERE book_id = %s AND series = %s AND year = %s "
            "RETURNING last",
            [book.pk, series, year],
        )
        sequence = int(cursor.fetchone()[0])
    prefix = f"{series}-" if series else ""
    return sequence, f"{prefix}{year}-{sequence:06d}"


def receivable_account(book: Book, buyer: Party, currency: str, now: dt.datetime) -> Account:
    """The buyer's receivable in the book (what it owes the book's owner), opened on first invoice; no floor."""
    found = {"book": book, "kind": AccountKind.RECEIVABLE, "holder_key": buyer.key, "currency": currency}
    try:
        with transaction.atomic():
            account, _ = Account.objects.get_or_create(
                **found, defaults={"name": f"receivable {buyer.name}"[:200], "created_at": now}
            )
    except IntegrityError:  # opened by a concurrent first invoice to the same buyer
        account = Account.objects.get(**found)
    return account


def issue_invoice(
    book: Book,
    buyer: Party,
    lines: Sequence[LineIn],
    currency: str,
    language: str,
    now: dt.datetime,
    cause: Cause,
    seller: Party | None = None,
) -> Invoice:
    """Issues an invoice and posts it, all or nothing. `seller` defaults to the registry's requisites in
    the registry's book and is required in any other book. `cause` says why (its principal, operation,
    object); its kind becomes "invoice" and its reference the number."""
    seller = seller or (registry_requisites() if book.owner_kind == OwnerKind.REGISTRY else None)
    day = local_day(now)
    problems = _check_document(seller, buyer, language)
    try:
        computed = build_lines(lines, currency, buyer.country, day)
    except OperationFailed as exc:
        problems.extend(exc.problems)
    if problems:
        raise OperationFailed(problems)
    assert seller is not None
    return _write(book, InvoiceKind.INVOICE, seller, buyer, computed, currency, language, now, cause, None, "")


def credit_note(
    invoice: Invoice,
    now: dt.datetime,
    principal: str,
    reason: str,
    lines: Sequence[LineIn] | None = None,
    amount: Money | None = None,
) -> Invoice:
    """A negative document correcting `invoice` by `lines` (what is credited, positive as on the invoice)
    or by a gross `amount` (VAT taken out at the invoice's rate). Never more than the invoice has left."""
    using = router.db_for_write(Invoice)
    with transaction.atomic(using=using):
        invoice = Invoice.objects.using(using).select_for_update().select_related("book").get(pk=invoice.pk)
        _creditable(invoice)
        if not reason.strip():
            raise OperationFailed([Problem("reason", Code.REQUIRED)])
        computed = _credit_lines(invoice, lines, amount)
        credited = totals(computed, invoice.currency).gross
        left = invoice.gross + credited_so_far(invoice)
        if left < credited:
            params = {"number": invoice.number, "value": str(credited), "left": str(left)}
            raise OperationFailed([Problem("amount" if amount else "lines", InvoiceCode.CREDIT_EXCEEDS, params)])
        negative = [
            dataclasses.replace(x, unit_price=-x.unit_price, net=-x.net, vat=-x.vat, gross=-x.gross) for x in computed
        ]
        buyer = Party.from_snapshot(invoice.buyer, key=invoice.buyer_key)
        seller = Party.from_snapshot(invoice.seller)
        cause = Cause(kind="credit_note", principal=principal)
        return _write(
            invoice.book, InvoiceKind.CREDIT_NOTE, seller, buyer, negative, invoice.currency, invoice.language,
            now, cause, invoice, reason.strip(),
        )  # fmt: skip


def cancel_invoice(invoice: Invoice, reason: str, now: dt.datetime, principal: str) -> Invoice:
    """Cancels an unpaid invoice without credit notes: its transaction is reversed, its number stays."""
    using = router.db_for_write(Invoice)
    with transaction.atomic(using=using):
        invoice = Invoice.objects.using(using).select_for_update().select_related("book").get(pk=invoice.pk)
        _creditable(invoice)
        if not reason.strip():
            raise OperationFailed([Problem("reason", Code.REQUIRED)])
        if invoice.status == InvoiceStatus.PAID:
            when = f"{invoice.paid_at:%Y-%m-%d}" if invoice.paid_at else "-"
            raise OperationFailed(
                [Problem("number", InvoiceCode.ALREADY_PAID, {"number": invoice.number, "when": when})]
            )
        if invoice.credit_notes.exists():
            raise OperationFailed([Problem("number", InvoiceCode.HAS_CREDIT_NOTES, {"number": invoice.number})])
        issued = invoice.issued_tx
        entries = [(e.account, -e.amount) for e in issued.entries.select_related("account")]
        reversal = Cause(
            kind="invoice_cancel", principal=principal, reference=invoice.number, reverses=issued,
            object_type="invoice", object_id=invoice.pk, object_key=invoice.number,
        )  # fmt: skip
        invoice.cancelled_tx = ledger.post(invoice.book, reversal, entries, now).transaction
        invoice.status = InvoiceStatus.CANCELLED
        invoice.cancel_reason = reason.strip()
        invoice.cancelled_at = now
        invoice.save(update_fields=["cancelled_tx", "status", "cancel_reason", "cancelled_at"])
    return invoice


def mark_paid(invoice: Invoice, now: dt.datetime, principal: str, payment: Transaction | None = None) -> Invoice:
    """Records that the invoice is settled (by `payment`, posted by the caller). Refuses a cancelled invoice,
    a credit note and an invoice already paid."""
    using = router.db_for_write(Invoice)
    with transaction.atomic(using=using):
        invoice = Invoice.objects.using(using).select_for_update().get(pk=invoice.pk)
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            raise OperationFailed([Problem("number", InvoiceCode.NOT_PAYABLE, {"number": invoice.number})])
        if invoice.status == InvoiceStatus.CANCELLED:
            when = f"{invoice.cancelled_at:%Y-%m-%d}" if invoice.cancelled_at else "-"
            raise OperationFailed([Problem("number", InvoiceCode.CANCELLED, {"number": invoice.number, "when": when})])
        if invoice.status == InvoiceStatus.PAID:
            when = f"{invoice.paid_at:%Y-%m-%d}" if invoice.paid_at else "-"
            params = {"number": invoice.number, "when": when}
            raise OperationFailed([Problem("number", InvoiceCode.ALREADY_PAID, params)])
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = now
        invoice.paid_tx = payment
        invoice.save(update_fields=["status", "paid_at", "paid_tx"])
    return invoice


def find_invoice(book: Book, number: str) -> Invoice:
    """An invoice or credit note of the book by its number (`2026-000001`, `CN-2026-000001`)."""
    found = Invoice.objects.filter(book=book, number=number.strip().upper()).first()
    if found is None:
        raise OperationFailed([Problem("number", InvoiceCode.NOT_FOUND, {"value": number})])
    return found


def credited_so_far(invoice: Invoice) -> Money:
    """The credit notes' gross on this invoice (zero or negative)."""
    minor = sum(invoice.credit_notes.values_list("gross_minor", flat=True))
    return Money.from_minor(minor, invoice.currency)


def outstanding(invoice: Invoice) -> Money:
    """What the buyer still owes on an issued invoice: its gross less its credit notes (zero once paid,
    cancelled, or for a credit note)."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
        return Money.zero(invoice.currency)
    return invoice.gross + credited_so_far(invoice)


def _check_document(seller: Party | None, buyer: Party, language: str) -> list[Problem]:
    problems = []
    if seller is None:
        problems.append(Problem("seller", Code.REQUIRED))
    else:
        problems += check_party(seller, "seller", needs_key=False)
    problems += check_party(buyer, "buyer", needs_key=True)
    if language not in LANGUAGES:
        problems.append(Problem("language", InvoiceCode.LANGUAGE, {"value": language, "allowed": ", ".join(LANGUAGES)}))
    return problems


def _creditable(invoice: Invoice) -> None:
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise OperationFailed([Problem("number", InvoiceCode.NOT_CREDITABLE, {"number": invoice.number})])
    if invoice.status == InvoiceStatus.CANCELLED:
        when = f"{invoice.cancelled_at:%Y-%m-%d}" if invoice.cancelled_at else "-"
        raise OperationFailed([Problem("number", InvoiceCode.CANCELLED, {"number": invoice.number, "when": when})])


def _credit_lines(invoice: Invoice, lines: Sequence[LineIn] | None, amount: Money | None) -> list[Line]:
    if (lines is None) == (amount is None):
        raise OperationFailed([Problem("amount", Code.REQUIRED)])
    if lines is not None:
        country = str(invoice.buyer.get("country", "KZ"))
        return build_lines(lines, invoice.currency, country, invoice.issued_on)
    assert amount is not None
    if amount.currency != invoice.currency:
        params = {"account": invoice.number, "expected": invoice.currency, "value": amount.currency}
        raise OperationFailed([Problem("currency", BillingCode.CURRENCY_MISMATCH, params)])
    if amount.minor <= 0:
        raise OperationFailed([Problem("amount", BillingCode.AMOUNT_NOT_POSITIVE, {"value": amount.plain})])
    rates = set(invoice.lines.values_list("vat_rate", flat=True))
    if len(rates) != 1:  # several rates: which part is credited is for the caller to say, by lines
        raise OperationFailed([Problem("lines", Code.REQUIRED)])
    description = {"kk": "{n} шотына түзету", "ru": "Корректировка счёта {n}", "en": "Correction of invoice {n}"}
    text = description.get(invoice.language, description["en"]).format(n=invoice.number)
    return [line_from_gross(text, amount, Decimal(rates.pop()))]


def _write(
    book: Book,
    kind: InvoiceKind,
    seller: Party,
    buyer: Party,
    lines: Sequence[Line],
    currency: str,
    language: str,
    now: dt.datetime,
    cause: Cause,
    credits: Invoice | None,
    note: str,
) -> Invoice:
    """Takes the number, writes the document and its lines, posts its totals — one transaction."""
    day = local_day(now)
    total = totals(lines, currency)
    using = router.db_for_write(Invoice)
    with transaction.atomic(using=using):
        sequence, number = take_number(book, CREDIT_NOTE_SERIES if kind == InvoiceKind.CREDIT_NOTE else "", day.year)
        receivable = receivable_account(book, buyer, currency, now)
        entries = [(receivable, -total.gross), (own_account(book, AccountKind.REVENUE, currency, now), total.net)]
        if total.vat.minor:
            entries.append((own_account(book, AccountKind.VAT, currency, now), total.vat))
        posting = dataclasses.replace(
            cause, kind=kind.value, reference=number, object_type=cause.object_type or "invoice",
            object_key=cause.object_key or number,
        )  # fmt: skip
        posted = ledger.post(book, posting, entries, now).transaction
        invoice = Invoice.objects.using(using).create(
            book=book, kind=kind, number=number, year=day.year, sequence=sequence, issued_on=day,
            due_on=day + dt.timedelta(days=due_days() if kind == InvoiceKind.INVOICE else 0),
            language=language, currency=currency, seller=seller.snapshot(), buyer=buyer.snapshot(),
            buyer_key=buyer.key, buyer_bin=buyer.bin, account=receivable, net_minor=total.net.minor,
            vat_minor=total.vat.minor, gross_minor=total.gross.minor, credits=credits, note=note,
            issued_tx=posted, principal=cause.principal, created_at=now,
        )  # fmt: skip
        InvoiceLine.objects.using(using).bulk_create(
            [
                InvoiceLine(
                    invoice=invoice,
                    position=n,
                    description=line.description[:500],
                    quantity=line.quantity,
                    unit_price_minor=line.unit_price.minor,
                    vat_rate=line.vat_rate,
                    net_minor=line.net.minor,
                    vat_minor=line.vat.minor,
                    gross_minor=line.gross.minor,
                )
                for n, line in enumerate(lines, start=1)
            ]
        )
    return invoice
