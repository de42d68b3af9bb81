"""The rest of what the registrar side offers: transfer in with the code, the code shown (and logged),
bulk renew and bulk name-server change, customers (R18), an inactive reseller, the connection setting."""

from __future__ import annotations

import logging

import pytest

from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registrar import actions
from kzreg.registrar.connection import open_connection
from kzreg.registrar.connection.epp import EppConnection
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import create_customer
from kzreg.registrar.models import Customer, Order, Service
from kzreg.registrar.problems import RegistrarCode
from kzreg.registrar.sync import sync_from_poll
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, Host
from tests.conftest import T0
from tests.registrar.conftest import LOCATION, NS, balance, customer_data
from tests.registrar.test_keeping_in_step import STAFF

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create(conn, seller, customer, name, key):
    order = actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk, nameservers=NS,
                                 location=LOCATION, key=key)  # fmt: skip
    assert order.state == "done", order.answer
    return order


def test_transfer_in_with_the_code(conn, alpha_seller, alpha_customer, alpha_account, other_registrar, make_domain):
    make_domain("incoming.kz", registrar="HOSTER-KZ")
    code = ops.domain_auth_code(STAFF, Domain.objects.get(name="incoming.kz"))
    with pytest.raises(OperationFailed):  # nothing stored, nothing charged for a missing code
        actions.order_transfer_in(conn, alpha_seller, "incoming.kz", "", alpha_customer.pk, "t0")
    wrong = actions.order_transfer_in(conn, alpha_seller, "incoming.kz", "not-the-code", alpha_customer.pk, "t1")
    assert wrong.state == "failed" and balance(alpha_account) == Money.of("100.00", "USD")  # refunded
    order = actions.order_transfer_in(conn, alpha_seller, "incoming.kz", code, alpha_customer.pk, "t2")
    assert order.state == "done", order.answer
    assert code not in str(order.request) and code not in str(order.answer)  # the code is sent, never kept
    service = Service.objects.get(name="incoming.kz")
    assert not service.sponsored and service.statuses == ["pendingTransfer"]
    ops.decide_transfer(c.DecideTransfer("incoming.kz", "approve"), STAFF)
    sync_from_poll(conn)
    service.refresh_from_db()
    assert service.sponsored and service.reseller == alpha_seller.reseller
    assert balance(alpha_account) == Money.of("60.00", "USD")


def test_the_code_is_shown_to_its_seller_and_logged(conn, alpha_seller, alpha_customer, alpha_account, caplog):
    create(conn, alpha_seller, alpha_customer, "coded.kz", "k1")
    with caplog.at_level(logging.INFO, logger="kzreg.registrar.audit"):
        code = actions.show_auth_code(conn, alpha_seller, "coded.kz")
    assert code == conn.info("coded.kz").auth_code
    assert any("coded.kz" in r.message and "alpha-admin" in r.message for r in caplog.records)


def test_bulk_renew_and_name_servers(conn, alpha_seller, alpha_customer, alpha_account):
    from tests.registrar.conftest import fund

    fund(alpha_seller.reseller, "100.00")
    for n in (1, 2):
        create(conn, alpha_seller, alpha_customer, f"bulk{n}.kz", f"c{n}")
    results = actions.bulk_renew(conn, alpha_seller, ["bulk1.kz", "bulk2.kz", "nobody.kz"], 1, "batch-1")
    assert [getattr(r, "state", None) for r in results.values()] == ["done", "done", None]
    assert results["nobody.kz"].codes == {RegistrarCode.SERVICE_UNKNOWN}
    actions.bulk_renew(conn, alpha_seller, ["bulk1.kz", "bulk2.kz"], 1, "batch-1")  # repeated: nothing twice
    assert Order.objects.filter(kind="renew").count() == 2
    assert balance(alpha_account) == Money.of("40.00", "USD")  # 200 − 2 creates − 2 renewals
    Host.objects.create(name="ns3.ps.kz", unicode_name="ns3.ps.kz", addresses=["195.210.46.30"],
                        registrar=alpha_seller.reseller.registrar, created_at=T0, updated_at=T0)  # fmt: skip
    wanted = ["ns2.ps.kz", "ns3.ps.kz"]
    results = actions.bulk_nameservers(conn, alpha_seller, ["bulk1.kz", "bulk2.kz"], wanted, "ns-1")
    assert {r.state for r in results.values()} == {"done"}
    assert sorted(conn.info("bulk1.kz").nameservers) == sorted(conn.info("bulk2.kz").nameservers) == wanted
    too_few = actions.bulk_nameservers(conn, alpha_seller, ["bulk1.kz"], ["ns2.ps.kz"], "ns-2")["bulk1.kz"]
    assert too_few.state == "failed" and too_few.answer["problems"]  # the registry's rule (R11), its words


def test_customers_need_consent_and_valid_data(alpha):
    with pytest.raises(OperationFailed) as refused:
        create_customer(customer_data(consent_at=None, email="not-mail", country_code="KAZ", kind="R",
                                      organisation="", phone=""), "PS-KZ", alpha)  # fmt: skip
    found = {(p.field, p.code) for p in refused.value.problems}
    assert found == {("consent_at", RegistrarCode.CONSENT_MISSING), ("email", Code.INVALID_EMAIL),
                     ("country_code", Code.INVALID_COUNTRY), ("organisation", Code.REQUIRED),
                     ("phone", Code.REQUIRED)}  # fmt: skip
    assert all(p.message(lang) for p in refused.value.problems for lang in ("kk", "ru", "en"))
    assert not Customer.objects.exists()


def test_an_inactive_reseller_places_no_orders(conn, alpha_seller, alpha_customer, alpha_account):
    alpha_seller.reseller.active = False
    alpha_seller.reseller.save()
    with pytest.raises(OperationFailed) as refused:
        actions.order_create(conn, alpha_seller, name="late.kz", years=1, customer_id=alpha_customer.pk,
                             nameservers=NS, location=LOCATION, key="k1")  # fmt: skip
    assert refused.value.codes == {RegistrarCode.RESELLER_INACTIVE}
    assert conn.info("late.kz") is None and balance(alpha_account) == Money.of("100.00", "USD")


def test_the_setting_chooses_the_connection(settings, registrar, wing):
    settings.KZREG_REGISTRAR = {**wing, "CONNECTION": "local"}
    assert isinstance(open_connection(), LocalConnection)
    settings.KZREG_REGISTRAR = {**wing, "CONNECTION": "epp", "EPP": {**wing["EPP"], "PASSWORD": "x"}}
    conn = open_connection()
    assert isinstance(conn, EppConnection) and conn.registrar == "PS-KZ"  # no session before the first call
    assert conn.settings.create_read_back  # the default: a create is read back for its statuses
    settings.KZREG_REGISTRAR = {**wing, "CONNECTION": "epp", "EPP": {**wing["EPP"], "CREATE_READ_BACK": False}}
    assert open_connection().settings.create_read_back is False  # type: ignore[attr-defined]
    settings.KZREG_REGISTRAR = {**wing, "CONNECTION": "carrier-pigeon"}
    with pytest.raises(RuntimeError, match="local or epp"):
        open_connection()
