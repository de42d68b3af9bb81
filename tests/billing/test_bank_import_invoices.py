"""Bank lines that name an invoice number in their purpose pay that invoice (issue 11): paid in full it is
marked paid, in part it stays issued until the rest comes, an overpayment stays as the buyer's credit; a
cancelled or already paid invoice, or another currency, sends the line to review and books nothing."""

from __future__ import annotations

import pytest

from kzreg.billing.bankimport.importer import import_statement
from kzreg.billing.invoice_payments import pay_invoice
from kzreg.billing.invoices import cancel_invoice
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.models import BankLine, Invoice, InvoiceStatus, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode, PaymentCode
from kzreg.billing.review import assign_invoice, reason_problem
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.conftest import balance_of
from tests.billing.invoice_helpers import issue

pytestmark = pytest.mark.django_db
HEADER = "number,date,amount,currency,payer_bin,purpose\n"


def bank_file(*rows: tuple[str, str, str]) -> bytes:
    body = "".join(f"{n},2026-03-01,{amount},USD,,{purpose}\n" for n, amount, purpose in rows)
    return (HEADER + body).encode()


def load(data: bytes) -> list[BankLine]:
    return import_statement(data, "bank.csv", None, "KZT", "tester", clock.now()).lines


def test_a_payment_naming_the_invoice_pays_it(db):
    invoice = issue()
    assert invoice.gross == Money.of("34.80", "USD")  # USD 30.00 + VAT 16%
    (line,) = load(bank_file(("1", "34.80", f"Оплата по счёту № {invoice.number} за домен")))
    invoice.refresh_from_db()
    assert (line.status, line.invoice_number) == ("booked", invoice.number)
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_tx_id == line.transaction_id
    assert balance_of(invoice.account) == Money.zero("USD")


def test_in_parts_the_invoice_is_paid_when_covered_and_an_overpayment_is_credit(db):
    invoice = issue()
    first, second = load(
        bank_file(("1", "20.00", f"{invoice.number} part 1"), ("2", "20.00", f"{invoice.number} part 2"))
    )
    assert (first.status, second.status) == ("booked", "booked")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_tx_id == second.transaction_id
    assert balance_of(invoice.account) == Money.of("5.20", "USD")  # the registry owes the buyer 5.20


def test_one_part_leaves_the_invoice_issued(db):
    invoice = issue()
    load(bank_file(("1", "10.00", invoice.number)))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and balance_of(invoice.account) == Money.of("-24.80", "USD")


def test_a_payment_for_a_cancelled_invoice_waits_for_review_and_cannot_be_forced(db):
    invoice = issue()
    cancel_invoice(invoice, "issued twice", clock.now(), "tester")
    (line,) = load(bank_file(("1", "34.80", f"за {invoice.number}")))
    assert (line.status, line.reason, line.transaction_id) == ("review", InvoiceCode.CANCELLED, None)
    assert reason_problem(line).message("en").startswith(f"invoice {invoice.number} was cancelled")
    with pytest.raises(OperationFailed) as refused:
        assign_invoice(line.pk, invoice.number, "tester", clock.now())
    assert refused.value.codes == {InvoiceCode.CANCELLED}
    line.refresh_from_db()
    assert line.status == "review" and not Transaction.objects.filter(kind="payment").exists()


def test_a_second_payment_for_a_paid_invoice_waits_for_review(db):
    invoice = issue()
    load(bank_file(("1", "34.80", invoice.number)))
    (again,) = load(bank_file(("2", "34.80", invoice.number)))
    assert (again.status, again.reason) == ("review", InvoiceCode.ALREADY_PAID)
    assert Transaction.objects.filter(kind="payment").count() == 1


def test_another_currency_than_the_invoices_waits_for_review(db):
    invoice = issue()
    data = (HEADER + f"1,2026-03-01,15000.00,KZT,,{invoice.number}\n").encode()
    (line,) = load(data)
    assert (line.status, line.reason) == ("review", PaymentCode.ACCOUNT_CURRENCY)


def test_staff_assign_a_waiting_line_to_an_invoice(db):
    invoice = issue()
    (line,) = load(bank_file(("1", "34.80", "domain payment")))
    assert line.status == "review"
    with pytest.raises(OperationFailed) as refused:
        assign_invoice(line.pk, "2020-999999", "tester", clock.now())
    assert refused.value.codes == {InvoiceCode.NOT_FOUND}
    booked = assign_invoice(line.pk, invoice.number, "tester", clock.now())
    assert booked.status == "booked" and Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


@pytest.mark.parametrize(
    ("amount", "code"),
    [("0.00", BillingCode.AMOUNT_NOT_POSITIVE), ("-1.00", BillingCode.AMOUNT_NOT_POSITIVE),
     ("2000000.00", PaymentCode.AMOUNT_ABSURD)],
)  # fmt: skip
def test_pay_invoice_refuses_bad_amounts_and_books_nothing(db, amount, code):
    invoice = issue()
    with pytest.raises(OperationFailed) as refused:
        pay_invoice(invoice, Money.of(amount, "USD"), "tester", clock.now())
    assert refused.value.codes == {code}
    assert not Transaction.objects.filter(kind="payment").exists()
