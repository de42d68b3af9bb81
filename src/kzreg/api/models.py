"""The API's own rows: tokens (only a hash of the secret is kept), the first answer to each idempotency
key, and the per-token request counts that rate limiting reads (in the database, so every web process
shares them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A user's API token: it acts with the user's permissions. The secret is shown once, when made; only
    its SHA-256 is kept (the secret is 32 random bytes, so a slow hash would add nothing). `prefix` finds the
    row without scanning the hashes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=200, blank=True, help_text="Who made it (a user or the CLI)")

    def __str__(self) -> str:
        return f"{self.name or 'token'} ({self.prefix}…) of {self.user_id}"


class IdempotentAnswer(models.Model):
    """The first answer to an `Idempotency-Key` within a tenant: asked again with the same request, this
    answer is given again; with another request, 409."""

    tenant = models.CharField(max_length=64, help_text="registrar:<handle> or reseller:<id>")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="None while the first call runs")
    body = models.BinaryField(blank=True, default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="api_idempotency_tenant_key")]

    def __str__(self) -> str:
        return f"{self.tenant} {self.key} → {self.status}"


class RateWindow(models.Model):
    """How many calls a token made in one minute (the window's start)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "window"], name="api_rate_token_window")]

    def __str__(self) -> str:
        return f"{self.token_id} @ {self.window}: {self.count}"
