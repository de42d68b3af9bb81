from __future__ import annotations

from django.db import models


class Host(models.Model):
    """A name server. Registrations never change a host; only the host operations do (R11)."""

    name = models.CharField(max_length=255, unique=True, help_text="A-label, lowercase, no trailing dot")
    unicode_name = models.CharField(max_length=255)
    addresses = models.JSONField(default=list, blank=True, help_text="IPv4 and IPv6 addresses")
    # The sponsoring registrar (EPP clID); NULL: the registry's own.
    registrar = models.ForeignKey(
        "registry.Registrar", null=True, blank=True, on_delete=models.PROTECT, related_name="hosts"
    )
    # EPP client statuses the sponsor set (clientUpdateProhibited, clientDeleteProhibited).
    client_statuses = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.unicode_name
