"""Money: one double-entry, append-only ledger in which each organisation keeps its own book."""

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "kzreg.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from kzreg.billing import problems  # noqa: F401  (its codes and the "account" kind, in every process)
