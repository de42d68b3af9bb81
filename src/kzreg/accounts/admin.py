from django.contrib import admin

from kzreg.accounts.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "registrar", "reseller", "language")
    list_filter = ("organisation",)
