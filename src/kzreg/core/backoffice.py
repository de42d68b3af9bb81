"""The staff back-office's one base for pages that show rows and never edit them.

Registry objects change only through operations, ledger rows never change at all, and logs are
evidence: their admin pages list and show, and Django's add, change and delete are refused.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
