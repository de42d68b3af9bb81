from django.apps import AppConfig


class RdapConfig(AppConfig):
    name = "kzreg.rdap"
    label = "rdap"
