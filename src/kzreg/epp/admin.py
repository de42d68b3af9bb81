"""The back-office's read-only EPP pages: each registrar's access (fingerprints, networks, when the password
last changed; never the password hash) and the login log. Changes go through `kzreg registrar epp-access`."""

from __future__ import annotations

from django.contrib import admin

from kzreg.core.backoffice import ReadOnlyAdmin
from kzreg.epp.models import EppAccess, LoginAttempt


@admin.register(EppAccess)
class EppAccessAdmin(ReadOnlyAdmin):
    list_display = ("registrar", "networks", "certificates", "password_changed_at", "updated_at")
    fields = ("registrar", "fingerprints", "networks", "password_changed_at", "updated_at")
    readonly_fields = fields
    list_select_related = ("registrar",)

    @admin.display(description="allowed networks")
    def networks(self, access: EppAccess) -> str:
        return ", ".join(access.allowed_networks) or "loopback only"

    @admin.display(description="client certificates")
    def certificates(self, access: EppAccess) -> int:
        return len(access.certificate_fingerprints)

    @admin.display(description="certificate SHA-256 fingerprints")
    def fingerprints(self, access: EppAccess) -> str:
        return "\n".join(access.certificate_fingerprints)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "client_id", "address", "outcome", "certificate_fingerprint", "user_agent")
    list_filter = ("outcome",)
    search_fields = ("client_id", "address")
    date_hierarchy = "at"
