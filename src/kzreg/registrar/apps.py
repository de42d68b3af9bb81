"""The registrar's own records (DESIGN "The registrar wing"): it reaches the registry only through
`kzreg.registrar.connection`."""

from django.apps import AppConfig


class RegistrarConfig(AppConfig):
    name = "kzreg.registrar"
    label = "registrar"
    verbose_name = "Registrar"

    def ready(self) -> None:
        from kzreg.registrar import problems  # noqa: F401  (its codes, in every process)
