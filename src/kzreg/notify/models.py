"""The outbox row: one message to send, written in the same transaction as the change that causes it."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """A mail waiting for (or past) delivery; the worker moves it queued → sending → sent | failed.

    `next_attempt_at` is also the lease of a `sending` row, renewed while its worker (`claimed_by`,
    `notify.workers`) is sending: a worker that dies mid-send leaves the row `sending`, and another takes
    it again (saying so in `last_error`) at once when that worker ran on its host and is gone, else when
    the lease passes.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    created_at = models.DateTimeField()
    sender = models.CharField(max_length=320)
    to = models.JSONField(default=list)  # ["Name <addr@example.kz>", "addr2@example.kz"]
    cc = models.JSONField(default=list, blank=True)
    subject = models.TextField()
    body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # extra headers, e.g. {"X-Kzreg-Form": "New"}
    message_id = models.CharField(max_length=255, unique=True)  # "<...@nic.kz>", assigned at queue time
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True, db_index=True)  # e.g. tracking "KZ-261122.1"
    language = models.CharField(max_length=2, default="en")
    state = models.CharField(max_length=7, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_to = models.CharField(max_length=1024, blank=True)  # relay "host:port" or the .eml path
    claimed_by = models.CharField(max_length=400, blank=True)  # the worker sending it (`workers.current`)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notify_outbox_due"),
            models.Index(fields=["-created_at", "-id"], name="notify_outbox_newest"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.state} {self.subject[:60]}"

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc]


class OutboxRecipient(models.Model):
    """One recipient of a row written with `write_queued` (the mail gateway's replies), so the mail an
    address got lately is counted from an index, not by reading every recent row (`notify.limits`)."""

    message = models.ForeignKey(
        OutboxMessage, to_field="message_id", on_delete=models.CASCADE, related_name="recipient_rows"
    )
    address = models.CharField(max_length=320)  # the bare address as the outbox stores it, lower case
    created_at = models.DateTimeField()  # the row's queue time

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="notify_recipient_recent")]

    def __str__(self) -> str:
        return f"{self.address} {self.created_at:%Y-%m-%d %H:%M}"
