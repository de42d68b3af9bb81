"""URL wiring: each part of the system owns its own urls module.

`admin.site` is `kzreg.accounts.admin_site.RegistryAdminSite` (registry staff only, throttled login with
TOTP codes); the `/staff/` pages check access through `kzreg.accounts.access`.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("account/", include("kzreg.accounts.urls")),  # the people's login, password, 2FA, sessions
    path("api/", include("kzreg.api.urls")),  # the reseller API: /api/v1/, /api/openapi.json, /api/docs
    path("billing/", include("kzreg.billing.urls")),
    path("rdap/", include("kzreg.rdap.urls")),
    path("staff/outbox/", include("kzreg.notify.urls")),
    path("staff/requests/", include("kzreg.template_mail.urls")),
    path("whois/", include("kzreg.whois.urls")),
    path("", include("kzreg.cabinet.urls")),  # the public site at / and the cabinet
]
