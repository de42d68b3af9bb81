from django.apps import AppConfig


class ZoneConfig(AppConfig):
    name = "kzreg.zone"
    label = "zone"
