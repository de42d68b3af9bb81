from django.apps import AppConfig


class WhoisConfig(AppConfig):
    name = "kzreg.whois"
    label = "whois"
