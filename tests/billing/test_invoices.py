"""Invoices and credit notes (issue 11, SPEC B1, B2): numbers per book and year without gaps, totals
computed once and posted as stored, cancellation keeps the number, credit notes never exceed the invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from kzreg.billing.books import registry_book
from kzreg.billing.invoices import (
    cancel_invoice,
    credit_note,
    find_invoice,
    mark_paid,
    outstanding,
)
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.models import Account, AccountKind, Entry, Invoice, InvoiceStatus, Transaction
from kzreg.billing.money import Money
from kzreg.billing.problems import BillingCode
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from tests.billing.invoice_helpers import BUYER, FOREIGN, fee_line, issue

pytestmark = pytest.mark.django_db


def entries_of(tx: Transaction) -> dict[str, str]:
    return {e.account.kind: e.amount.plain for e in Entry.objects.filter(transaction=tx).select_related("account")}


def test_an_invoice_stores_its_totals_once_and_posts_the_same_to_the_ledger(frozen_clock):
    invoice = issue(lines=[fee_line("30.00", years=2), fee_line("12.34")])
    assert invoice.number == "2026-000001" and invoice.status == InvoiceStatus.ISSUED
    lines = list(invoice.lines.order_by("position"))
    # 2 × 30.00 = 60.00, VAT 16% = 9.60; 12.34 × 16% = 1.9744 → 1.97
    assert [(x.net_minor, x.vat_minor, x.gross_minor) for x in lines] == [(6000, 960, 6960), (1234, 197, 1431)]
    assert (invoice.net.plain, invoice.vat.plain, invoice.gross.plain) == ("72.34", "11.57", "83.91")
    assert entries_of(invoice.issued_tx) == {"receivable": "-83.91", "revenue": "72.34", "vat": "11.57"}
    assert invoice.issued_tx.reference == invoice.number and invoice.issued_tx.operation == "domain_create"
    assert invoice.buyer["bin"] == BUYER.bin and invoice.seller["name"].startswith("KazNIC")
    assert Account.objects.get(kind=AccountKind.RECEIVABLE, holder_key="registrant:42").balance_minor == -8391


def test_due_in_30_days_of_its_date_in_almaty(frozen_clock):
    # B2. 2026-03-01 20:00 UTC is already 2 March in Almaty (UTC+5).
    frozen_clock.freeze(dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC))
    invoice = issue()
    assert (invoice.issued_on, invoice.due_on) == (dt.date(2026, 3, 2), dt.date(2026, 4, 1))


def test_numbers_run_per_book_and_year_and_restart_in_a_new_year(frozen_clock):
    numbers = [issue().number for _ in range(3)]
    frozen_clock.freeze(dt.datetime(2027, 1, 5, 9, 0, tzinfo=dt.UTC))
    numbers.append(issue().number)
    assert numbers == ["2026-000001", "2026-000002", "2026-000003", "2027-000001"]


def test_a_rolled_back_issue_leaves_no_hole(frozen_clock):
    issue()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue().number == "2026-000002"
        raise RuntimeError("the caller's operation failed after the invoice")
    assert issue().number == "2026-000002"
    assert list(Invoice.objects.values_list("number", flat=True).order_by("id")) == ["2026-000001", "2026-000002"]


def test_a_foreign_buyer_in_usd_pays_no_vat_and_no_vat_entry_is_posted(frozen_clock):
    invoice = issue(buyer=FOREIGN)
    assert (invoice.vat_minor, invoice.gross.plain) == (0, "30.00")
    assert entries_of(invoice.issued_tx) == {"receivable": "-30.00", "revenue": "30.00"}


def test_bad_input_names_every_field_and_writes_nothing(frozen_clock):
    bad_buyer = BUYER.__class__(name=" ", bin="12345", country="KZ", key="")
    lines = [fee_line("30.00", currency="KZT"), fee_line("30.00", rate=Decimal("120")), fee_line("0.00")]
    with pytest.raises(OperationFailed) as failed:
        issue(buyer=bad_buyer, lines=lines, language="de")
    fields = {(p.field, p.code) for p in failed.value.problems}
    assert fields == {
        ("buyer.name", InvoiceCode.REQUISITE_MISSING),
        ("buyer.bin", InvoiceCode.BIN_INVALID),
        ("buyer.key", InvoiceCode.REQUISITE_MISSING),
        ("language", InvoiceCode.LANGUAGE),
        ("lines[0].unit_price", InvoiceCode.LINE_CURRENCY),
        ("lines[1].vat_rate", InvoiceCode.VAT_RATE),
        ("lines[2].unit_price", BillingCode.AMOUNT_NOT_POSITIVE),
    }
    assert failed.value.render("ru")[3] == "language: неизвестный язык: de (допустимы: kk, ru, en)"
    assert failed.value.render("kk")[4] == "lines[0].unit_price: шот USD валютасында, ал бұл жол KZT валютасында"
    assert not Invoice.objects.exists() and not Transaction.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, Decimal("0.0001"), Decimal("1e7")])
def test_a_quantity_out_of_range_is_refused(frozen_clock, quantity):
    with pytest.raises(OperationFailed) as failed:
        issue(lines=[fee_line(years=quantity)])
    assert [(p.field, p.code) for p in failed.value.problems] == [("lines[0].quantity", InvoiceCode.QUANTITY)]


def test_no_lines_is_refused(frozen_clock):
    with pytest.raises(OperationFailed) as failed:
        issue(lines=[])
    assert failed.value.codes == {InvoiceCode.NO_LINES}


def test_cancel_reverses_the_posting_and_keeps_the_number(frozen_clock):
    invoice = issue()
    cancelled = cancel_invoice(invoice, "issued twice by mistake", clock.now(), "tester")
    assert cancelled.status == InvoiceStatus.CANCELLED and cancelled.number == "2026-000001"
    assert cancelled.cancelled_tx.reverses_id == invoice.issued_tx_id
    assert entries_of(cancelled.cancelled_tx) == {"receivable": "34.80", "revenue": "-30.00", "vat": "-4.80"}
    assert Account.objects.get(kind=AccountKind.RECEIVABLE).balance_minor == 0
    assert issue().number == "2026-000002"  # the cancelled number is not reused
    with pytest.raises(OperationFailed) as failed:
        mark_paid(cancelled, clock.now(), "tester")
    assert failed.value.codes == {InvoiceCode.CANCELLED}
    with pytest.raises(OperationFailed) as failed:
        cancel_invoice(cancelled, "again", clock.now(), "tester")
    assert failed.value.codes == {InvoiceCode.CANCELLED}


def test_cancel_needs_a_reason_and_refuses_a_paid_invoice(frozen_clock):
    invoice = issue()
    with pytest.raises(OperationFailed) as failed:
        cancel_invoice(invoice, "  ", clock.now(), "tester")
    assert [(p.field, p.code) for p in failed.value.problems] == [("reason", Code.REQUIRED)]
    mark_paid(invoice, clock.now(), "tester")
    with pytest.raises(OperationFailed) as failed:
        cancel_invoice(invoice, "too late", clock.now(), "tester")
    assert failed.value.codes == {InvoiceCode.ALREADY_PAID}
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID


def test_mark_paid_links_the_payment_once(frozen_clock):
    invoice = issue()
    payment = Transaction.objects.create(
        book=registry_book(clock.now()), kind="payment", principal="bank", created_at=clock.now()
    )
    paid = mark_paid(invoice, clock.now(), "bank import", payment)
    assert (paid.status, paid.paid_tx_id, outstanding(paid).plain) == (InvoiceStatus.PAID, payment.pk, "0.00")
    with pytest.raises(OperationFailed) as failed:
        mark_paid(invoice, clock.now(), "bank import")
    assert failed.value.codes == {InvoiceCode.ALREADY_PAID}


def test_a_credit_note_by_amount_takes_vat_out_and_has_its_own_series(frozen_clock):
    invoice = issue(lines=[fee_line("30.00", years=2)])  # 60.00 + 9.60 = 69.60
    note = credit_note(invoice, clock.now(), "tester", "one year was not delivered", amount=Money.of("34.80", "USD"))
    assert note.number == "CN-2026-000001" and note.credits_id == invoice.pk
    assert (note.net.plain, note.vat.plain, note.gross.plain) == ("-30.00", "-4.80", "-34.80")
    assert entries_of(note.issued_tx) == {"receivable": "34.80", "revenue": "-30.00", "vat": "-4.80"}
    assert outstanding(invoice).plain == "34.80"
    assert issue().number == "2026-000002"  # invoices' series is untouched
    with pytest.raises(OperationFailed) as failed:
        credit_note(invoice, clock.now(), "tester", "more", amount=Money.of("34.81", "USD"))
    assert failed.value.codes == {InvoiceCode.CREDIT_EXCEEDS}
    assert "34.81 USD > 34.80 USD" in failed.value.render("en")[0]
    credit_note(invoice, clock.now(), "tester", "the rest", lines=[fee_line("30.00")])
    assert outstanding(invoice).plain == "0.00"
    with pytest.raises(OperationFailed) as failed:
        cancel_invoice(invoice, "now cancel", clock.now(), "tester")
    assert failed.value.codes == {InvoiceCode.HAS_CREDIT_NOTES}


def test_a_credit_note_is_refused_for_a_credit_note_a_cancelled_invoice_and_without_reason(frozen_clock):
    invoice = issue()
    note = credit_note(invoice, clock.now(), "tester", "fix", amount=Money.of("1.00", "USD"))
    for target, code in ((note, InvoiceCode.NOT_CREDITABLE),):
        with pytest.raises(OperationFailed) as failed:
            credit_note(target, clock.now(), "tester", "x", amount=Money.of("1.00", "USD"))
        assert failed.value.codes == {code}
    with pytest.raises(OperationFailed) as failed:
        mark_paid(note, clock.now(), "tester")
    assert failed.value.codes == {InvoiceCode.NOT_PAYABLE}
    with pytest.raises(OperationFailed) as failed:
        credit_note(invoice, clock.now(), "tester", "", amount=Money.of("1.00", "USD"))
    assert failed.value.codes == {Code.REQUIRED}
    with pytest.raises(OperationFailed) as failed:
        credit_note(invoice, clock.now(), "tester", "x", amount=Money.of("1.00", "KZT"))
    assert failed.value.codes == {BillingCode.CURRENCY_MISMATCH}
    other = issue()
    cancel_invoice(other, "wrong buyer", clock.now(), "tester")
    with pytest.raises(OperationFailed) as failed:
        credit_note(other, clock.now(), "tester", "x", amount=Money.of("1.00", "USD"))
    assert failed.value.codes == {InvoiceCode.CANCELLED}
    assert Invoice.objects.count() == 3


def test_a_credit_note_on_a_paid_invoice_leaves_the_buyer_in_credit(frozen_clock):
    invoice = issue()
    mark_paid(invoice, clock.now(), "tester")
    credit_note(invoice, clock.now(), "tester", "discount", amount=Money.of("10.00", "USD"))
    assert Account.objects.get(kind=AccountKind.RECEIVABLE).balance.plain == "-24.80"  # 34.80 owed less 10.00


def test_find_by_number(frozen_clock):
    invoice = issue()
    assert find_invoice(invoice.book, " 2026-000001 ") == invoice
    with pytest.raises(OperationFailed) as failed:
        find_invoice(invoice.book, "2026-000009")
    assert failed.value.render("kk") == ["number: шот-фактура табылмады: 2026-000009"]
