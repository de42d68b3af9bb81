"""Money received for an invoice (a bank line naming its number, a provider's callback, staff): posted
as bank −, the invoice's receivable +, with the invoice as the transaction's object; the invoice is
marked paid once what it received covers what it has left (`invoices.outstanding`).

An overpayment stays on the buyer's receivable as credit (a positive balance: what the registry owes
the buyer), which the buyer's next invoice uses up. A cancelled invoice, a credit note, or a payment in
another currency is refused with nothing booked. Paying a KZ-B direct registrant's invoice lifts the
hold its lateness caused (`direct.py`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction

from kzreg.billing import ledger
from kzreg.billing.books import own_account
from kzreg.billing.direct import lift_for_paid_invoice
from kzreg.billing.invoices import mark_paid, outstanding
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.ledger import Cause
from kzreg.billing.models import AccountKind, Entry, Invoice, InvoiceKind, InvoiceStatus, Transaction
from kzreg.billing.money import Money
from kzreg.billing.payments import payment_problems
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import OperationFailed, Problem

# An invoice number as invoices.py writes it (`2026-000123`), anywhere in a payment's purpose text.
NUMBER_IN_TEXT = re.compile(r"(?<![\d-])(\d{4}-\d{6})(?!\d)")


def numbers_in(text: str) -> list[str]:
    return NUMBER_IN_TEXT.findall(text)


def paid_so_far(invoice: Invoice) -> Money:
    minor = sum(
        Entry.objects.filter(
            account_id=invoice.account_id,
            transaction__kind="payment",
            transaction__object_type="invoice",
            transaction__object_id=invoice.pk,
        ).values_list("amount_minor", flat=True)
    )
    return Money.from_minor(minor, invoice.currency)


def payable_problem(invoice: Invoice, amount: Money) -> Problem | None:
    """Why a payment cannot go to this invoice, or None."""
    if invoice.kind != InvoiceKind.INVOICE:
        return Problem("invoice", InvoiceCode.NOT_PAYABLE, {"number": invoice.number})
    if invoice.status == InvoiceStatus.CANCELLED:
        when = f"{invoice.cancelled_at:%Y-%m-%d}" if invoice.cancelled_at else "-"
        return Problem("invoice", InvoiceCode.CANCELLED, {"number": invoice.number, "when": when})
    if invoice.status == InvoiceStatus.PAID:
        when = f"{invoice.paid_at:%Y-%m-%d}" if invoice.paid_at else "-"
        return Problem("invoice", InvoiceCode.ALREADY_PAID, {"number": invoice.number, "when": when})
    if amount.currency != invoice.currency:
        params = {"value": amount.currency, "account": invoice.number, "expected": invoice.currency}
        return Problem("currency", PaymentCode.ACCOUNT_CURRENCY, params)
    return None


def pay_invoice(invoice: Invoice, amount: Money, principal: str, now: dt.datetime, reference: str = "") -> Transaction:
    """Books the payment to the invoice, all or nothing; marks it paid when covered."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("account__book").get(pk=invoice.pk)
        problem = payable_problem(invoice, amount)
        if problem is not None:
            raise OperationFailed([problem])
        problems = payment_problems(invoice.account, amount)
        if problems:
            raise OperationFailed(problems)
        left = outstanding(invoice) - paid_so_far(invoice)
        account = invoice.account
        bank = own_account(account.book, AccountKind.BANK, account.currency, now)
        cause = Cause(
            kind="payment", principal=principal, reference=" ".join(reference.split())[:200],
            object_type="invoice", object_id=invoice.pk, object_key=invoice.number,
        )  # fmt: skip
        tx = ledger.post(account.book, cause, [(bank, -amount), (account, amount)], now).transaction
        if not amount < left:
            mark_paid(invoice, now, principal, payment=tx)
            lift_for_paid_invoice(invoice, now)
    return tx
