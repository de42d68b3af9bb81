"""The demo's people beyond the parties' staff (issue 12): the reseller administrators get every
permission, PS-KZ's administrator its administration role, a registrar staff member `ps-staff` (support,
compliance, billing), and a registrant `registrant` who is a customer of both resellers, holding domains
of each. Password `kzreg-demo` for all, as for the other demo users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model

from kzreg.accounts.models import StaffProfile
from kzreg.accounts.people import link_registrant
from kzreg.accounts.roles import RegistrarRole
from kzreg.registrar.models import Customer
from kzreg.resellers.models import Reseller

STAFF_ROLES = [RegistrarRole.SUPPORT.value, RegistrarRole.COMPLIANCE.value, RegistrarRole.BILLING.value]
ADMIN_ROLES = [RegistrarRole.ADMINISTRATION.value]


def _login(username: str, email: str, password_hash: str, staff: bool) -> Any:
    user, made = get_user_model().objects.get_or_create(username=username, defaults={"email": email, "is_staff": staff})
    if made:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def create_demo_people(registrar: Any, resellers: Sequence[Reseller], password_hash: str) -> list[str]:
    """Returns the usernames it made or updated; a second run changes nothing."""
    StaffProfile.objects.filter(user__username="ps-admin", organisation="registrar").update(roles=ADMIN_ROLES)
    StaffProfile.objects.filter(organisation="reseller", reseller__in=resellers,
                                user__username__endswith="-admin").update(administrator=True)  # fmt: skip
    staff = _login("ps-staff", "staff@ps.kz", password_hash, staff=True)
    StaffProfile.objects.get_or_create(user=staff, defaults={
        "organisation": "registrar", "registrar": registrar, "roles": STAFF_ROLES, "language": "ru",
    })  # fmt: skip
    registrant = _login("registrant", "registrant@example.kz", password_hash, staff=False)
    StaffProfile.objects.get_or_create(user=registrant, defaults={"organisation": "registrant", "language": "kk"})
    for reseller in resellers:
        customer = Customer.objects.filter(reseller=reseller, services__isnull=False).order_by("id").first()
        if customer is not None:
            link_registrant("demo", registrant, customer)
    return ["ps-staff", "registrant"]
