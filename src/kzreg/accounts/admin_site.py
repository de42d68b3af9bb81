"""The back-office (`/admin/`) for registry staff only: registrar and reseller staff, whose accounts are
`is_staff` for their own pages, cannot use it and read no registry rows there.

Installed as Django's default admin site (`RegistryAdminConfig` in `apps.py`), so every app's
`@admin.register` lands here. Anyone else gets Django's usual answer: the login page, which says the
signed-in account may not use it.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kzreg.accounts import two_factor
from kzreg.accounts.access import is_registry_staff
from kzreg.accounts.forms import StaffLoginForm


class RegistryAdminSite(admin.AdminSite):
    site_header = "kzreg registry back-office"
    site_title = "kzreg"
    login_form = StaffLoginForm
    login_template = "accounts/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_registry_staff(request.user) and two_factor.satisfied(request.user)
