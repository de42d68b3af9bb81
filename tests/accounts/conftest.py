"""The people of the demo (registry, registrar PS, resellers Altyn and Sibhost, a registrant) and one row of
every kind a staff page shows, so the access tests can sweep every page with real ids."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.utils import translation

from kzreg.accounts.models import StaffProfile
from kzreg.core import clock
from kzreg.notify import queue_email
from kzreg.resellers.models import Reseller
from kzreg.template_mail.models import Confirmation, InboundMessage, MailRequest, WrittenAuthorization
from tests.conftest import T0

PASSWORD = "kzreg-demo"
TRACKING = "KZ-260301.1"
# In the stored mail only: a page that shows it to someone outside the registry leaks an individual's data.
RAW_SECRET = "Grozny Ivan, passport N0123456"


@pytest.fixture(autouse=True)
def _english_and_fast_hashes(settings):
    # A password hash takes a second on purpose; these tests check who gets in, not the hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def _user(username: str, *, staff: bool = True, superuser: bool = False, password: str | None = PASSWORD):
    return get_user_model().objects.create_user(
        username, f"{username}@example.kz", password, is_staff=staff, is_superuser=superuser
    )


@pytest.fixture
def people(db, registrar) -> dict:
    """Every kind of user, by the name the tests use; `anonymous` is None."""
    altyn = Reseller.objects.create(registrar=registrar, handle="ALTYN", name="Altyn Hosting", created_at=T0)
    sibhost = Reseller.objects.create(registrar=registrar, handle="SIBHOST", name="Sibhost", created_at=T0)
    users = {
        "plain": _user("registrant", staff=False),
        "ps-admin": _user("ps-admin"),
        "altyn-admin": _user("altyn-admin"),
        "sibhost-admin": _user("sibhost-admin"),
        "hostmaster": _user("hostmaster"),
        "registry": _user("registry", superuser=True),
    }
    profiles = {
        "ps-admin": ("registrar", None),
        "altyn-admin": ("reseller", altyn),
        "sibhost-admin": ("reseller", sibhost),
        "hostmaster": ("registry", None),
        "registry": ("registry", None),
    }
    for name, (organisation, reseller) in profiles.items():
        StaffProfile.objects.create(
            user=users[name], organisation=organisation, registrar=registrar if organisation != "registry" else None,
            reseller=reseller,
        )  # fmt: skip
    # Registry staff who is not a superuser: the back-office by permissions, like a KazNIC operator.
    # (Made here too: a live-server test before this one may have emptied the migrated rows.)
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    users["hostmaster"].user_permissions.set(Permission.objects.all())
    return {"anonymous": None, **users}


@pytest.fixture
def rows(db, people, make_domain) -> dict:
    """One row of each kind the staff pages and the back-office show."""
    clock.freeze(T0)
    domain = make_domain("example.kz")
    request = MailRequest.objects.create(
        tracking=TRACKING, day=T0.date(), seq=1, created_at=T0, updated_at=T0, sender="ivan1@example.kz",
        subject="Transfer Domain example.kz", state="waiting", summary="Transfer example.kz",
    )  # fmt: skip
    raw = f"From: ivan1@example.kz\r\nSubject: Transfer Domain example.kz\r\n\r\n1a: {RAW_SECRET}\r\n".encode()
    InboundMessage.objects.create(
        received_at=T0, envelope_from="ivan1@example.kz", envelope_to=["hostmaster@nic.kz"], raw=raw,
        size=len(raw), request=request, sender="ivan1@example.kz", subject="Transfer Domain example.kz",
    )  # fmt: skip
    Confirmation.objects.create(
        request=request, token="c" * 40, action="T", object_key="example.kz", fields={}, sent_to=["ivan1@example.kz"],
        created_at=T0, expires_at=T0 + dt.timedelta(days=7),
    )  # fmt: skip
    WrittenAuthorization.objects.create(
        domain="example.kz", reference="fax 2026-03-01, director", recorded_by="hostmaster", recorded_at=T0,
        valid_until=T0 + dt.timedelta(days=30),
    )  # fmt: skip
    outbox = queue_email(
        to=["ivan1@example.kz"], subject=f"[{TRACKING}] {RAW_SECRET}", body=RAW_SECRET, reference=TRACKING
    )
    clock.thaw()
    return {"domain": domain, "request": request, "outbox": outbox}
