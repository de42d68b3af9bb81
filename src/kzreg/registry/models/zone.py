"""Zones are configuration rows: `kz` and `қаз` come with the first migration, more need no code (R2)."""

from __future__ import annotations

from django.db import models


class Zone(models.Model):
    name = models.CharField("zone (A-label)", max_length=63, unique=True)  # "kz", "xn--80ao21a"
    unicode_name = models.CharField("zone (U-label)", max_length=63)  # "kz", "қаз"
    max_name_length = models.PositiveSmallIntegerField(
        default=25, help_text="Longest full name incl. the zone, counted in U-label characters (R3)"
    )
    min_period = models.PositiveSmallIntegerField(default=1)
    max_period = models.PositiveSmallIntegerField(default=10)
    allow_latin = models.BooleanField(default=True, help_text="Latin labels (a-z)")
    allow_cyrillic = models.BooleanField(default=True, help_text="Cyrillic labels (Russian + Kazakh letters)")
    grace_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days an expired domain is kept (not delegated) before it is deleted"
    )
    redemption_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days a domain its registrar deleted can be restored before it is purged (RFC 3915)"
    )
    min_nameservers = models.PositiveSmallIntegerField(default=2)
    max_nameservers = models.PositiveSmallIntegerField(default=6)
    # What DNS publishes at the apex (P2); the zone exporter reads these.
    apex_nameservers = models.JSONField(default=list, blank=True, help_text='["ns1.nic.kz", ...]')
    soa_mname = models.CharField(max_length=255, blank=True)
    soa_rname = models.CharField(max_length=255, blank=True)
    soa_refresh = models.PositiveIntegerField(default=3600)
    soa_retry = models.PositiveIntegerField(default=900)
    soa_expire = models.PositiveIntegerField(default=1209600)
    soa_minimum = models.PositiveIntegerField(default=3600)
    default_ttl = models.PositiveIntegerField(default=86400)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.unicode_name


class ReservedName(models.Model):
    """A label that only registry staff may register (`reserved`) or that nobody may (`blocked`)."""

    class Kind(models.TextChoices):
        RESERVED = "reserved", "reserved (registry staff only)"
        BLOCKED = "blocked", "blocked (never registered)"

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="reserved_names")
    label = models.CharField(max_length=63, help_text="A-label, lowercase")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RESERVED)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "label"], name="reserved_label_once")]

    def __str__(self) -> str:
        return f"{self.label}.{self.zone.name} ({self.kind})"
