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


# The people login (`/account/`): required for registry and registrar staff (in `required` mode), offered
# to everyone else. Staff who must have a device and have none enrol on `/account/two-factor/` before
# anything else (`TwoFactorOwed` middleware); registry staff without one stay out, as on the back-office.


def is_staff_person(user) -> bool:
    """Registry or registrar staff: the people whose second factor is required."""
    if not (user.is_authenticated and user.is_active):
        return False
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return bool(user.is_staff or user.is_superuser)
    return profile.organisation in ("registry", "registrar") or bool(user.is_superuser)


def required_for(user) -> bool:
    return mode() == "required" and is_staff_person(user)


def verified(user) -> bool:
    """The session gave its code (django-otp's middleware), or the login that is just happening did."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified()) or getattr(user, "otp_device", None) is not None


def owed(user) -> bool:
    """This signed-in session must enrol (or give its code) before it may do anything else."""
    return required_for(user) and not verified(user)


def start_enrolment(user) -> TOTPDevice:
    """A new unconfirmed device with a fresh key; confirmed devices keep working until it is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_enrolment(user, device_id: int, code: str) -> TOTPDevice | None:
    """Confirms the pending device if `code` is its current one; earlier devices of the user go."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not code.strip() or not device.verify_token(code.strip()):
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device
