from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kzreg.api"
    label = "api"
    verbose_name = "Reseller API"
