from __future__ import annotations

from django.db import models


class ContactKind(models.TextChoices):
    INDIVIDUAL = "I", "individual"
    ROLE = "R", "role"


class SecurityScheme(models.TextChoices):
    """How a contact authorizes Modify and Delete requests (T9)."""

    NONE = "", "none"
    MAIL_FROM = "M", "Mail-From"
    CRYPT_PW = "C", "Crypt-PW"
    PGP = "P", "PGP"


class Contact(models.Model):
    """A person or role with a NIC handle (R5, R6, R8). Names are "Surname, Name Patronymic[, suffix]"."""

    handle = models.CharField(max_length=10, unique=True)
    kind = models.CharField(max_length=1, choices=ContactKind.choices)
    name = models.CharField(max_length=255)
    organisation = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country_code = models.CharField(max_length=2)
    phones = models.JSONField(default=list)
    faxes = models.JSONField(default=list, blank=True)
    emails = models.JSONField(default=list)
    language = models.CharField(max_length=2, default="ru", help_text="ru, en or kk (3m)")
    # Authorization (T9): the crypt password is only ever stored as a hash.
    security_scheme = models.CharField(max_length=1, choices=SecurityScheme.choices, blank=True, default="")
    crypt_hash = models.CharField(max_length=255, blank=True)
    pgp_key = models.TextField(blank=True)
    pgp_fingerprint = models.CharField(max_length=64, blank=True)
    # Personal data (R18): consent recorded at submission, publication only where consented.
    consent_at = models.DateTimeField(null=True, blank=True)
    disclose = models.BooleanField(default=False, help_text="Publish personal data in WHOIS/RDAP")
    # The sponsoring registrar (EPP clID): only it and registry staff change the contact; another
    # registrar names it in a domain only with `auth_code`. NULL: the registry's own (mail, staff).
    registrar = models.ForeignKey(
        "registry.Registrar", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    # EPP authInfo: random unless the sponsor chose one; shown to the sponsor and staff only, never in history.
    auth_code = models.CharField(max_length=64, blank=True)
    # EPP client statuses the sponsor set (clientUpdateProhibited, ...).
    client_statuses = models.JSONField(default=list, blank=True)
    match_key = models.CharField(max_length=40, db_index=True, help_text="R7 matching digest")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return f"{self.handle} ({self.name})"

    @property
    def email(self) -> str:
        return self.emails[0] if self.emails else ""
