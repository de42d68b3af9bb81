from django.apps import AppConfig


class CabinetConfig(AppConfig):
    name = "kzreg.cabinet"
    label = "cabinet"
    verbose_name = "Cabinet and public site"
