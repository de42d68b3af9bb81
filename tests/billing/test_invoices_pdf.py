"""Invoices as HTML and PDF in kk/ru/en (issue 11): the stored figures, ₸ for KZT, Kazakh letters in the
PDF's text (read back with pypdf), the same totals on screen, on paper and in the ledger."""

from __future__ import annotations

import io

import pypdf
import pytest

from kzreg.billing.invoices import cancel_invoice, credit_note
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.invoices_lines import LineIn
from kzreg.billing.models import Entry
from kzreg.billing.money import Money
from kzreg.billing.pdf import invoice_html, invoice_pdf
from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from tests.billing.invoice_helpers import BUYER, issue

pytestmark = pytest.mark.django_db

KAZAKH_LETTERS = "әғқңөұүһі"


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_kzt_invoice_in_kazakh_prints_the_tenge_sign_and_kazakh_letters(frozen_clock):
    line = LineIn("Тіркеу: шаһар-үйі-әуежайы.қаз, 2 жыл", Money.of("12345.67", "KZT"), 2)
    invoice = issue(lines=[line], currency="KZT", language="kk")
    text = pdf_text(invoice_pdf(invoice))
    for letter in KAZAKH_LETTERS:
        assert letter in text, letter
    assert "Төлемге арналған шот № 2026-000001" in text
    # 2 × 12 345.67 = 24 691.34; VAT 16% = 3 950.61; 28 641.95 — the stored figures, with ₸
    for figure in ("24 691.34 ₸", "3 950.61 ₸", "28 641.95 ₸", "16%"):
        assert figure in text.replace("\u00a0", " "), figure
    assert BUYER.bin in text and "HSBKKZKX" in text
    ledger = {e.account.kind: e.amount_minor for e in Entry.objects.filter(transaction=invoice.issued_tx)}
    assert ledger == {"receivable": -invoice.gross_minor, "revenue": invoice.net_minor, "vat": invoice.vat_minor}
    assert (invoice.net_minor, invoice.vat_minor, invoice.gross_minor) == (2469134, 395061, 2864195)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ("Счёт на оплату", "Сумма с НДС", "Покупатель", "Оплатить до: 31.03.2026")),
        ("en", ("Invoice No. 2026-000001", "Gross", "Buyer", "Due: 31.03.2026")),
        ("kk", ("Сатып алушы", "ҚҚС-пен сомасы", "Төлеу мерзімі: 31.03.2026")),
    ],
)
def test_each_language_prints_its_own_words(frozen_clock, language, words):
    invoice = issue(language=language)
    html = invoice_html(invoice).replace("\u00a0", " ")
    text = pdf_text(invoice_pdf(invoice)).replace("\u00a0", " ")
    for word in words:
        assert word in text, word
    assert "34.80 USD" in html and "34.80 USD" in text  # 30.00 + 16% VAT, as stored


def test_the_language_can_be_chosen_at_printing_and_a_bad_one_is_refused(frozen_clock):
    invoice = issue(language="kk")
    assert "Счёт на оплату" in invoice_html(invoice, "ru")
    with pytest.raises(OperationFailed) as failed:
        invoice_html(invoice, "de")
    assert failed.value.codes == {InvoiceCode.LANGUAGE}


def test_a_credit_note_and_a_cancelled_invoice_say_what_they_are(frozen_clock):
    invoice = issue(language="en")
    note = credit_note(invoice, clock.now(), "tester", "price error", amount=Money.of("11.60", "USD"))
    text = pdf_text(invoice_pdf(note)).replace("\u00a0", " ")
    assert "Credit note No. CN-2026-000001" in text and "Corrects invoice: 2026-000001" in text
    assert "-11.60 USD" in text and "price error" in text
    other = issue(language="ru")
    other = cancel_invoice(other, "выставлен дважды", clock.now(), "tester")
    html = invoice_html(other)
    assert "аннулирован" in html and "выставлен дважды" in html and "2026-000002" in html


def test_requisites_and_lines_are_escaped_not_markup(frozen_clock):
    buyer = BUYER.__class__(name='<script>alert("x")</script> LLP', address="<b>bold</b>", key="registrant:9")
    line = LineIn('<img src="http://127.0.0.1/x">', Money.of("30.00", "USD"))
    html = invoice_html(issue(buyer=buyer, lines=[line], language="en"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html and "<img" not in html
