"""Which account of a book a bank payment belongs to: the invoice of that book whose number its purpose
names, else the payer's BIN in that book's `Payer` map (registrars and resellers have no BIN in the
registry's tables). Nothing of another book is ever found: both reads are filtered by the book.

In a registrar's book a BIN not in its map may still be one of its own resellers' (the BIN in the
reseller's record, `resellers.Reseller.bin`): the payment goes to that reseller's deposit. The map wins
when both name the BIN; two resellers with one BIN match neither (the line waits for review).
What neither finds — or finds cancelled, already paid, or in another currency — waits in the review
queue for staff, with the reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kzreg.billing.bankimport.documents import BankDocument
from kzreg.billing.books import reseller_deposit
from kzreg.billing.invoice_payments import numbers_in, payable_problem
from kzreg.billing.models import Account, Book, Invoice, InvoiceKind, OwnerKind, Payer
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import Problem
from kzreg.resellers.models import Reseller


@dataclass(frozen=True)
class Match:
    account: Account | None = None
    invoice: Invoice | None = None
    problem: Problem | None = None  # why the line waits for staff (None: booked at once)


def payers_of(book: Book, bins: set[str]) -> dict[str, Payer]:
    """The book's payer map for these BINs, read once for a whole file; in a registrar's book completed by
    its resellers' own BINs (unsaved `Payer`s naming their deposits)."""
    rows = Payer.objects.select_related("account__book").filter(book=book, bin__in=sorted(bins)) if bins else []
    found = {payer.bin: payer for payer in rows}
    rest = sorted(bins - found.keys())
    if rest and book.owner_kind == OwnerKind.REGISTRAR:
        resellers = list(Reseller.objects.filter(registrar_id=int(book.owner_key), bin__in=rest))
        for reseller in resellers:
            deposit = reseller_deposit(reseller)
            if deposit is not None and sum(r.bin == reseller.bin for r in resellers) == 1:
                found[reseller.bin] = Payer(book=book, bin=reseller.bin, account=deposit, name=reseller.name)
    return found


def match(document: BankDocument, book: Book, payers: Mapping[str, Payer] | None = None) -> Match:
    """`payers`: the book's map read beforehand (`payers_of`); without it, the BIN is looked up here."""
    numbers = numbers_in(document.purpose)
    if numbers:
        invoices = {
            i.number: i
            for i in Invoice.objects.select_related("account__book").filter(
                number__in=numbers, kind=InvoiceKind.INVOICE, book=book
            )
        }
        invoice = next((invoices[n] for n in numbers if n in invoices), None)
        if invoice is not None:
            problem = payable_problem(invoice, document.amount)
            return Match(account=invoice.account, invoice=invoice, problem=problem)
    if payers is not None:
        payer = payers.get(document.payer_bin) if document.payer_bin else None
    else:
        payer = payers_of(book, {document.payer_bin}).get(document.payer_bin) if document.payer_bin else None
    if payer is None:
        return Match(problem=Problem("", PaymentCode.UNMATCHED, {"value": document.payer_bin or "-"}))
    account = payer.account
    if account.currency != document.amount.currency:
        params = {"value": document.amount.currency, "account": account.name, "expected": account.currency}
        return Match(account=account, problem=Problem("", PaymentCode.ACCOUNT_CURRENCY, params))
    return Match(account=account)
