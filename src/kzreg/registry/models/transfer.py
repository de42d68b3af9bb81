"""Registrar transfers of domains and contacts (R15, PS-1.2, RFC 5730 §3.2.4): one row per request, its
status in RFC 5730's trStatus words, and the deadline after which the worker approves it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class TransferStatus(models.TextChoices):
    PENDING = "pending", "pending"
    CLIENT_APPROVED = "clientApproved", "approved by the losing registrar"
    CLIENT_REJECTED = "clientRejected", "rejected by the losing registrar"
    CLIENT_CANCELLED = "clientCancelled", "cancelled by the gaining registrar"
    SERVER_APPROVED = "serverApproved", "approved by the registry"
    SERVER_CANCELLED = "serverCancelled", "cancelled by the registry"


class TransferBase(models.Model):
    gaining = models.ForeignKey("registry.Registrar", on_delete=models.PROTECT, related_name="+")
    losing = models.ForeignKey("registry.Registrar", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_at = models.DateTimeField()
    requested_by = models.CharField(max_length=255)
    act_by = models.DateTimeField(help_text="When the worker approves it unless decided before")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def pending(self) -> bool:
        return self.status == TransferStatus.PENDING


class DomainTransfer(TransferBase):
    domain = models.ForeignKey("registry.Domain", on_delete=models.CASCADE, related_name="transfers")
    period = models.PositiveSmallIntegerField(default=1, help_text="Years added when it completes")

    class Meta:
        ordering = ["domain", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=Q(status="pending"), name="one_pending_transfer_per_domain"
            )
        ]
        indexes = [models.Index(fields=["status", "act_by"], name="domain_transfer_due_idx")]

    def __str__(self) -> str:
        return f"{self.domain_id} → {self.gaining_id} ({self.status})"


class ContactTransfer(TransferBase):
    contact = models.ForeignKey("registry.Contact", on_delete=models.CASCADE, related_name="transfers")

    class Meta:
        ordering = ["contact", "requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(status="pending"), name="one_pending_transfer_per_contact"
            )
        ]
        indexes = [models.Index(fields=["status", "act_by"], name="contact_transfer_due_idx")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.gaining_id} ({self.status})"
