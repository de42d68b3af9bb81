"""The outbox in the Django admin: read-only, because a sent message is a record, not a draft."""

from __future__ import annotations

from django.contrib import admin

from kzreg.notify.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "state", "attempts", "reference", "subject", "sent_at")
    list_filter = ("state", "language")
    search_fields = ("reference", "subject", "message_id")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
