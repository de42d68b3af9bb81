"""The order path's two plain reads (issue 12, Speed): the tenant check (`customers.customer_of`) and the
registrar (`charging.registrar_of`) answer exactly what their ORM queries answered, and a suspended
registrar's order is still refused (both connections). A create's joined read (`charging.before_create`)
answers what the order-by-key read, the tenant check's and the registrar's answer one by one."""

from __future__ import annotations

import pytest
from django.db import connection

from kzreg.core.errors import OperationFailed
from kzreg.registrar import charging, order_rows
from kzreg.registrar.customers import create_customer, customer_of
from kzreg.registrar.models import Customer, Order, OrderEvent, Service
from kzreg.registrar.problems import RegistrarCode
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Registrar
from tests.registrar.conftest import balance, customer_data
from tests.registrar.test_orders import create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def unknown(customer_id, handle, reseller) -> bool:
    with pytest.raises(OperationFailed) as refused:
        customer_of(customer_id, handle, reseller)
    assert [p.field for p in refused.value.problems] == ["customer"]
    return refused.value.codes == {RegistrarCode.CUSTOMER_UNKNOWN}


def test_customer_of_is_the_tenant_check(wing, alpha, beta):
    mine = create_customer(customer_data(1), "PS-KZ", alpha)
    own = create_customer(customer_data(2), "PS-KZ", None)  # the registrar's own customer
    elsewhere = create_customer(customer_data(3), "OTHER-KZ", None)

    found = customer_of(mine.pk, "PS-KZ", alpha)
    assert found == mine and found.reseller_id == alpha.pk
    assert {f.attname: getattr(found, f.attname) for f in Customer._meta.concrete_fields} == {
        f.attname: getattr(Customer.objects.get(pk=mine.pk), f.attname) for f in Customer._meta.concrete_fields
    }
    assert customer_of(mine.pk, "PS-KZ", None) == mine  # registrar staff see every customer of the registrar
    assert customer_of(own.pk, "PS-KZ", None) == own
    assert unknown(mine.pk, "PS-KZ", beta)  # another reseller's
    assert unknown(own.pk, "PS-KZ", alpha)  # the registrar's own, asked by a reseller
    assert unknown(elsewhere.pk, "PS-KZ", None)  # another registrar's
    assert unknown(elsewhere.pk + 1000, "PS-KZ", None)  # none
    assert unknown(2**63, "PS-KZ", None)  # out of the column's range: none, as the ORM answered
    assert unknown(None, "PS-KZ", None)
    with pytest.raises(ValueError):  # not an id at all: the ORM's error
        customer_of("abc", "PS-KZ", None)  # type: ignore[arg-type]


def test_registrar_of_reads_the_registrar_now(wing, registrar, staff):
    found = charging.registrar_of("ps-kz")  # the handle in any case, as registrar_by_handle matched it
    assert isinstance(found, Registrar) and found == registrar and found.handle == "PS-KZ"
    assert (found.name, found.created_at, found.status) == (registrar.name, registrar.created_at, "active")
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "unpaid invoice"), staff)
    assert charging.registrar_of("PS-KZ").status == "suspended"  # never a stale copy
    with pytest.raises(OperationFailed) as refused:
        charging.registrar_of("NOBODY-KZ")
    assert [p.field for p in refused.value.problems] == ["registrar"]


def test_a_suspended_registrars_order_is_refused_and_refunded(conn, staff, alpha_seller, alpha_customer, alpha_account):
    assert create(conn, alpha_seller, alpha_customer).state == "done"  # the customer is a registry contact now
    before = balance(alpha_account)
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "suspended", "unpaid invoice"), staff)

    order = create(conn, alpha_seller, alpha_customer, name="after-suspension.kz", key="k2")
    assert order.state == "failed", order.answer
    assert [e.to_state for e in OrderEvent.objects.filter(order=order)] == ["quoted", "charged", "submitted", "failed"]
    assert order.refund_tx is not None and balance(alpha_account) == before  # charged, then refunded
    assert not Service.objects.filter(name="after-suspension.kz").exists()
    ops.set_registrar_status(c.SetRegistrarStatus("PS-KZ", "active", "paid"), staff)
    assert conn.info("after-suspension.kz") is None


def fields(instance) -> dict:  # type: ignore[no-untyped-def]
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_creates_joined_read_answers_what_the_three_reads_answer(conn, alpha_seller, alpha_customer, alpha_account,
                                                                   beta):  # fmt: skip
    order = create(conn, alpha_seller, alpha_customer)
    payer = alpha_seller.payer(alpha_customer.pk)
    elsewhere = create_customer(customer_data(3), "OTHER-KZ", None)
    asked = [
        (payer, "k1", alpha_customer.pk, "PS-KZ"),  # all three there
        (payer, "k1", alpha_customer.pk, "ps-kz"),  # the handle in any case
        (payer, "k2", alpha_customer.pk, "PS-KZ"),  # no order under the key
        (payer, "k1", elsewhere.pk, "PS-KZ"),  # another registrar's customer
        ("customer:1", "k1", None, "PS-KZ"),  # no customer asked
        (payer, "k1", 2**63, "NOBODY-KZ"),  # an id out of range, no such registrar
        (payer, "k1", "abc", "PS-KZ"),  # not an id at all: the tenant check raises later, as before
    ]
    for payer_, key, customer_id, handle in asked:
        found, customer, registrar, _reserved = charging.before_create(payer_, key, customer_id, handle)
        alone = order_rows.order_by_key(payer_, key)
        assert (found is None) == (alone is None) and (found is None or fields(found) == fields(alone))
        try:
            own = order_rows.customer_in(customer_id, handle)
        except ValueError:
            own = None
        assert (customer is None) == (own is None) and (customer is None or fields(customer) == fields(own))
        try:
            theirs = charging.registrar_of(handle)
        except OperationFailed:
            theirs = None
        assert (registrar is None) == (theirs is None) and (registrar is None or fields(registrar) == fields(theirs))
    found, customer, registrar, reserved = charging.before_create(payer, "k1", alpha_customer.pk, "PS-KZ")
    assert isinstance(found, Order) and found.pk == order.pk and found.state == "done"
    assert customer == alpha_customer and registrar.handle == "PS-KZ"
    if connection.vendor == "postgresql":  # an id for a new order, never one taken
        assert isinstance(reserved, int) and reserved > order.pk and not Order.objects.filter(pk=reserved).exists()
        assert charging.before_create(payer, "k1", alpha_customer.pk, "PS-KZ")[3] > reserved
    else:
        assert reserved is None


def test_a_create_for_another_resellers_customer_is_refused_by_the_joined_read(conn, alpha_seller, beta_seller,
                                                                              alpha_customer, alpha_account):  # fmt: skip
    with pytest.raises(OperationFailed) as refused:
        create(conn, beta_seller, alpha_customer)
    assert refused.value.codes == {RegistrarCode.CUSTOMER_UNKNOWN}
    assert [p.field for p in refused.value.problems] == ["customer", "admin"]  # as the reads one by one said
    assert not Order.objects.exists()
