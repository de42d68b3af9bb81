from __future__ import annotations

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """Ties a user to the organisation it acts for; `Actor`s for web and API requests come from this."""

    class Organisation(models.TextChoices):
        REGISTRY = "registry", "registry operator"
        REGISTRAR = "registrar", "registrar"
        RESELLER = "reseller", "reseller"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    organisation = models.CharField(max_length=10, choices=Organisation.choices)
    registrar = models.ForeignKey("registry.Registrar", null=True, blank=True, on_delete=models.PROTECT)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT)
    language = models.CharField(max_length=2, default="kk")

    def __str__(self) -> str:
        return f"{self.user} @ {self.reseller or self.registrar or 'registry'}"
