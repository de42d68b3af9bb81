"""Every access function of the registrar wing, as the other tenant (404), as a user without the
permission (403), as registrar staff and as the registrant (PS-8, C4)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kzreg.accounts.models import PersonalDataView, RegistrantLink
from kzreg.accounts.personal_data import data_access_report
from kzreg.accounts.roles import Permission, permissions_of
from kzreg.billing.books import reseller_deposit
from kzreg.core import clock
from kzreg.registrar import access
from kzreg.registrar.customers import CustomerData, create_customer
from tests.tenants import make_user, two_tenants_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_each_tenant_sees_its_own_rows_only(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    assert list(access.services_visible_to(a.admin)) == [a.service]
    assert list(access.customers_visible_to(a.viewer)) == [a.customer]
    assert list(access.orders_visible_to(b.admin)) == [b.order]
    assert access.access_service_by_name(a.admin, a.service.name) == a.service
    assert access.access_customer_by_id(a.admin, a.customer.pk) == a.customer
    assert access.access_order_by_id(a.admin, a.order.pk) == a.order
    assert access.access_reseller_by_id(a.admin, a.reseller.pk) == a.reseller
    assert access.access_user_by_id(a.admin, a.viewer.pk) == a.viewer
    assert access.account_of(a.admin) == reseller_deposit(a.reseller)
    assert access.seller_of(a.admin).reseller == a.reseller


@pytest.mark.parametrize(
    "reads",
    [
        lambda t: access.access_service_by_name(t.a.admin, t.b.service.name),
        lambda t: access.access_customer_by_id(t.a.admin, t.b.customer.pk),
        lambda t: access.access_order_by_id(t.a.admin, t.b.order.pk),
        lambda t: access.access_reseller_by_id(t.a.admin, t.b.reseller.pk),
        lambda t: access.access_user_by_id(t.a.admin, t.b.viewer.pk),
        lambda t: access.access_user_by_id(t.a.admin, t.registrar_staff.pk),
        lambda t: access.access_invoice_by_number(t.a.admin, "2026-000001"),
        lambda t: access.access_customer_by_id(t.a.admin, 10**9),
        lambda t: access.access_customer_by_id(t.a.admin, "not-a-number"),
        lambda t: access.access_service_by_name(t.registrant, "nobody-has-it.kz"),
    ],
    ids=[
        "service",
        "customer",
        "order",
        "reseller",
        "user",
        "registrar-user",
        "invoice",
        "missing",
        "junk",
        "registrant",
    ],
)
def test_another_tenants_row_is_not_found(two_tenants, reads):
    with pytest.raises(Http404):
        reads(two_tenants)


@pytest.mark.parametrize(
    "reads",
    [
        lambda t: access.access_service_by_name(t.a.viewer, t.a.service.name, Permission.ORDER),
        lambda t: access.access_customer_by_id(t.a.viewer, t.a.customer.pk, Permission.ORDER),
        lambda t: access.access_user_by_id(t.a.viewer, t.a.admin.pk),
        lambda t: access.access_invoice_by_number(t.a.viewer, "2026-000001"),
        lambda t: access.account_of(t.a.viewer),
        lambda t: access.account_of(t.registrant),
        lambda t: access.seller_of(t.registrant),
        lambda t: access.access_service_by_name(t.registrant, t.a.service.name, Permission.ORDER),
        lambda t: access.access_reseller_by_id(t.registrant, t.a.reseller.pk),
        lambda t: access.access_user_by_id(t.registrant, t.a.admin.pk),
    ],
    ids=[
        "order",
        "customer-order",
        "users",
        "invoice",
        "account",
        "registrant-account",
        "registrant-seller",
        "registrant-order",
        "registrant-reseller",
        "registrant-user",
    ],
)
def test_a_missing_permission_is_forbidden(two_tenants, reads):
    with pytest.raises(PermissionDenied):
        reads(two_tenants)


def test_a_missing_permission_is_forbidden_even_for_another_tenants_id(two_tenants):
    """Decided before any row is read: the answer says nothing about the other tenant's ids."""
    t = two_tenants
    with pytest.raises(PermissionDenied):
        access.access_service_by_name(t.a.viewer, t.b.service.name, Permission.ORDER)


def test_registrar_staff_see_every_reseller(two_tenants):
    t, staff = two_tenants, two_tenants.registrar_staff
    assert set(access.services_visible_to(staff)) == {t.a.service, t.b.service}
    assert access.access_order_by_id(staff, t.b.order.pk) == t.b.order
    assert access.access_reseller_by_id(staff, t.b.reseller.pk) == t.b.reseller
    assert access.seller_of(staff).reseller is None
    assert permissions_of(staff) == frozenset(Permission)


def test_the_registrant_sees_the_services_and_customers_it_is(two_tenants):
    t = two_tenants
    assert set(access.services_visible_to(t.registrant)) == {t.a.service, t.b.service}
    assert access.access_service_by_name(t.registrant, t.b.service.name) == t.b.service
    assert access.access_order_by_id(t.registrant, t.a.order.pk) == t.a.order, "the orders of its services"
    assert set(access.customers_visible_to(t.registrant)) == {t.a.customer, t.b.customer}
    other = create_customer(
        CustomerData(kind="I", name="Someone Else", address="Dostyk 5", city="Almaty", country_code="KZ",
                     email="else@mail.kz", phone="+7.7010000099", consent_at=clock.now()),
        "PS-KZ", t.a.reseller,
    )  # fmt: skip
    with pytest.raises(Http404):
        access.access_customer_by_id(t.registrant, other.pk)
    assert permissions_of(t.registrant) == frozenset({Permission.VIEW})


def test_registry_staff_and_strangers_are_not_of_the_registrar_wing(two_tenants):
    hostmaster = make_user("hostmaster", "registry")
    for user in (hostmaster,):
        with pytest.raises(PermissionDenied):
            access.services_visible_to(user)
        with pytest.raises(PermissionDenied):
            access.seller_of(user)
    t = two_tenants
    t.a.admin.is_active = False
    t.a.admin.save()
    with pytest.raises(PermissionDenied):
        access.access_service_by_name(t.a.admin, t.a.service.name)


def test_customer_views_are_logged_for_staff_and_resellers_not_for_the_registrant(two_tenants):
    t = two_tenants
    access.access_customer_by_id(t.a.admin, t.a.customer.pk, via="GET /api/v1/customers/1")
    access.access_customer_by_id(t.registrar_staff, t.a.customer.pk, via="cabinet: customer page",
                                 fields=("name", "email"))  # fmt: skip
    access.access_customer_by_id(t.registrant, t.a.customer.pk, via="cabinet: my data")
    access.access_customer_by_id(t.a.admin, t.a.customer.pk)  # no `via`: an internal read, not a view
    report = data_access_report(t.a.customer)
    assert [(line.username, line.via, line.fields) for line in report] == [
        ("ps-staff", "cabinet: customer page", "name,email"),
        ("altyn-admin", "GET /api/v1/customers/1", "name,organisation,address,city,region,postal_code,"
         "country_code,email,phone"),
    ]  # fmt: skip
    assert report[1].organisation == "reseller ALTYN (Altyn Hosting)"
    assert data_access_report(t.b.customer) == []
    assert PersonalDataView.objects.count() == 2
    assert RegistrantLink.objects.filter(user=t.registrant).count() == 2


def _invoice(book, buyer_key: str):
    from kzreg.billing.invoices import issue_invoice
    from kzreg.billing.invoices_lines import LineIn
    from kzreg.billing.invoices_parties import Party
    from kzreg.billing.ledger import Cause
    from kzreg.billing.money import Money

    seller = Party(name="Seller LLP", bin="123456789012", address="Almaty, Abay 1", bank="Halyk",
                   iban="KZ756010131000123456", bic="HSBKKZKX", kbe="17", country="KZ")  # fmt: skip
    buyer = Party(name="Buyer", address="Almaty, Dostyk 5", country="KZ", key=buyer_key)
    cause = Cause(kind="invoice", principal="tester", operation="domain_create", object_type="domain",
                  object_key="x.kz")  # fmt: skip
    line = LineIn("registration", Money.of("30.00", "USD"), 1, None)
    return issue_invoice(book, buyer, [line], "USD", "en", clock.now(), cause, seller=seller)


def test_invoices_and_balances_are_the_tenants_own(two_tenants, registrar):
    from kzreg.billing.books import open_prepaid, registrar_book, reseller_book

    t, now = two_tenants, clock.now()
    to_a = _invoice(registrar_book(registrar, now), str(t.a.reseller.pk))
    to_b = _invoice(registrar_book(registrar, now), str(t.b.reseller.pk))
    by_a = _invoice(reseller_book(t.a.reseller, now), f"customer:{t.a.customer.pk}")
    assert to_a.number == by_a.number, "the same number in two books"
    assert access.access_invoice_by_number(t.a.admin, to_a.number) == to_a, "the one addressed to it first"
    assert set(access.invoices_visible_to(t.a.admin)) == {to_a, by_a}
    assert set(access.invoices_visible_to(t.b.admin)) == {to_b}
    assert set(access.invoices_visible_to(t.registrar_staff)) == {to_a, to_b}
    assert list(access.invoices_visible_to(t.registrant)) == [by_a], "invoices to the customers it is"
    with pytest.raises(Http404):
        access.access_invoice_by_number(t.b.admin, "CN-2026-000009")
    assert access.account_of(t.b.admin) == reseller_deposit(t.b.reseller)
    with pytest.raises(Http404):
        access.account_of(t.registrar_staff)  # the registrar has no deposit at the registry yet
    deposit = open_prepaid(registrar.pk, registrar.handle, "USD", now)
    assert access.account_of(t.registrar_staff) == deposit
