from __future__ import annotations

from django.db import models
from django.db.models.functions import Reverse


class HostQuerySet(models.QuerySet):
    def under(self, domain_name: str, *, itself: bool = False) -> HostQuerySet:
        """Hosts named inside `domain_name` (`ns1.ps.kz`, `a.b.ps.kz` for `ps.kz`); the host named
        `domain_name` itself too when `itself`.

        A prefix of the reversed name, not `LIKE '%.ps.kz'`: PostgreSQL answers it from the expression index
        of migration 0010 (`reverse(name) text_pattern_ops`) instead of reading every host."""
        suffix = f".{domain_name}"
        inside = models.Q(reversed_name__startswith=suffix[::-1])
        wanted = (models.Q(name=domain_name) | inside) if itself else inside
        return self.alias(reversed_name=Reverse("name")).filter(wanted)


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

    objects = HostQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.unicode_name
