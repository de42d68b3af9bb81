"""The order path's indexes after migration 0010 (issue 12, Speed): an order in flight is in the worker's
index and one at an end is not; a create's order enters the service index only when done; every look-up
that used a dropped index still has one (the planner's own answer, `QuerySet.explain`), on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from kzreg.core import clock
from kzreg.registrar import jobs, settle
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import IN_FLIGHT, Order, OrderState, Service, in_flight
from tests.registrar.conftest import LOCATION, NS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GONE = {"registrar_order_state", "registrar_order_service_id_de5f95aa", "registrar_service_reseller_id_9f222700",
        "registrar_service_renewal", "registrar_serviceevent_reseller_id_c666903d",
        "registrar_serviceevent_service_id_03354e86"}  # fmt: skip


def index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in found.items() if info["index"]}


def plan(queryset) -> str:
    """The plan the database chooses, sequential scans made dear so that a small table still shows the
    index it would use (PostgreSQL; SQLite's planner takes an index whenever one applies)."""
    if connection.vendor != "postgresql":
        return queryset.explain()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def place(seller, customer, name: str, auto_renew: bool = False) -> Order:
    from kzreg.registrar import actions

    return actions.order_create(LocalConnection("PS-KZ", "tester"), seller, name=name, years=1,
                                customer_id=customer.pk, nameservers=list(NS), location=LOCATION, key=name,
                                auto_renew=auto_renew)  # fmt: skip


def test_the_dropped_indexes_are_gone_and_the_partial_ones_there():
    order_indexes, service_indexes = index_names("registrar_order"), index_names("registrar_service")
    event_indexes = index_names("registrar_serviceevent")
    assert not GONE & (order_indexes | service_indexes | event_indexes)
    assert "registrar_event_domain" in event_indexes  # a domain's events (0012 keeps it)
    assert {"registrar_order_in_flight", "registrar_order_by_service", "registrar_order_by_payer"} <= order_indexes
    # The reseller's look-ups (and PROTECT's check) are served by the indexes that begin with it.
    assert {"registrar_service_by_id", "registrar_service_by_name", "registrar_service_by_expiry"} <= service_indexes
    assert "registrar_service_renewing" in service_indexes  # 0011


@pytest.mark.parametrize("state", IN_FLIGHT)
def test_the_worker_finds_orders_in_flight_by_the_in_flight_index(wing, state):
    taken = Order.objects.filter(in_flight(), state=state, updated_at__lt=clock.now()).order_by("id")  # settle._take
    assert "registrar_order_in_flight" in plan(taken.values_list("pk", flat=True)[:100])
    assert "registrar_order_in_flight" in plan(Order.objects.filter(in_flight()))  # jobs.settle


def test_the_service_look_ups_keep_an_index(wing, alpha_seller):
    assert "registrar_order_by_service" in plan(Order.objects.filter(service_id=7))
    reseller = plan(Service.objects.filter(reseller=alpha_seller.reseller))
    assert any(name in reseller for name in ("registrar_service_by_id", "registrar_service_by_name",
                                             "registrar_service_by_expiry", "registrar_service_expiring",
                                             "registrar_service_by_created"))  # fmt: skip


def test_the_renewals_read_the_renewing_index(wing):
    horizon = clock.now() + dt.timedelta(days=30)
    due = Service.objects.filter(auto_renew=True, sponsored=True, expires_at__lte=horizon)  # renewals.due_services
    assert "registrar_service_renewing" in plan(due.select_related("reseller").order_by("expires_at", "id"))


def entries(index: str) -> int | None:
    """Index entries (PostgreSQL: the index read alone, heap not visited for the count), None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [index])
        assert cursor.fetchone()[0] == 1
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT coalesce(sum(live_items), 0) FROM generate_series(1, "
            "(pg_relation_size(%s::regclass) / current_setting('block_size')::int)::int - 1) AS b, "
            "LATERAL bt_page_stats(%s, b) WHERE type = 'l'",
            [index, index],
        )
        return int(cursor.fetchone()[0])


def test_a_done_create_leaves_the_in_flight_index_and_its_service_is_found(
    wing, alpha_seller, alpha_customer, alpha_account
):
    before = entries("registrar_order_in_flight")
    order = place(alpha_seller, alpha_customer, "alpha-indexed.kz")
    assert order.state == OrderState.DONE and order.service_id is not None
    # The claim (`submitted`) made one entry; the `done` (a new row version) none.
    after = entries("registrar_order_in_flight")
    if before is not None:
        assert after == before + 1
    assert not Order.objects.filter(in_flight()).exists()
    assert jobs.settle() is None  # nothing in flight: the worker opens no connection
    assert list(Service.objects.get(name="alpha-indexed.kz").orders.all()) == [order]


def test_a_stuck_submitted_order_is_still_found_and_settled(
    wing, alpha_seller, alpha_customer, alpha_account, frozen_clock, monkeypatch
):
    from kzreg.registrar import orders

    monkeypatch.setattr(orders, "finish_done", lambda order, answer, **kw: order)  # the `done` lost
    stuck = place(alpha_seller, alpha_customer, "alpha-stuck.kz")
    assert Order.objects.get(pk=stuck.pk).state == OrderState.SUBMITTED
    assert settle._take(OrderState.SUBMITTED, clock.now() + dt.timedelta(seconds=1)) == [stuck.pk]
    frozen_clock.advance(dt.timedelta(hours=2))
    settle.settle_orders(LocalConnection("PS-KZ", "tester"))
    assert Order.objects.get(pk=stuck.pk).state in (OrderState.RECONCILED, OrderState.DONE)


def test_only_a_service_that_renews_itself_is_in_the_renewing_index(
    wing, alpha_seller, alpha_customer, alpha_account, frozen_clock
):
    before = entries("registrar_service_renewing")
    place(alpha_seller, alpha_customer, "alpha-plain.kz")
    plain = entries("registrar_service_renewing")
    place(alpha_seller, alpha_customer, "alpha-renews.kz", auto_renew=True)
    if before is not None:
        assert (plain, entries("registrar_service_renewing")) == (before, before + 1)
    frozen_clock.advance(dt.timedelta(days=340))  # both expire within the worker's window
    from kzreg.registrar.renewals import due_services

    assert [s.name for s in due_services(clock.now())] == ["alpha-renews.kz"]


def test_the_service_events_foreign_keys_stay_without_their_indexes(wing, alpha_seller, alpha_customer, alpha_account):
    """0012 dropped the indexes, not the constraints: a service or reseller with events is not deleted."""
    from django.db.models import ProtectedError

    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "registrar_serviceevent")
    keys = {tuple(info["columns"]): info["foreign_key"] for info in found.values() if info["foreign_key"]}
    assert keys[("service_id",)] == ("registrar_service", "id")
    assert keys[("reseller_id",)] == ("resellers_reseller", "id")
    order = place(alpha_seller, alpha_customer, "alpha-kept.kz")
    service = Service.objects.get(pk=order.service_id)
    assert service.events.count() == 1
    Order.objects.filter(pk=order.pk).update(service=None)  # only the event holds it now
    with pytest.raises(ProtectedError):
        service.delete()
    assert Service.objects.filter(pk=service.pk).exists()
