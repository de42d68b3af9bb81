from django.contrib import admin

from kzreg.resellers.models import Reseller


@admin.register(Reseller)
class ResellerAdmin(admin.ModelAdmin):
    list_display = ("handle", "name", "registrar", "active", "contract_number")
    list_filter = ("registrar", "active")
    search_fields = ("handle", "name", "legal_name", "bin")
