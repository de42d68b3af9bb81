"""Invoices and statements as HTML (Django templates) and PDF (WeasyPrint), in Kazakh, Russian or English.

The PDF is the HTML printed: one template per document, so the screen and the paper show the same
figures — the stored ones (`invoice.*_minor`, the statement's entries), formatted by one function
(`invoices_texts.money_text`). WeasyPrint lays text out with Pango and embeds the fonts it uses; the
templates ask for DejaVu Sans (scripts/system-packages.txt: fonts-dejavu-core), which covers Cyrillic,
the Kazakh letters ә ғ қ ң ө ұ ү һ і and the tenge sign ₸.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from kzreg.billing.invoices import LANGUAGES
from kzreg.billing.invoices_codes import InvoiceCode
from kzreg.billing.invoices_parties import registry_requisites
from kzreg.billing.invoices_texts import labels, money_text, quantity_text, rate_text
from kzreg.billing.models import Invoice, InvoiceKind, InvoiceLine, OwnerKind
from kzreg.billing.money import Money
from kzreg.billing.statements import Statement
from kzreg.core.errors import OperationFailed, Problem


def check_language(language: str, field: str = "language") -> str:
    if language not in LANGUAGES:
        params = {"value": language, "allowed": ", ".join(LANGUAGES)}
        raise OperationFailed([Problem(field, InvoiceCode.LANGUAGE, params)])
    return language


def invoice_context(invoice: Invoice, language: str | None = None) -> dict[str, Any]:
    language = check_language(language or invoice.language)
    t = labels(language)
    currency = invoice.currency
    lines = [
        {
            "position": line.position,
            "description": line.description,
            "quantity": quantity_text(line.quantity),
            "unit_price": money_text(Money.from_minor(line.unit_price_minor, currency)),
            "net": money_text(Money.from_minor(line.net_minor, currency)),
            "vat_rate": rate_text(line.vat_rate),
            "vat": money_text(Money.from_minor(line.vat_minor, currency)),
            "gross": money_text(Money.from_minor(line.gross_minor, currency)),
        }
        for line in InvoiceLine.objects.filter(invoice=invoice).order_by("position")
    ]
    is_credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    return {
        "language": language,
        "t": t,
        "doc": invoice,
        "heading": t["credit_note" if is_credit_note else "invoice"],
        "is_credit_note": is_credit_note,
        "status": t[f"status_{invoice.status}"],
        "lines": lines,
        "net": money_text(invoice.net),
        "vat": money_text(invoice.vat),
        "gross": money_text(invoice.gross),
        "vat_included": invoice.vat_minor != 0,
    }


def statement_context(statement: Statement) -> dict[str, Any]:
    language = check_language(statement.language)
    book = statement.account.book
    book_name = book.name
    if book.owner_kind == OwnerKind.REGISTRY:
        book_name = registry_requisites().name
    rows = [
        {
            "transaction_id": m.transaction_id,
            "at": m.at,
            "text": m.text,
            "debit": money_text(m.debit) if m.debit else "",
            "credit": money_text(m.credit) if m.credit else "",
            "balance": money_text(m.balance),
        }
        for m in statement.movements
    ]
    return {
        "language": language,
        "t": labels(language),
        "account": statement.account,
        "book_name": book_name,
        "month": str(statement.month),
        "first_day": statement.month.first_day,
        "last_day": statement.month.last_day,
        "opening": money_text(statement.opening),
        "closing": money_text(statement.closing),
        "debits": money_text(statement.debits),
        "credits": money_text(statement.credits),
        "rows": rows,
    }


def render_html(template: str, context: dict[str, Any]) -> str:
    with translation.override(context["language"]):
        return render_to_string(template, context)


def invoice_html(invoice: Invoice, language: str | None = None) -> str:
    return render_html("billing/invoice.html", invoice_context(invoice, language))


def statement_html(statement: Statement) -> str:
    return render_html("billing/statement.html", statement_context(statement))


@functools.cache
def _font_config() -> Any:
    """One font configuration per process: WeasyPrint would otherwise scan the system fonts per PDF."""
    from weasyprint.text.fonts import FontConfiguration

    # fontTools reports every table it subsets, WeasyPrint every layout step, at INFO: noise on a CLI.
    for name in ("fontTools", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, imported on first use (it loads Pango; nothing else in kzreg needs it)."""
    from weasyprint import HTML

    fonts = _font_config()  # first: it also quietens the loggers before WeasyPrint's first step
    return bytes(HTML(string=html).write_pdf(font_config=fonts))


def invoice_pdf(invoice: Invoice, language: str | None = None) -> bytes:
    return html_to_pdf(invoice_html(invoice, language))


def statement_pdf(statement: Statement) -> bytes:
    return html_to_pdf(statement_html(statement))
