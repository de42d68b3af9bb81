from __future__ import annotations

from django.db import models


class Reseller(models.Model):
    """A legal entity that takes registrants' requests and submits them to its registrar (S1, PS-1.1)."""

    registrar = models.ForeignKey("registry.Registrar", on_delete=models.PROTECT, related_name="resellers")
    handle = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, help_text="Trading name shown to registrants")
    legal_name = models.CharField(max_length=255)
    bin = models.CharField("BIN", max_length=12, blank=True, help_text="Kazakh business identification number")
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True, help_text="Its status: an inactive reseller places no orders")
    contract_number = models.CharField(max_length=40, blank=True)
    contract_signed_at = models.DateField(null=True, blank=True)
    contract_ends_at = models.DateField(null=True, blank=True, help_text="Empty: until terminated")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"{self.handle} ({self.name})"


class ResellerEvent(models.Model):
    """One change to a reseller by registrar staff (contract, status, price group): who, when, and each
    changed field's value before and after. Append-only: written by `resellers.management` in the
    change's own transaction, never updated or deleted (PS-8 audit trail)."""

    reseller = models.ForeignKey(Reseller, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    principal = models.CharField(max_length=150, help_text="Who: a username, or cli:<login>")
    action = models.CharField(max_length=20)  # created, contract, suspended, reactivated, price_group
    changes = models.JSONField(default=dict, help_text="field -> [before, after]")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.principal} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("reseller events are append-only")
        super().save(*args, **kwargs)
