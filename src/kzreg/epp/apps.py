from django.apps import AppConfig


class EppConfig(AppConfig):
    name = "kzreg.epp"
    label = "epp"
    verbose_name = "EPP"
