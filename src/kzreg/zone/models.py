"""What the zone publisher remembers per zone, and the apex name servers' own addresses (P2).

Registry objects stay in `kzreg.registry`; these rows belong to the publisher alone, so that the serial
never goes backwards and a publication is never repeated when nothing changed.
"""

from __future__ import annotations

from django.db import models


class ZoneState(models.Model):
    """Serial and change detection of one zone.

    `serial` is the highest serial ever written into a zone file of this zone; the next one is always
    larger. `marker` is the cheap change fingerprint (see `kzreg.zone.changes`) of the content that carries
    `digest` (SHA-256 of every line but the SOA serial). `published_*` describe the file in the zone folder.
    """

    zone = models.OneToOneField("registry.Zone", on_delete=models.CASCADE, related_name="dns_state")
    serial = models.PositiveBigIntegerField(default=0)
    marker = models.CharField(max_length=255, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    delegations = models.PositiveIntegerField(default=0)
    published_serial = models.PositiveBigIntegerField(default=0)
    published_digest = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_path = models.CharField(max_length=1000, blank=True)
    reload_pending = models.BooleanField(default=False, help_text="The reload command has not yet succeeded")
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.zone_id}: serial {self.serial}"


class ApexAddress(models.Model):
    """An address of an apex name server that lies inside its own zone (`ns.nic.kz` in `kz`).

    Such a server needs address records in the zone itself, and the registry's own servers are not
    registrations, so their addresses are configuration rather than `Host` rows.
    """

    zone = models.ForeignKey("registry.Zone", on_delete=models.CASCADE, related_name="apex_addresses")
    host = models.CharField(max_length=255, help_text="A-label, lowercase, no trailing dot")
    address = models.GenericIPAddressField()

    class Meta:
        ordering = ["zone", "host", "address"]
        constraints = [models.UniqueConstraint(fields=["zone", "host", "address"], name="apex_address_once")]

    def __str__(self) -> str:
        return f"{self.host} {self.address}"
