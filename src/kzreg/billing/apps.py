from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "kzreg.billing"
    label = "billing"
    verbose_name = "Billing"
