"""Invoices and credit notes in the back-office: a read-only list and detail of the registry's book, the
document as the buyer sees it, and its PDF. Registry staff only: every view goes through the admin
site's `admin_view`, whose `has_permission` is the registry-staff check (`accounts/admin_site.py`).
Changes go through the CLI or the API (cancel, credit note), never by editing rows."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from kzreg.billing.invoices_texts import money_text
from kzreg.billing.models import Invoice, InvoiceLine, OwnerKind
from kzreg.billing.pdf import invoice_html, invoice_pdf
from kzreg.core.backoffice import ReadOnlyAdmin


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fields = ("position", "description", "quantity", "unit_price_minor", "vat_rate", "net_minor", "vat_minor")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "kind",
        "status",
        "issued_on",
        "due_on",
        "buyer_name",
        "buyer_bin",
        "shown_gross",
        "files",
    )
    list_filter = ("kind", "status", "currency", "year")
    search_fields = ("number", "buyer_bin", "buyer_key")
    date_hierarchy = "issued_on"
    exclude = ("seller", "buyer")
    readonly_fields = ("shown_seller", "shown_buyer")
    inlines = [InvoiceLineInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invoice]:
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/document/", wrap(self.document_view), name="billing_invoice_document"),
            path("<int:pk>/pdf/", wrap(self.pdf_view), name="billing_invoice_pdf"),
            *super().get_urls(),
        ]

    def _visible(self, request: HttpRequest, pk: int) -> Invoice:
        invoice = self.get_queryset(request).filter(pk=pk).first()
        if invoice is None:
            raise Http404("no such invoice")
        return invoice

    def document_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._visible(request, pk)
        return HttpResponse(invoice_html(invoice, request.GET.get("language") or None))

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        invoice = self._visible(request, pk)
        response = HttpResponse(
            invoice_pdf(invoice, request.GET.get("language") or None), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
        return response

    @admin.display(description="buyer")
    def buyer_name(self, obj: Invoice) -> str:
        return str(obj.buyer.get("name", ""))

    @admin.display(description="gross")
    def shown_gross(self, obj: Invoice) -> str:
        return money_text(obj.gross)

    @admin.display(description="seller")
    def shown_seller(self, obj: Invoice) -> str:
        return "; ".join(f"{k}: {v}" for k, v in obj.seller.items() if v)

    @admin.display(description="buyer")
    def shown_buyer(self, obj: Invoice) -> str:
        return "; ".join(f"{k}: {v}" for k, v in obj.buyer.items() if v)

    @admin.display(description="document")
    def files(self, obj: Invoice) -> str:
        return format_html(
            '<a href="{}">HTML</a> · <a href="{}">PDF</a>',
            reverse("admin:billing_invoice_document", args=[obj.pk]),
            reverse("admin:billing_invoice_pdf", args=[obj.pk]),
        )
