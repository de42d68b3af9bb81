"""The order path's plain statements (`registrar/order_rows.py`, issue 12 Speed) read and write what the
ORM would: the same instances back, the events with the order's changed columns, a new order with its
first event, a service event with a delivery to each hook that hears it, a new service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict

from kzreg.registrar import order_rows, orders
from kzreg.registrar.models import Order, OrderEvent, OrderState, Service, ServiceEvent, Webhook, WebhookDelivery
from kzreg.registrar.states import IllegalTransition
from tests.conftest import T0

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def everything(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def new_order(key: str = "k1", **overrides) -> Order:
    values = {"kind": "create", "state": OrderState.QUOTED.value, "domain": "shop.kz", "registrar_handle": "PS-KZ",
              "payer": "reseller:1", "idempotency_key": key, "principal": "alpha", "service_id": None, "years": 2,
              "price_minor": 3500, "currency": "USD", "quote_id": "q1",
              "request": {"nameservers": ["ns1.ps.kz"], "location": {"city": "Алматы"}, "auto_renew": False},
              "answer": {}, "period_key": "", "created_at": T0, "updated_at": T0} | overrides  # fmt: skip
    event = {"from_state": "", "to_state": OrderState.QUOTED.value, "at": T0, "principal": "alpha", "note": "35.00 USD"}
    return Order.objects.get(pk=order_rows.create_order(values, event))


def test_an_order_is_created_with_its_event_and_read_back_as_the_orm_reads_it():
    order = new_order()
    assert (order.state, order.request["location"]["city"], order.created_at) == ("quoted", "Алматы", T0)
    assert list(order.events.values_list("from_state", "to_state", "note")) == [("", "quoted", "35.00 USD")]
    with transaction.atomic():
        locked = order_rows.lock_order(order.pk)
    assert everything(locked) == everything(order) and not locked._state.adding
    assert everything(order_rows.order_by_key("reseller:1", "k1")) == everything(order)
    assert order_rows.order_by_key("reseller:1", "k2") is None
    found, reserved = order_rows.order_by_key_reserving("reseller:1", "k1")  # with an id for a new order
    assert found is not None and everything(found) == everything(order)
    missing, again = order_rows.order_by_key_reserving("reseller:1", "k2")
    assert missing is None
    if connection.vendor == "postgresql":
        assert isinstance(reserved, int) and isinstance(again, int) and order.pk < reserved < again
    else:
        assert reserved is None and again is None
    with pytest.raises(IntegrityError), transaction.atomic():
        new_order()  # the same (payer, key): the unique index refuses it, no second event
    assert OrderEvent.objects.count() == 1


def test_moving_through_states_writes_one_event_per_edge_and_the_changed_columns():
    order = new_order()
    later = T0 + dt.timedelta(seconds=5)
    with transaction.atomic():
        locked = orders.locked(order.pk)
        orders.move_through(locked, [(OrderState.CHARGED, "ledger transactions (7, 8)"), (OrderState.SUBMITTED, "")],
                            "alpha", later, charge_tx=7, reseller_charge_tx=8)  # fmt: skip
    stored = Order.objects.get(pk=order.pk)
    assert everything(stored) == everything(locked)
    assert (stored.state, stored.updated_at, stored.charge_tx, stored.reseller_charge_tx) == ("submitted", later, 7, 8)
    assert (stored.request, stored.created_at, stored.price_minor) == (order.request, T0, 3500)  # untouched
    assert list(stored.events.values_list("from_state", "to_state", "at")) == [
        ("", "quoted", T0), ("quoted", "charged", later), ("charged", "submitted", later),
    ]  # fmt: skip
    with pytest.raises(IllegalTransition), transaction.atomic():
        orders.move(orders.locked(order.pk), OrderState.QUOTED, "alpha", later)
    assert stored.events.count() == 3


def test_a_settled_order_writes_its_service_and_its_event_with_a_delivery_per_hook(reseller):
    own = Webhook.objects.create(registrar_handle="PS-KZ", url="http://127.0.0.1:9/a", secret="s", principal="ps",
                                 created_at=T0)  # fmt: skip
    theirs = Webhook.objects.create(registrar_handle="PS-KZ", reseller=reseller, url="http://127.0.0.1:9/b",
                                    secret="s", principal="alpha", created_at=T0)  # fmt: skip
    Webhook.objects.create(registrar_handle="OTHER", url="http://127.0.0.1:9/c", secret="s", principal="x",
                           created_at=T0)  # fmt: skip
    service = Service(name="shop.kz", registrar_handle="PS-KZ", reseller=reseller, statuses=["ok"], created_at=T0)
    order_rows.save_new(service)
    assert everything(Service.objects.get(name="shop.kz")) == everything(service)
    assert everything(order_rows.service_by_name("shop.kz")) == everything(service)
    assert order_rows.service_by_name("other.kz") is None
    order = new_order(payer=f"reseller:{reseller.pk}", request={"reseller_id": reseller.pk})
    with transaction.atomic():
        locked = orders.locked(order.pk)
        orders.move(locked, OrderState.CHARGED, "alpha", T0)
        orders.move(locked, OrderState.SUBMITTED, "alpha", T0)
        orders.move(locked, OrderState.DONE, "alpha", T0, answer={"expires_at": "2027-12-03"}, service=service)
    assert Order.objects.get(pk=order.pk).service_id == service.pk
    event = ServiceEvent.objects.get()
    assert model_to_dict(event, exclude=["id"]) == {
        "service": service.pk, "domain": "shop.kz", "registrar_handle": "PS-KZ", "reseller": reseller.pk,
        "kind": "order_settled", "data": {"order": order.pk, "kind": "create", "state": "done", "outcome": "done"},
        "at": T0,
    }  # fmt: skip
    deliveries = WebhookDelivery.objects.order_by("webhook_id")
    assert [(d.webhook_id, d.event_id, d.state, d.attempts, d.next_at) for d in deliveries] == [
        (own.pk, event.pk, "pending", 0, T0), (theirs.pk, event.pk, "pending", 0, T0),
    ]  # fmt: skip


def test_values_are_prepared_as_the_fields_prepare_them():
    from django.db import connection

    naive = dt.datetime(2026, 3, 1, 9, 0)
    rows = [
        {"kind": "create", "state": OrderState.DONE, "domain": "shop.kz", "years": 2, "price_minor": 3500,
         "service_id": None, "created_at": T0, "updated_at": naive, "request": {"a": [1]}, "quote_id": ""},
        {"kind": "renew", "state": "done", "domain": "Шоп.kz", "years": None, "price_minor": 0, "service_id": 7,
         "created_at": None, "updated_at": T0, "request": {}, "quote_id": "q"},
    ]  # fmt: skip
    names = tuple(rows[0])
    fields = [Order._meta.get_field(name) for name in names]
    with pytest.warns(RuntimeWarning):
        expected = [f.get_db_prep_save(row[f.attname], connection) for row in rows for f in fields]
    with pytest.warns(RuntimeWarning):
        got = order_rows._values(Order, names, rows)

    def plain(value):  # a JSON value's adapter has no equality of its own
        return (type(value), getattr(value, "obj", getattr(value, "adapted", value)))

    assert [plain(v) for v in got] == [plain(v) for v in expected]
    flags = {"auto_renew": True, "sponsored": False, "last_synced_at": None, "retail_price": "1.00 USD"}
    assert order_rows._values(Service, tuple(flags), [flags]) == [
        Service._meta.get_field(name).get_db_prep_save(value, connection) for name, value in flags.items()
    ]
