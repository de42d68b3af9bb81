"""Back-office views of the gateway's rows; changes to the registry itself never happen here."""

from django.contrib import admin

from kzreg.template_mail.models import Confirmation, InboundMessage, MailRequest, WrittenAuthorization


@admin.register(MailRequest)
class MailRequestAdmin(admin.ModelAdmin):
    list_display = ("tracking", "created_at", "sender", "summary", "state")
    list_filter = ("state", "language")
    search_fields = ("tracking", "sender", "summary")
    readonly_fields = [f.name for f in MailRequest._meta.fields]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "received_at", "sender", "subject", "state", "attempts", "request")
    list_filter = ("state", "source")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMessage._meta.fields if f.name != "raw"]


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ("request", "action", "object_key", "state", "expires_at")
    list_filter = ("state",)
    exclude = ("token",)


@admin.register(WrittenAuthorization)
class WrittenAuthorizationAdmin(admin.ModelAdmin):
    list_display = ("domain", "kind", "reference", "recorded_by", "recorded_at", "valid_until", "used_by")
