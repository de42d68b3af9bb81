"""Hosts and contacts over the connection, each way (the API's hosts and contacts): only the seller's own
objects — a host it created, the contact of one of its customers; another reseller gets "unknown" (404)
for the same names; a customer's new data reaches its registry contact."""

from __future__ import annotations

import pytest

from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.customers import contact_for, create_customer, update_customer
from kzreg.registrar.problems import RegistrarCode
from tests.registrar.conftest import customer_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_host_is_its_creators(conn, alpha_seller, beta_seller):
    actions.create_host(conn, alpha_seller, "ns1.alpha-hosting.net", ["91.201.214.77"])
    state = actions.host_info(conn, alpha_seller, "NS1.Alpha-Hosting.net")
    assert (state.name, state.addresses, state.registrar) == ("ns1.alpha-hosting.net", ("91.201.214.77",), "PS-KZ")
    staff = actions.Seller("PS-KZ", None, "staff")
    assert actions.host_info(conn, staff, "ns1.alpha-hosting.net").name == "ns1.alpha-hosting.net"
    for name in ("ns1.alpha-hosting.net", "ns.nowhere.net"):
        with pytest.raises(OperationFailed) as refused:
            actions.host_info(conn, beta_seller, name)
        assert refused.value.codes == {RegistrarCode.HOST_UNKNOWN}  # the same answer: existence is not told


def test_a_host_created_twice_is_refused_the_second_time(conn, alpha_seller, beta_seller):
    actions.create_host(conn, alpha_seller, "ns2.alpha-hosting.net", ["91.201.214.78"])
    with pytest.raises(OperationFailed):
        actions.create_host(conn, beta_seller, "ns2.alpha-hosting.net", ["91.201.214.79"])
    with pytest.raises(OperationFailed):
        actions.host_info(conn, beta_seller, "ns2.alpha-hosting.net")


def test_contacts_of_own_customers_only(conn, alpha_seller, beta_seller, alpha_customer):
    handle = contact_for(conn, alpha_customer)
    state = actions.contact_info(conn, alpha_seller, handle.lower())
    assert (state.handle, state.email, state.city, state.registrar) == (handle, "noc1@telecom.kz", "Almaty", "PS-KZ")
    for asked in (handle, "NOSUCH1"):
        with pytest.raises(OperationFailed) as refused:
            actions.contact_info(conn, beta_seller, asked)
        assert refused.value.codes == {RegistrarCode.CONTACT_UNKNOWN}


def test_update_customer_changes_its_registry_contact(conn, alpha_seller, alpha_customer):
    handle = contact_for(conn, alpha_customer)
    changed = update_customer(conn, alpha_customer, customer_data(1, email="noc@new.kz", city="Astana",
                                                                  language="ru"))  # fmt: skip
    assert (changed.email, changed.city, changed.language) == ("noc@new.kz", "Astana", "ru")
    state = actions.contact_info(conn, alpha_seller, handle)
    assert (state.email, state.city) == ("noc@new.kz", "Astana")


def test_update_customer_refuses_bad_data_and_changes_nothing(conn, alpha_seller, alpha_customer):
    contact_for(conn, alpha_customer)
    with pytest.raises(OperationFailed) as refused:
        update_customer(conn, alpha_customer, customer_data(1, email="not-an-address", phone=""))
    assert {p.field for p in refused.value.problems} == {"email", "phone"}
    alpha_customer.refresh_from_db()
    assert alpha_customer.email == "noc1@telecom.kz"
    assert actions.contact_info(conn, alpha_seller, alpha_customer.contact_handle).email == "noc1@telecom.kz"


def test_update_customer_without_a_contact_yet_changes_only_the_customer(conn, alpha_seller):
    customer = create_customer(customer_data(5), "PS-KZ", alpha_seller.reseller)
    update_customer(conn, customer, customer_data(5, name="Petrov, Petr"))
    customer.refresh_from_db()
    assert customer.name == "Petrov, Petr" and customer.contact_handle == ""
