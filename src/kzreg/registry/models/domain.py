from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from kzreg.registry import status


class StatusFlag(models.TextChoices):
    """Flags that combine (R13). A domain with none of them and not expired is `active`."""

    HOLD = "hold", "on hold (visible in WHOIS, not delegated)"
    SUSPENDED = "suspended", "suspended (delegation removed)"
    PENDING_DELETE = "pending_delete", "pending delete"
    CLIENT_HOLD = "client_hold", "held by the sponsoring registrar (EPP clientHold: not delegated)"


class RgpStatus(models.TextChoices):
    """RFC 3915: a domain its registrar deleted waits in `redemptionPeriod` (restorable) until purged;
    a restore request makes it `pendingRestore` until the registrar's report comes."""

    NONE = "", "none"
    REDEMPTION_PERIOD = "redemptionPeriod", "redemption period"
    PENDING_RESTORE = "pendingRestore", "pending restore"


class Domain(models.Model):
    name = models.CharField(max_length=255, help_text="Full A-label name, lowercase: example.kz")
    unicode_name = models.CharField(max_length=255)
    # No index of its own: `domain_zone_changed_idx` starts with the zone.
    zone = models.ForeignKey("registry.Zone", on_delete=models.PROTECT, related_name="domains", db_index=False)
    registrar = models.ForeignKey("registry.Registrar", on_delete=models.PROTECT, related_name="domains")
    # The reseller that serves the domain, as its registrar names it (ICANN RDDS `Reseller:`). The registry
    # knows registrars, not resellers: no link into the registrar's tables.
    reseller_name = models.CharField(max_length=200, blank=True, default="")
    registrant = models.ForeignKey("registry.Contact", on_delete=models.PROTECT, related_name="+")
    admin_contact = models.ForeignKey("registry.Contact", on_delete=models.PROTECT, related_name="+")
    tech_contact = models.ForeignKey("registry.Contact", on_delete=models.PROTECT, related_name="+")
    billing_contact = models.ForeignKey("registry.Contact", on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(blank=True, help_text="1a")
    location_address = models.CharField(max_length=255, blank=True, help_text="9a")
    location_city = models.CharField(max_length=100, blank=True, help_text="9b")
    location_region = models.CharField(max_length=100, blank=True, help_text="9c")
    ds_records = models.JSONField(default=list, blank=True, help_text="DNSSEC DS records, presentation form")
    hold = models.BooleanField(default=False)
    suspended = models.BooleanField(default=False)
    pending_delete = models.BooleanField(default=False)
    purge_at = models.DateTimeField(null=True, blank=True, help_text="When a pending delete completes")
    # EPP clientHold (RFC 5731), set by the sponsor: not delegated, like `hold` (`registry.status`).
    client_hold = models.BooleanField(default=False)
    # The other client statuses the sponsor set (clientUpdateProhibited, ...), as EPP words.
    client_statuses = models.JSONField(default=list, blank=True)
    # RFC 3915 after a registrar's delete; `restore_requested_at` starts the 7 days for the report.
    rgp_status = models.CharField(max_length=20, choices=RgpStatus.choices, blank=True, default="")
    restore_requested_at = models.DateTimeField(null=True, blank=True)
    # EPP authInfo: what a gaining registrar gives to transfer the domain; never in history, WHOIS or RDAP.
    auth_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            # One live registration per name: the database, not a check-then-insert, decides races.
            models.UniqueConstraint(fields=["name"], condition=Q(deleted_at__isnull=True), name="domain_live_name")
        ]
        indexes = [
            models.Index(fields=["name"], name="domain_name_idx"),
            models.Index(fields=["zone", "updated_at"], name="domain_zone_changed_idx"),
        ]

    def __str__(self) -> str:
        return self.unicode_name

    @property
    def flags(self) -> list[str]:
        return [f.value for f in StatusFlag if getattr(self, f.value)]

    def statuses(self, at: datetime.datetime) -> list[str]:
        """Status words as shown to users (R13: `registry.status`, the one rule)."""
        return status.domain_statuses(self, at)

    def is_delegated(self, at: datetime.datetime) -> bool:
        """Whether DNS publishes this domain (P2): `registry.status`, the one rule."""
        return status.is_delegated(self, at)


class DomainNameServer(models.Model):
    # No index of its own: `ns_once_per_domain` starts with the domain.
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="nameserver_links", db_index=False)
    host = models.ForeignKey("registry.Host", on_delete=models.PROTECT, related_name="domain_links")
    position = models.PositiveSmallIntegerField(help_text="0 = primary (7a), 1.. = secondaries (8a..)")

    class Meta:
        ordering = ["domain", "position"]
        constraints = [models.UniqueConstraint(fields=["domain", "host"], name="ns_once_per_domain")]

    def __str__(self) -> str:
        return f"{self.domain_id} NS#{self.position} {self.host_id}"


class DomainStatus(models.Model):
    """One period of one flag: who set it, when and why; who lifted it, when and why."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="status_periods")
    flag = models.CharField(max_length=20, choices=StatusFlag.choices)
    reason = models.TextField(blank=True)
    set_at = models.DateTimeField()
    set_by = models.CharField(max_length=255)
    set_channel = models.CharField(max_length=20)
    set_request = models.CharField(max_length=64, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=255, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["domain", "set_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "flag"],
                condition=Q(lifted_at__isnull=True),
                name="one_open_period_per_flag",
            )
        ]

    def __str__(self) -> str:
        return f"{self.flag} since {self.set_at:%Y-%m-%d} by {self.set_by}"
