"""Checks. At every start: `KZREG_REGISTRANT_ACTIONS` names only known actions (a typo would otherwise
surface on a registrant's first page). Deployment (`kzreg manage check --deploy --database default`):
registry staff that cannot give a second factor. With `KZREG_STAFF_2FA=required` they cannot sign in at
all; with `enrolled` they sign in with a password alone."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def registrant_actions_known(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from kzreg.accounts.roles import registrant_actions

    try:
        registrant_actions()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="Name actions from the list, comma-separated.", id="accounts.E001")]
    return []


def staff_without_device(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    from kzreg.accounts import two_factor

    found: list[checks.CheckMessage] = []
    if two_factor.mode() != "required":
        found.append(
            checks.Warning(
                "KZREG_STAFF_2FA=enrolled: registry staff without a TOTP device sign in with a password alone.",
                hint="Set KZREG_STAFF_2FA=required (the default outside the demo).",
                id="accounts.W001",
            )
        )
    if not databases or "default" not in databases:
        return found  # Django's convention: checks read the database only when asked to
    try:
        names = _registry_staff_without_device()
    except DatabaseError:
        return found  # not migrated yet: nothing to say about accounts
    if names:
        found.append(
            checks.Warning(
                f"registry staff without a TOTP device: {', '.join(names)}",
                hint="Give each one with `kzreg user totp NAME` (or take away is_staff).",
                id="accounts.W002",
            )
        )
    return found


def _registry_staff_without_device() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    staff = get_user_model().objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(is_staff=True))
    staff = staff.filter(
        Q(is_superuser=True) | Q(staff_profile__isnull=True) | Q(staff_profile__organisation="registry")
    )
    return sorted(staff.exclude(pk__in=with_device).values_list("username", flat=True))


def register() -> None:
    checks.register(registrant_actions_known)
    checks.register(staff_without_device, checks.Tags.security, deploy=True)
