"""A registrar's EPP message queue (RFC 5730 `<poll>`): rows written in the transaction of the operation
that causes them (a transfer, a hold by the registry, an expiry), read oldest first, acknowledged by id."""

from __future__ import annotations

from django.db import models


class PollMessage(models.Model):
    registrar = models.ForeignKey("registry.Registrar", on_delete=models.CASCADE, related_name="poll_messages")
    created_at = models.DateTimeField()
    kind = models.CharField(max_length=40, help_text="transfer_requested, domain_expired, low_balance, ...")
    text = models.TextField(help_text="English (EPP <msg>)")
    texts = models.JSONField(default=dict, help_text="The text in kk, ru and en")
    object_type = models.CharField(max_length=10, blank=True)
    object_key = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="What the EPP side renders (trStatus, dates)")
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["registrar", "id"]
        indexes = [models.Index(fields=["registrar", "acked_at", "id"], name="poll_queue_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.object_key}"
