from __future__ import annotations

from django.db import models


class Registrar(models.Model):
    """An accredited registrar: every domain has one sponsoring registrar (S4, R15)."""

    handle = models.CharField(max_length=32, unique=True)  # "PS-KZ"
    name = models.CharField(max_length=200)  # "Internet-company PS LLP"
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(blank=True)
    whois_server = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"{self.handle} ({self.name})"
