from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "kzreg.registry"
    label = "registry"
    verbose_name = "Registry"
