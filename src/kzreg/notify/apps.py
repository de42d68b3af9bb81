from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kzreg.notify"
    label = "notify"
