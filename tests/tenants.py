"""`two_tenants`: two resellers of one registrar, each with its users, a customer, and a domain really
registered through the registrar wing (an order over the local registry connection), plus a registrar
staff member and a registrant who is a customer of both. Sweeps use it to try one tenant's ids as the
other and expect 404 (PS-8, C4).

    from tests.tenants import two_tenants_fixture  # noqa: F401  (or `two_tenants`, as the brief names it)

    def test_sweep(client, two_tenants):
        client.force_login(two_tenants.a.admin)
        assert client.get(f"/api/v1/orders/{two_tenants.b.order.pk}").status_code == 404

The users have no usable password: log them in with `client.force_login` (or give one in the test).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kzreg.accounts.models import RegistrantLink, StaffProfile
from kzreg.accounts.roles import Permission, RegistrarRole
from kzreg.billing.books import open_reseller_deposit, reseller_deposit
from kzreg.billing.money import Money
from kzreg.billing.payments import record_payment
from kzreg.billing.price_lists import set_wholesale_price
from kzreg.core import clock
from kzreg.registrar import actions
from kzreg.registrar.actions import Seller
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import CustomerData, create_customer
from kzreg.registrar.models import Customer, Order, Service
from kzreg.resellers.models import Reseller

REGISTRAR = "PS-KZ"
LOCATION = {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}
NS = ("ns1.ps.kz", "ns2.ps.kz")


@dataclass(frozen=True)
class Tenant:
    reseller: Reseller
    admin: Any  # a reseller administrator: every permission
    viewer: Any  # a reseller user with view only
    customer: Customer
    service: Service
    order: Order


@dataclass(frozen=True)
class TwoTenants:
    a: Tenant
    b: Tenant
    registrar_staff: Any  # every registrar role
    registrant: Any  # linked to a.customer and b.customer


def make_user(username: str, organisation: str, **profile: Any) -> Any:
    user = get_user_model().objects.create(username=username, email=f"{username}@example.kz")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    StaffProfile.objects.create(user=user, organisation=organisation, language="en", **profile)
    return user


def _tenant(registrar: Any, handle: str, name: str, domain: str, n: int) -> Tenant:
    now = clock.now()
    reseller = Reseller.objects.create(
        registrar=registrar, handle=handle, name=name, legal_name=f"{name} LLP", email=f"info@{handle.lower()}.kz",
        created_at=now,
    )  # fmt: skip
    account = reseller_deposit(reseller) or open_reseller_deposit(reseller, "USD", now - dt.timedelta(days=1))
    record_payment(account, Money.of("1000.00", "USD"), "tenants", now, reference="tenants")
    slug = handle.lower()
    admin = make_user(f"{slug}-admin", "reseller", registrar=registrar, reseller=reseller, administrator=True)
    viewer = make_user(f"{slug}-viewer", "reseller", registrar=registrar, reseller=reseller,
                       permissions=[Permission.VIEW.value])  # fmt: skip
    data = CustomerData(
        kind="I", name=f"Customer {handle}", address="Abay avenue 10", city="Almaty", region="Almaty",
        postal_code="050000", country_code="KZ", email=f"owner{n}@mail.kz", phone=f"+7.70100000{n:02d}",
        language="en", consent_at=now,
    )  # fmt: skip
    customer = create_customer(data, REGISTRAR, reseller)
    conn = LocalConnection(REGISTRAR, "tenants")
    seller = Seller(REGISTRAR, reseller, admin.get_username())
    order = actions.order_create(
        conn, seller, name=domain, years=1, customer_id=customer.pk, nameservers=NS, location=LOCATION,
        key=f"tenants-{slug}",
    )  # fmt: skip
    assert order.state == "done", order.answer
    customer.refresh_from_db()
    return Tenant(reseller, admin, viewer, customer, Service.objects.get(name=domain), order)


@pytest.fixture(name="two_tenants")
def two_tenants_fixture(registrar, settings) -> TwoTenants:
    """Needs the database (`registrar` is tests/conftest.py's PS-KZ with its name servers)."""
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "HANDLE": REGISTRAR}
    since = clock.now() - dt.timedelta(days=1)
    for command in ("create", "renew", "transfer"):
        for years in range(1, 4):
            set_wholesale_price(
                registrar, "kz", command, years, Money.of("40.00", "USD").times(years), "tenants", since
            )
    a = _tenant(registrar, "ALTYN", "Altyn Hosting", "altyn-tenant.kz", 1)
    b = _tenant(registrar, "SIBHOST", "Sibir Hosting", "sibhost-tenant.kz", 2)
    staff = make_user("ps-staff", "registrar", registrar=registrar, roles=[r.value for r in RegistrarRole])
    registrant = make_user("registrant", "registrant")
    for customer in (a.customer, b.customer):
        RegistrantLink.objects.create(user=registrant, customer=customer, created_at=clock.now())
    return TwoTenants(a, b, staff, registrant)


# Import either name: `two_tenants` (ruff then reports F811 where a test takes it as an argument) or
# `two_tenants_fixture`, which keeps ruff quiet; the fixture is called `two_tenants` either way.
two_tenants = two_tenants_fixture
