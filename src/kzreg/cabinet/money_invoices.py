"""Invoices and credit notes (issue 13 §Money, SPEC B2): the list, one document's page, and its PDF.

What a user sees is `registrar.access.invoices_visible_to` (staff and resellers' users with pay: their
book's documents and those addressed to them; a registrant: those to the customers it is); one document
is `access_invoice_by_number`, so another tenant's number and one that does not exist are the same 404.
The PDF is billing's (`billing.pdf`, WeasyPrint), printed in the user's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kzreg.billing.invoices import outstanding
from kzreg.billing.models import InvoiceKind, InvoiceLine, InvoiceStatus
from kzreg.billing.money import Money
from kzreg.billing.pdf import invoice_pdf
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import SortOption, keyset_page
from kzreg.cabinet.texts import current_language
from kzreg.registrar.access import access_invoice_by_number, invoices_visible_to

PER_PAGE = 50
SORTS = (
    SortOption("issued", "issued_on", parse=dt.date.fromisoformat),
    SortOption("due", "due_on", parse=dt.date.fromisoformat),
)


@cabinet_page
@require_GET
def invoices_page(request: HttpRequest) -> HttpResponse:
    rows = invoices_visible_to(request.user).select_related("book")
    page = keyset_page(rows, SORTS, request.GET.get("sort") or "-issued", request.GET.get("after", ""), PER_PAGE)
    return render(request, "cabinet/pages/money_invoices.html", {"page": page, "tab": "invoices"})


def _line(line: InvoiceLine, currency: str) -> dict[str, Any]:
    unit, gross = (Money.from_minor(minor, currency) for minor in (line.unit_price_minor, line.gross_minor))
    return {"description": line.description, "quantity": line.quantity, "vat_rate": line.vat_rate, "unit": unit,
            "gross": gross}  # fmt: skip


@cabinet_page
@require_GET
def invoice_page(request: HttpRequest, number: str) -> HttpResponse:
    invoice = access_invoice_by_number(request.user, number)
    context = {
        "invoice": invoice,
        "lines": [_line(line, invoice.currency) for line in invoice.lines.order_by("position")],
        "is_credit_note": invoice.kind == InvoiceKind.CREDIT_NOTE,
        "still_to_pay": outstanding(invoice) if invoice.status == InvoiceStatus.ISSUED else None,
        "tab": "invoices",
    }
    return render(request, "cabinet/pages/money_invoice.html", context)


@cabinet_page
@require_GET
def invoice_pdf_page(request: HttpRequest, number: str) -> HttpResponse:
    invoice = access_invoice_by_number(request.user, number)
    answer = HttpResponse(invoice_pdf(invoice, current_language()), content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return answer
