from __future__ import annotations

from django.db import models


class ObjectType(models.TextChoices):
    DOMAIN = "domain"
    CONTACT = "contact"
    HOST = "host"
    REGISTRAR = "registrar"


class HistoryEntry(models.Model):
    """One version of one object (R1): the full state after the change, with who, when, how and why.

    Versions are append-only. `snapshot` is the object as the read side shows it, so an object as it was
    at any time is the latest entry at or before that time.
    """

    object_type = models.CharField(max_length=10, choices=ObjectType.choices)
    object_id = models.BigIntegerField()
    object_key = models.CharField(
        max_length=255, help_text="domain name, contact handle, host name or registrar handle"
    )
    version = models.PositiveIntegerField()
    operation = models.CharField(max_length=40)
    at = models.DateTimeField()
    principal = models.CharField(max_length=255)
    role = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    request_id = models.CharField(max_length=64)
    registrar_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["object_type", "object_id", "version"]
        verbose_name_plural = "history"
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "version"], name="one_row_per_version")
        ]
        indexes = [models.Index(fields=["object_type", "object_key", "at"], name="history_key_time_idx")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_key} v{self.version} {self.operation}"
