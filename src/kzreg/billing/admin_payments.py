"""Payments in the back-office (registry staff): the review queue, statements, payers, provider payments
(read-only lists), and the page to record a payment by hand — the same `record_payment` (or, with an
invoice number, `pay_invoice`) as `kzreg billing payment`, its refusals shown beside their fields in the
page's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import translation

from kzreg.billing.books import registry_book
from kzreg.billing.invoice_payments import pay_invoice
from kzreg.billing.invoices import find_invoice
from kzreg.billing.models import Account, BankLine, BankStatement, OwnerKind, Payer, ProviderPayment
from kzreg.billing.money import CURRENCIES, Money, MoneyError
from kzreg.billing.payments import record_payment
from kzreg.billing.problems import BillingCode
from kzreg.billing.review import reason_problem
from kzreg.billing.review_accounts import PAYABLE_KINDS
from kzreg.core import clock
from kzreg.core.backoffice import ReadOnlyAdmin
from kzreg.core.errors import OperationFailed

FORM_FIELDS = ("account", "invoice", "amount", "currency", "reference")


def page_language() -> str:
    code = (translation.get_language() or "en")[:2]
    return code if code in ("kk", "ru", "en") else "en"


class PaymentForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(), required=False, help_text="the registrar's deposit or a buyer's receivable"
    )
    invoice = forms.CharField(max_length=32, required=False, help_text="or an invoice number, e.g. 2026-000012")
    amount = forms.CharField(max_length=24, help_text="e.g. 1500.00")
    currency = forms.ChoiceField(choices=[(c, c) for c in CURRENCIES])
    reference = forms.CharField(max_length=200, required=False, help_text="bank reference, payment order number")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        accounts = Account.objects.filter(book__owner_kind=OwnerKind.REGISTRY, kind__in=PAYABLE_KINDS)
        self.fields["account"].queryset = accounts.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lang = page_language()
        if bool(data.get("account")) == bool((data.get("invoice") or "").strip()):
            self.add_error("account", "choose an account or give an invoice number, not both")
        currency = data.get("currency")
        if currency and "amount" in data:
            try:
                data["money"] = Money.of(data["amount"], currency)
            except MoneyError:
                self.add_error("amount", _message(BillingCode.AMOUNT_INVALID, {"value": data["amount"]}, lang))
        return data

    def show(self, refused: OperationFailed) -> None:
        """The operation's problems beside their fields (a field it does not have: above the form)."""
        lang = page_language()
        for problem in refused.problems:
            name = problem.field.split(".")[0]
            self.add_error(name if name in FORM_FIELDS else None, problem.message(lang))


def _message(code: BillingCode, params: dict[str, Any], lang: str) -> str:
    return code.template(lang).format(**params)


def record_payment_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("billing.add_transaction"):
        raise PermissionDenied
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        principal = f"{request.user.get_username()} (back-office)"
        now = clock.now()
        try:
            with transaction.atomic():
                if data["account"] is not None:
                    tx = record_payment(data["account"], data["money"], principal, now, data["reference"])
                else:
                    invoice = find_invoice(registry_book(now), data["invoice"])
                    tx = pay_invoice(invoice, data["money"], principal, now, data["reference"])
        except OperationFailed as refused:
            form.show(refused)
        else:
            messages.success(request, f"payment #{tx.pk} recorded: {data['money']}")
            return HttpResponseRedirect(reverse("admin:billing_transaction_change", args=[tx.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Record a payment",
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "billing/payments/record_payment.html", context)


@admin.register(BankLine)
class BankLineAdmin(ReadOnlyAdmin):
    """The review queue (filter: waiting for review) and every imported line; decisions are made with
    `kzreg billing review assign|reject`, which book through the same functions."""

    list_display = (
        "id",
        "status",
        "date",
        "number",
        "shown_amount",
        "payer_bin",
        "payer_name",
        "purpose",
        "reason_text",
    )
    list_filter = ("status", "currency")
    search_fields = ("number", "payer_bin", "payer_name", "purpose", "invoice_number")
    change_list_template = "billing/payments/bankline_changelist.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[BankLine]:  # the registry's book only
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)

    def get_urls(self) -> list[URLPattern]:
        record = path(
            "record-payment/",
            self.admin_site.admin_view(lambda request: record_payment_view(self, request)),
            name="billing_record_payment",
        )
        return [record, *super().get_urls()]

    @admin.display(description="amount")
    def shown_amount(self, obj: BankLine) -> str:
        return str(obj.amount)

    @admin.display(description="reason")
    def reason_text(self, obj: BankLine) -> str:
        problem = reason_problem(obj)
        return problem.message(page_language()) if problem else obj.reason


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ("id", "file_name", "format", "imported_at", "principal")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BankStatement]:  # a registrar's own are its own
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)


@admin.register(Payer)
class PayerAdmin(ReadOnlyAdmin):
    list_display = ("bin", "account", "name", "entered_by", "created_at")
    search_fields = ("bin", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payer]:
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)


@admin.register(ProviderPayment)
class ProviderPaymentAdmin(ReadOnlyAdmin):
    list_display = ("provider", "payment_id", "amount_minor", "currency", "account", "invoice_number", "received_at")
    list_filter = ("provider",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProviderPayment]:
        return super().get_queryset(request).select_related("account")
