"""People: who a user is in which organisation (`StaffProfile`), registrants' links to the customers they
are (`RegistrantLink`), the sessions of their logins (`LoginSession`), and every view of a registrant's
personal data by staff or a reseller's user (`PersonalDataView`, PS-8, C4).

Roles and permissions are words kept on the profile (`roles.py` says what each allows), not Django's
permission tables: they are few and fixed, and the access functions read them with the profile.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """Ties a user to the organisation it acts for; `Actor`s for web and API requests come from this.

    Registrar staff carry `roles` (`roles.RegistrarRole`); a reseller's user is its `administrator` (every
    permission) or carries the `permissions` its administrator granted (`roles.Permission`). A registrant
    has a profile of organisation `registrant` (its language) and its customers through `RegistrantLink`.
    """

    class Organisation(models.TextChoices):
        REGISTRY = "registry", "registry operator"
        REGISTRAR = "registrar", "registrar"
        RESELLER = "reseller", "reseller"
        REGISTRANT = "registrant", "registrant"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    organisation = models.CharField(max_length=10, choices=Organisation.choices)
    registrar = models.ForeignKey("registry.Registrar", null=True, blank=True, on_delete=models.PROTECT)
    reseller = models.ForeignKey("resellers.Reseller", null=True, blank=True, on_delete=models.PROTECT)
    language = models.CharField(max_length=2, default="kk")
    administrator = models.BooleanField(default=False, help_text="A reseller's administrator: every permission")
    permissions = models.JSONField(default=list, blank=True, help_text="A reseller user's granted permissions")
    roles = models.JSONField(default=list, blank=True, help_text="A registrar staff member's roles")

    def __str__(self) -> str:
        return f"{self.user} @ {self.reseller or self.registrar or self.organisation}"


class RegistrantLink(models.Model):
    """A registrant's user is this registrar-wing customer (one user may be several customers, of several
    resellers). Kept here, not in the registrar's models: the registrar wing knows customers, not logins."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrant_links")
    customer = models.ForeignKey("registrar.Customer", on_delete=models.CASCADE, related_name="registrant_links")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "customer"], name="accounts_registrant_link")]

    def __str__(self) -> str:
        return f"{self.user} = customer {self.customer_id}"


class LoginSession(models.Model):
    """One login: its session, from where, with what, when. Ending it deletes the Django session."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="accounts_loginsession_user")]

    def __str__(self) -> str:
        return f"{self.user} from {self.address} at {self.created_at:%Y-%m-%d %H:%M}"


class PersonalDataView(models.Model):
    """Who saw whose personal data, when, which fields, through which page or endpoint (PS-8, C4).
    Append-only; a registrant's data-access report lists these (`people.data_access_report`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept when the user is gone")
    organisation = models.CharField(max_length=200, help_text="Whose staff: the registrar's or a reseller's")
    at = models.DateTimeField()
    customer = models.ForeignKey("registrar.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")  # fmt: skip
    customer_key = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="The customer's id")
    contact_handle = models.CharField(max_length=32, blank=True, db_index=True)
    fields = models.CharField(max_length=300, help_text="What was shown, e.g. name,email,phone")
    via = models.CharField(max_length=200, help_text="The page or endpoint, e.g. GET /api/v1/customers/7")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} saw customer {self.customer_key} via {self.via} at {self.at}"


class PeopleEvent(models.Model):
    """The audit of people: who added, granted, deactivated, linked, reset or enrolled whom, and when."""

    at = models.DateTimeField()
    principal = models.CharField(max_length=200, help_text="Who did it (a username, or cli:<name>)")
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=150, blank=True, help_text="The user it was done to")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target", "at"], name="accounts_peopleevent_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.principal} {self.action} {self.target}"
