"""A lost registry answer leaves the order `unknown`; the worker asks the registry and reconciles it:
done when the registry had done it, refunded when not. Orders stuck mid-way are settled too."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.registrar import actions, orders
from kzreg.registrar.jobs import settle
from kzreg.registrar.models import Order, OrderEvent, Service
from kzreg.registrar.settle import settle_orders
from kzreg.registrar.states import IllegalTransition, check_transition
from tests.registrar.conftest import LOCATION, NS, balance
from tests.registrar.losing import lose_next_answer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create(conn, seller, customer, name="lost-answer.kz", key="k1"):
    return actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk, nameservers=NS,
                                location=LOCATION, key=key)  # fmt: skip


def test_a_lost_answer_of_a_done_create_is_reconciled_as_done(
    conn, alpha_seller, alpha_customer, alpha_account, monkeypatch
):
    lose_next_answer(conn, monkeypatch, "create_domain", carried_out=True)
    order = create(conn, alpha_seller, alpha_customer)
    assert order.state == "unknown"
    assert balance(alpha_account) == Money.of("60.00", "USD")  # charged; nothing refunded while unknown
    assert not Service.objects.exists()
    assert conn.info("lost-answer.kz").registrar == "PS-KZ"  # the registry did it

    again = create(conn, alpha_seller, alpha_customer)  # asking again sends nothing twice
    assert again.pk == order.pk and again.state == "unknown"

    assert settle_orders(conn) == {"done": 1}
    order.refresh_from_db()
    assert order.state == "reconciled" and order.answer["outcome"] == "done"
    assert order.refund_tx is None and balance(alpha_account) == Money.of("60.00", "USD")
    assert Service.objects.get(name="lost-answer.kz").reseller == alpha_seller.reseller
    assert [e.to_state for e in OrderEvent.objects.filter(order=order)] == [
        "quoted", "charged", "submitted", "unknown", "reconciled",
    ]  # fmt: skip


def test_a_lost_answer_of_a_command_never_carried_out_is_refunded(
    conn, alpha_seller, alpha_customer, alpha_account, monkeypatch
):
    lose_next_answer(conn, monkeypatch, "create_domain", carried_out=False)
    order = create(conn, alpha_seller, alpha_customer)
    assert order.state == "unknown"
    assert conn.info("lost-answer.kz") is None
    assert settle_orders(conn) == {"refunded": 1}
    order.refresh_from_db()
    assert order.state == "reconciled" and order.answer["outcome"] == "refunded"
    assert balance(alpha_account) == Money.of("100.00", "USD")
    assert settle_orders(conn) == {}  # settled once: nothing more to do, nothing refunded twice
    assert balance(alpha_account) == Money.of("100.00", "USD")


def test_a_lost_renewal_is_judged_by_the_expiry(conn, alpha_seller, alpha_customer, alpha_account, monkeypatch):
    create(conn, alpha_seller, alpha_customer)
    before = conn.info("lost-answer.kz").expires_at
    lose_next_answer(conn, monkeypatch, "renew", carried_out=True)
    order = actions.order_renew(conn, alpha_seller, "lost-answer.kz", 1, "r1")
    assert order.state == "unknown"
    assert settle_orders(conn) == {"done": 1}
    order.refresh_from_db()
    assert order.answer["outcome"] == "done"
    assert Service.objects.get().expires_at.year == before.year + 1
    assert balance(alpha_account) == Money.of("20.00", "USD")  # two charges, no refund


def test_orders_stuck_mid_way_are_settled(conn, alpha_seller, alpha_customer, alpha_account, frozen_clock):
    never_sent = orders.open_order("create", "never-sent.kz", registrar_handle="PS-KZ", reseller=alpha_seller.reseller,
                                   principal="t", key="s1", years=1, request={})  # fmt: skip
    orders.charge(never_sent)  # the process died here: charged, not sent
    stuck = orders.open_order("delete", "stuck.kz", registrar_handle="PS-KZ", reseller=alpha_seller.reseller,
                              principal="t", key="s2", request={})  # fmt: skip
    orders.claim_for_sending(orders.charge(stuck))  # died while sending
    assert balance(alpha_account) == Money.of("60.00", "USD")
    assert settle_orders(conn) == {}  # too recent: their process may still be working on them
    frozen_clock.advance(dt.timedelta(minutes=11))
    counts = settle_orders(conn)
    assert counts == {"never_sent": 1, "done": 1}  # stuck.kz is absent at the registry: a delete is done
    assert Order.objects.get(pk=never_sent.pk).state == "failed"
    assert balance(alpha_account) == Money.of("100.00", "USD")
    assert Order.objects.get(pk=stuck.pk).state == "reconciled"


def test_the_worker_job_opens_no_connection_without_work(wing, registrar):
    assert settle() is None


def test_the_machine_has_only_its_edges():
    check_transition("quoted", "charged")
    for bad in (("quoted", "submitted"), ("done", "failed"), ("failed", "done"), ("unknown", "done"),
                ("reconciled", "unknown"), ("charged", "done")):  # fmt: skip
        with pytest.raises(IllegalTransition):
            check_transition(*bad)
    assert clock.now()


def test_the_worker_settles_through_the_configured_connection(wing, alpha_seller, alpha_customer, alpha_account,
                                                              monkeypatch):  # fmt: skip
    from kzreg.registrar.connection.local import LocalConnection
    from kzreg.registrar.jobs import JOBS
    from kzreg.worker.loop import run_once

    conn = LocalConnection("PS-KZ", "tester")
    lose_next_answer(conn, monkeypatch, "create_domain", carried_out=True)
    order = create(conn, alpha_seller, alpha_customer, name="worker.kz")
    assert order.state == "unknown"
    results = run_once(JOBS)
    assert results["registrar-settle-orders"] == {"done": 1}
    assert Order.objects.get(pk=order.pk).state == "reconciled"
    assert Service.objects.get(name="worker.kz").sponsored
