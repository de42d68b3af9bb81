"""The second factor for registry staff: TOTP codes (django-otp) on the back-office login.

`KZREG_STAFF_2FA` (`kzreg.accounts.conf.staff_2fa`): `enrolled` asks a code of every account that has a
confirmed TOTP device; `required` also keeps registry staff without one out until an administrator runs
`kzreg user totp NAME`. A session counts as verified once the login form checked a code
(django-otp's middleware keeps the device in the session).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "kzreg"


def mode() -> str:
    return settings.KZREG_STAFF_2FA


def device_for(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def code_needed(user) -> bool:
    """Whether the login form must ask this (registry staff) account for a code."""
    return mode() == "required" or device_for(user) is not None


def satisfied(user) -> bool:
    """Whether this signed-in registry staff session has given the second factor the mode asks of it."""
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return not code_needed(user)


def verify(device: TOTPDevice, code: str) -> bool:
    """Checks `code` under a row lock: a code is good once (django-otp keeps the last step used), and
    django-otp's own back-off slows guessing on the device as well."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(code.strip()) and locked.verify_token(code.strip())


def enrol(user) -> TOTPDevice:
    """A new confirmed device with a fresh key; earlier devices of the user stop working."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
