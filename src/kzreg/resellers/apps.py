from django.apps import AppConfig


class ResellersConfig(AppConfig):
    name = "kzreg.resellers"
    label = "resellers"
    verbose_name = "Resellers"
