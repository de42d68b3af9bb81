"""What lets a registrar in over EPP (its password hash, certificate fingerprints, client networks) and
the log of every login attempt. Written only by `kzreg.epp.access`."""

from __future__ import annotations

from django.db import models


class EppAccess(models.Model):
    """A registrar's EPP credentials. No row: the registrar cannot log in over EPP at all."""

    registrar = models.OneToOneField("registry.Registrar", on_delete=models.CASCADE, related_name="epp_access")
    password_hash = models.CharField(max_length=256, help_text="Django password hash; never shown")
    # SHA-256 of each client certificate (DER) the registrar may present: 64 lowercase hex digits.
    certificate_fingerprints = models.JSONField(default=list)
    # CIDRs the registrar may connect from; empty: loopback only (docs/epp.md "Access and login").
    allowed_networks = models.JSONField(default=list)
    password_changed_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "EPP access"
        verbose_name_plural = "EPP access"

    def __str__(self) -> str:
        return f"EPP access of {self.registrar_id}"


class LoginOutcome(models.TextChoices):
    OK = "ok"
    BAD_PASSWORD = "bad_password"
    UNKNOWN_CLIENT = "unknown_client"
    NO_ACCESS = "no_access"
    NO_CERTIFICATE = "no_certificate"
    CERTIFICATE_NOT_PINNED = "certificate_not_pinned"
    CERTIFICATE_EXPIRED = "certificate_expired"
    ADDRESS_NOT_ALLOWED = "address_not_allowed"
    REGISTRAR_SUSPENDED = "registrar_suspended"
    RATE_LIMITED = "rate_limited"
    NEW_PASSWORD_REFUSED = "new_password_refused"
    PASSWORD_EXPIRED = "password_expired"


class LoginAttempt(models.Model):
    """One `<login>`: who it claimed to be, from where, with which certificate, and how it ended."""

    at = models.DateTimeField(db_index=True)
    client_id = models.CharField(max_length=64, help_text="the <clID> as sent")
    registrar = models.ForeignKey(
        "registry.Registrar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.GenericIPAddressField()
    certificate_fingerprint = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=32, choices=LoginOutcome.choices)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.client_id} from {self.address}: {self.outcome}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == LoginOutcome.OK
