"""The order path's shortcuts (issue 12, Speed) keep its promises: the local create answers what `info`
would, charging and claiming in one transaction still charges once and sends once, and the list indexes
are there."""

from __future__ import annotations

import pytest
from django.db import connection

from kzreg.core.errors import OperationFailed
from kzreg.registrar import orders
from kzreg.registrar.connection import CreateRequest, Location
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Order, OrderEvent, OrderState
from tests.registrar.conftest import NS, fund

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_create(seller, customer, key: str = "k1", name: str = "alpha-shop.kz") -> Order:
    handle = customer.contact_handle
    request = {"registrant": handle, "admin": handle, "nameservers": list(NS), "customer_id": customer.pk,
               "location": {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}}  # fmt: skip
    return orders.open_order("create", name, registrar_handle="PS-KZ", reseller=seller.reseller,
                             principal=seller.principal, key=key, years=1, request=request)  # fmt: skip


def events(order: Order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True))


@pytest.fixture
def contact_customer(alpha_customer, wing, registrar):
    from kzreg.registrar.customers import contact_for

    contact_for(LocalConnection("PS-KZ", "tester"), alpha_customer)
    return alpha_customer


def test_the_local_create_answers_what_info_says(wing, registrar, contact_customer):
    conn = LocalConnection("PS-KZ", "tester")
    handle = contact_customer.contact_handle
    location = Location("Abay avenue 10", "Almaty", "Almaty")
    request = CreateRequest(name="alpha-shop.kz", years=2, registrant=handle, admin=handle, nameservers=NS,
                            location=location)  # fmt: skip
    answer = conn.create_domain(request)
    assert answer == conn.info("alpha-shop.kz")
    assert answer.statuses == ("ok",) and answer.registrar == "PS-KZ"


def test_charge_and_claim_charges_once_and_gives_the_order_to_one_caller(alpha_seller, contact_customer, alpha_account):
    order = open_create(alpha_seller, contact_customer)
    claimed = orders.charge_and_claim(order)
    assert claimed is not None and claimed.state == OrderState.SUBMITTED and claimed.charge_tx is not None
    assert orders.charge_and_claim(order) is None  # another caller: nothing to send
    assert events(order) == ["quoted", "charged", "submitted"]
    assert Order.objects.get(pk=order.pk).charge_tx == claimed.charge_tx


def test_an_order_charged_before_is_claimed_without_a_second_charge(alpha_seller, contact_customer, alpha_account):
    order = orders.charge(open_create(alpha_seller, contact_customer))
    assert order.state == OrderState.CHARGED
    claimed = orders.charge_and_claim(order)
    assert claimed is not None and claimed.charge_tx == order.charge_tx
    assert events(order) == ["quoted", "charged", "submitted"]


def test_a_refused_charge_leaves_the_order_quoted_and_unclaimed(alpha_seller, contact_customer):
    fund(alpha_seller.reseller, "10.00")  # the price is 40.00
    order = open_create(alpha_seller, contact_customer)
    with pytest.raises(OperationFailed):
        orders.charge_and_claim(order)
    assert Order.objects.get(pk=order.pk).state == OrderState.QUOTED
    assert events(order) == ["quoted"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_list_indexes_are_there_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'registrar_service'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"registrar_service_by_id", "registrar_service_by_name", "registrar_service_by_expiry",
            "registrar_service_name_trgm", "registrar_service_statuses"} <= names  # fmt: skip
