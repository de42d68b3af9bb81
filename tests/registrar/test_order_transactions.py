"""An order in fewer transactions (issue 12, Speed) keeps its promises: a new order is quoted, charged and
claimed in one transaction or not at all (a refused charge leaves only the step-by-step way's `quoted`
order and its one quote); over EPP the create and its read-back go in one write, and a refused create
leaves the session in step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kzreg.billing.models import OrderQuote
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed
from kzreg.epp.client import EppClient
from kzreg.registrar import orders
from kzreg.registrar.connection.epp import EppConnection
from kzreg.registrar.models import Order, OrderEvent, Service
from tests.registrar.conftest import balance, fund
from tests.registrar.test_orders import create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_refused_charge_writes_nothing_of_the_one_transaction_way(conn, alpha_seller, alpha_customer):
    account = fund(alpha_seller.reseller, "30.00")
    with pytest.raises(OperationFailed) as refused:
        create(conn, alpha_seller, alpha_customer)
    assert {str(c) for c in refused.value.codes} == {"billing_insufficient_funds"}
    order = Order.objects.get()
    assert order.state == "quoted"
    assert list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True)) == ["quoted"]
    assert OrderQuote.objects.count() == 1  # the one-transaction attempt's quote went with it
    assert balance(account) == Money.of("30.00", "USD")


def test_a_new_order_is_charged_and_claimed_in_its_first_transaction(alpha_seller, alpha_customer, alpha_account):
    handle = "C-NONE"  # never sent: only the first transaction is looked at
    request = {"registrant": handle, "admin": handle, "nameservers": ["ns1.ps.kz"], "customer_id": alpha_customer.pk,
               "location": {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}}  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        order = orders.open_and_claim("create", "one-go.kz", registrar_handle="PS-KZ", reseller=alpha_seller.reseller,
                                      principal="tester", key="k1", years=1, request=request)  # fmt: skip
    assert order is not None and order.state == "submitted" and order.charge_tx is not None
    if connection.vendor == "postgresql":  # SQLite's BEGIN is not a statement of its own there
        assert [q["sql"] for q in captured.captured_queries].count("BEGIN") == 1
    stored = Order.objects.get()
    assert (stored.state, stored.charge_tx) == ("submitted", order.charge_tx)
    assert list(OrderEvent.objects.filter(order=stored).values_list("to_state", flat=True)) == [
        "quoted", "charged", "submitted"
    ]  # fmt: skip
    assert balance(alpha_account) == Money.of("60.00", "USD")
    # the same key again (a caller that looked before the first committed): no second order, no charge
    again = orders.open_and_claim("create", "one-go.kz", registrar_handle="PS-KZ", reseller=alpha_seller.reseller,
                                  principal="tester", key="k1", years=1, request=request)  # fmt: skip
    assert again is None and Order.objects.count() == 1 and OrderQuote.objects.count() == 1
    assert balance(alpha_account) == Money.of("60.00", "USD")


def test_the_epp_create_and_its_read_back_go_in_one_write(conn, alpha_seller, alpha_customer, alpha_account,
                                                          monkeypatch):  # fmt: skip
    if not isinstance(conn, EppConnection):
        pytest.skip("EPP only")
    create(conn, alpha_seller, alpha_customer, key="k0", name="first-one.kz")
    writes: list[bytes] = []
    real = EppClient.send_raw

    def send_raw(self: EppClient, data: bytes) -> None:
        writes.append(data)
        real(self, data)

    monkeypatch.setattr(EppClient, "send_raw", send_raw)
    order = create(conn, alpha_seller, alpha_customer, key="k1", name="second-one.kz")
    assert order.state == "done", order.answer
    creates = [w for w in writes if b"<create" in w and b"second-one.kz" in w]
    assert len(creates) == 1 and b"<info" in creates[0]  # one write carries both
    assert not [w for w in writes if b"<info" in w and w is not creates[0]]
    assert Service.objects.get(name="second-one.kz").statuses == list(conn.info("second-one.kz").statuses)


def test_a_refused_epp_create_keeps_the_session_in_step(conn, alpha_seller, alpha_customer, alpha_account):
    if not isinstance(conn, EppConnection):
        pytest.skip("EPP only")
    create(conn, alpha_seller, alpha_customer, key="k0", name="taken.kz")
    failed = create(conn, alpha_seller, alpha_customer, key="k1", name="taken.kz")  # refused; its read-back read too
    assert failed.state == "failed" and failed.answer["code"] == 2302
    later = create(conn, alpha_seller, alpha_customer, key="k2", name="free-one.kz")  # the next reply is its own
    assert later.state == "done" and later.answer["expires_at"]
    assert conn.info("free-one.kz").registrar == "PS-KZ"
