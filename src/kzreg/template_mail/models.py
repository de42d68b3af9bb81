"""What the mail gateway remembers: received messages, requests with tracking numbers, confirmations,
PGP signatures already used, and written (fax) authorizations recorded by staff.

None of these are registry objects: the registry changes only through its operations. These rows are
the gateway's own bookkeeping, kept so that a crash between `250` and processing loses nothing (T2), a
tracking number is never given twice (T3), and a signed form cannot be replayed (T9).
"""

from __future__ import annotations

from django.db import models


class InboundState(models.TextChoices):
    NEW = "new", "new"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class InboundMessage(models.Model):
    """A received e-mail exactly as it arrived, stored before the SMTP server answers `250`."""

    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=10, default="smtp", help_text="smtp or cli")
    peer = models.CharField(max_length=100, blank=True)
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.JSONField(default=list)
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=InboundState.choices, default=InboundState.NEW, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    request = models.ForeignKey(
        "template_mail.MailRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    # Found at intake, before `250` (kzreg.mail.authentication): SPF, each DKIM signature, DMARC for
    # the header From, and the DKIM of forwarded originals (T13). `proven`: DMARC passed (T9).
    authentication = models.JSONField(default=dict, blank=True)
    authentication_results = models.TextField(blank=True, help_text="as an Authentication-Results field")
    proven = models.BooleanField(default=False, help_text="the header From address is proven (DMARC pass)")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"inbound #{self.pk} from {self.sender or self.envelope_from}"


class RequestState(models.TextChoices):
    RECEIVED = "received", "received"
    COMPLETED = "completed", "completed"
    REJECTED = "rejected", "rejected"
    PARTIAL = "partial", "partly completed"
    AWAITING = "awaiting", "awaiting confirmation"
    HELD = "held", "domain put on hold"


class TrackingCounter(models.Model):
    """The last sequence number given out on one day; incremented under a row lock (T3)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class MailRequest(models.Model):
    """One request by mail, known to its sender by the tracking number `KZ-YYMMDD.N` (T3)."""

    tracking = models.CharField(max_length=20, unique=True)
    day = models.DateField()
    seq = models.PositiveIntegerField()
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, default="kk")
    state = models.CharField(max_length=12, choices=RequestState.choices, default=RequestState.RECEIVED)
    summary = models.CharField(max_length=500, blank=True, help_text="what was asked: 'New example.kz', ...")
    outcome = models.TextField(blank=True, help_text="the result as told to the sender")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["day", "seq"], name="mail_request_day_seq")]

    def __str__(self) -> str:
        return self.tracking


class ConfirmationState(models.TextChoices):
    PENDING = "pending", "pending"
    CONFIRMED = "confirmed", "confirmed"
    EXPIRED = "expired", "expired"
    FAILED = "failed", "failed when applied"


class Confirmation(models.Model):
    """A Modify or Delete from someone not on record (or not proven), waiting for the contact on record
    (T10); or a transfer (template `transfer`, action `T`, both forms in `fields`) waiting for the
    current administrative contact (T13)."""

    request = models.ForeignKey(MailRequest, on_delete=models.CASCADE, related_name="confirmations")
    token = models.CharField(max_length=40, unique=True)
    template = models.CharField(max_length=10, default="domain")
    action = models.CharField(max_length=1)
    object_key = models.CharField(max_length=255, help_text="the domain name or contact handle")
    fields = models.JSONField(help_text="the parsed form, applied again when confirmed")
    sent_to = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=ConfirmationState.choices, default=ConfirmationState.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=320, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.request.tracking} confirm {self.action} {self.object_key}"


class SeenSignature(models.Model):
    """A PGP signature, or the DKIM signature of a forwarded original (`fingerprint` `dkim:<d>/<s>`),
    already accepted once; the same signed form sent again is a replay (T9, T13)."""

    digest = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    first_seen = models.DateTimeField()
    request = models.ForeignKey(MailRequest, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.fingerprint} {self.digest[:12]}"


class WrittenAuthorization(models.Model):
    """A transfer authorized on letterhead (by fax or post), recorded by registry staff (T13)."""

    domain = models.CharField(max_length=255, db_index=True, help_text="A-label, e.g. example.kz")
    kind = models.CharField(max_length=20, default="fax")
    reference = models.CharField(max_length=200, help_text="fax number, letter number and date, signatory")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    valid_until = models.DateTimeField()
    used_by = models.ForeignKey(MailRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.domain} ({self.reference})"
