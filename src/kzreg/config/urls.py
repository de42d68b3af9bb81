"""URL wiring: each part of the system owns its own urls module."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "kzreg registry back-office"
admin.site.site_title = "kzreg"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("rdap/", include("kzreg.rdap.urls")),
    path("staff/outbox/", include("kzreg.notify.urls")),
    path("staff/requests/", include("kzreg.template_mail.urls")),
    path("whois/", include("kzreg.whois.urls")),
]
