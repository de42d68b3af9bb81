"""Registrant change (R14): an order `registrant_change` that the registry carries out as a transfer to a
new registrant (never a modify), with the sponsoring registrar's authority — each connection; free (no
billing price for it); the wrong reseller and another reseller's customer refused, nothing changed."""

from __future__ import annotations

import pytest

from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.customers import create_customer
from kzreg.registrar.models import OrderKind, Service, ServiceEvent
from kzreg.registrar.problems import RegistrarCode
from tests.registrar.conftest import LOCATION, NS, balance, customer_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def held(conn, alpha_seller, alpha_customer, alpha_account):
    order = actions.order_create(conn, alpha_seller, name="holder.kz", years=1, customer_id=alpha_customer.pk,
                                 nameservers=NS, location=LOCATION, key="create")  # fmt: skip
    assert order.state == "done", order.answer
    return Service.objects.get(name="holder.kz")


def test_a_new_registrant_takes_the_domain(conn, alpha_seller, held, alpha_account):
    newcomer = create_customer(customer_data(2, email="new@holder.kz"), "PS-KZ", alpha_seller.reseller)
    before = balance(alpha_account)
    order = actions.order_registrant_change(conn, alpha_seller, "holder.kz", newcomer.pk, "rc-1")
    assert (order.kind, order.state) == (OrderKind.REGISTRANT_CHANGE, "done"), order.answer
    assert order.price_minor == 0 and balance(alpha_account) == before  # free: billing has no price for it
    newcomer.refresh_from_db()
    state = conn.info("holder.kz")
    assert state.registrant == newcomer.contact_handle and state.registrar == "PS-KZ"  # same registrar
    held.refresh_from_db()
    assert held.customer_id == newcomer.pk
    assert (
        ServiceEvent.objects.filter(domain="holder.kz", kind="order_settled").last().data["kind"] == "registrant_change"
    )
    again = actions.order_registrant_change(conn, alpha_seller, "holder.kz", newcomer.pk, "rc-1")
    assert again.pk == order.pk  # the same key is the same order


def test_the_wrong_reseller_is_refused(conn, alpha_seller, beta_seller, held):
    theirs = create_customer(customer_data(3), "PS-KZ", beta_seller.reseller)
    with pytest.raises(OperationFailed) as refused:
        actions.order_registrant_change(conn, beta_seller, "holder.kz", theirs.pk, "rc-2")
    assert refused.value.codes == {RegistrarCode.NOT_YOUR_SERVICE}
    assert conn.info("holder.kz").registrant == held.customer.contact_handle


def test_another_resellers_customer_or_the_same_one_is_refused(conn, alpha_seller, beta_seller, held):
    theirs = create_customer(customer_data(4), "PS-KZ", beta_seller.reseller)
    with pytest.raises(OperationFailed) as refused:
        actions.order_registrant_change(conn, alpha_seller, "holder.kz", theirs.pk, "rc-3")
    assert refused.value.codes == {RegistrarCode.CUSTOMER_UNKNOWN}
    with pytest.raises(OperationFailed) as same:
        actions.order_registrant_change(conn, alpha_seller, "holder.kz", held.customer_id, "rc-4")
    assert same.value.codes == {RegistrarCode.SAME_REGISTRANT}
    assert conn.info("holder.kz").registrant == held.customer.contact_handle


def test_the_registrar_itself_may_not_change_another_registrars_domain(conn, alpha_seller, held, other_registrar):
    """The registry's rule: only the sponsor. Another registrar's connection is refused there."""
    from kzreg.registrar.connection import RegistryRefused
    from kzreg.registrar.connection.local import LocalConnection

    stranger = LocalConnection("HOSTER-KZ", "hoster")
    with pytest.raises(RegistryRefused) as refused:
        stranger.change_registrant("holder.kz", held.customer.contact_handle)
    assert refused.value.code == 2201
