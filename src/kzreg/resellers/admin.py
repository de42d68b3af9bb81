"""The Django admin shows resellers and their history read-only: changes go through
`resellers.management` (the cabinet's staff pages, `kzreg reseller`), which records each one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kzreg.resellers.models import Reseller, ResellerEvent


class ResellerEventInline(admin.TabularInline):
    model = ResellerEvent
    fields = ("at", "principal", "action", "changes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Reseller)
class ResellerAdmin(admin.ModelAdmin):
    list_display = ("handle", "name", "registrar", "active", "contract_number")
    list_filter = ("registrar", "active")
    search_fields = ("handle", "name", "legal_name", "bin")
    inlines = (ResellerEventInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
