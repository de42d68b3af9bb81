"""The registry's book in the back-office: read-only, because the ledger is changed by postings only
(operations, payments), never by editing rows. Staff see the registry's book, not the registrars' own."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kzreg.billing.models import (
    Account,
    Entry,
    ExchangeRate,
    ExchangeRateChange,
    LimitChange,
    OwnerKind,
    Price,
    Quote,
    Transaction,
)
from kzreg.core.backoffice import ReadOnlyAdmin


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "amount_minor", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LimitChangeInline(admin.TabularInline):
    """The account's credit limit and threshold changes (`billing/limits.py`), oldest first."""

    model = LimitChange
    fields = ("changed_at", "field", "old", "new", "changed_by", "reason")
    readonly_fields = fields
    ordering = ("id",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "kind", "currency", "shown_balance", "shown_limit", "version")
    list_filter = ("kind", "currency")
    search_fields = ("name", "holder_key")
    inlines = [LimitChangeInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)

    @admin.display(description="balance")
    def shown_balance(self, obj: Account) -> str:
        return str(obj.balance)

    @admin.display(description="credit limit")
    def shown_limit(self, obj: Account) -> str:
        return str(obj.credit_limit) if obj.credit_limit is not None else "-"


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "kind",
        "operation",
        "object_key",
        "fee_command",
        "years",
        "reference",
        "principal",
    )
    list_filter = ("kind", "operation", "fee_command")
    search_fields = ("object_key", "reference", "request_id")
    date_hierarchy = "created_at"
    inlines = [EntryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transaction]:
        return super().get_queryset(request).filter(book__owner_kind=OwnerKind.REGISTRY)


@admin.register(Price)
class PriceAdmin(ReadOnlyAdmin):
    list_display = ("zone", "command", "years", "amount_minor", "currency", "valid_from", "valid_to", "entered_by")
    list_filter = ("zone", "command")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ("day", "source", "target", "rate", "entered_by")
    list_filter = ("source", "target")
    date_hierarchy = "day"


@admin.register(ExchangeRateChange)
class ExchangeRateChangeAdmin(ReadOnlyAdmin):
    list_display = ("day", "source", "target", "old_rate", "new_rate", "changed_by", "changed_at", "reason")
    list_filter = ("source", "target")


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "registrar_id", "zone", "command", "years", "amount_minor", "currency", "expires_at")


# The invoice, payment and report pages are imported after the pages above.
from kzreg.billing import admin_invoices, admin_payments, admin_reports  # noqa: E402, F401
