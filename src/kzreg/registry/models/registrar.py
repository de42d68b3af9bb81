from __future__ import annotations

from django.db import models


class RegistrarStatus(models.TextChoices):
    ACTIVE = "active", "active"
    SUSPENDED = "suspended", "suspended (its registrar actors are refused)"


class Registrar(models.Model):
    """An accredited registrar: the sponsor (EPP clID) of domains, contacts and hosts (S4, R15, E2).

    A registry object like the others: only `kzreg.registry.operations.registrar` writes it, and each
    version goes to history."""

    handle = models.CharField(max_length=32, unique=True)  # "PS-KZ"
    name = models.CharField(max_length=200)  # "Internet-company PS LLP"
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=255, blank=True, help_text="postal address, one line")
    url = models.URLField(blank=True)
    whois_server = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=RegistrarStatus.choices, default=RegistrarStatus.ACTIVE)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"{self.handle} ({self.name})"

    @property
    def active(self) -> bool:
        """Whether its registrar actors may act (readers such as RDAP show it as the entity's status)."""
        return self.status == RegistrarStatus.ACTIVE
