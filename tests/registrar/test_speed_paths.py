"""The order path's shortcuts (issue 12, Speed) keep its promises: the local create answers what `info`
would, charging and claiming in one transaction still charges once and sends once, and the list indexes
are there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar import orders
from kzreg.registrar.connection import CreateRequest, Location
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import EventKind, Order, OrderEvent, OrderState, Service, ServiceEvent
from kzreg.registrar.states import IllegalTransition
from tests.conftest import T0
from tests.registrar.conftest import LOCATION, NS, fund

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
    # Nothing asks a service's name by prefix: its varchar_pattern_ops index only cost every create (0008).
    assert "registrar_service_name_5b1ef4c6_like" not in names
    assert "registrar_service_name_key" in names  # the unique one, ON CONFLICT (name)'s arbiter


# --- a created domain's order done in one statement (PostgreSQL; SQLite takes the locked way: the same rows)


def place(seller, customer, name: str = "alpha-shop.kz", key: str = "k1") -> Order:
    from kzreg.registrar import actions

    return actions.order_create(LocalConnection("PS-KZ", "tester"), seller, name=name, years=1,
                                customer_id=customer.pk, nameservers=NS, location=dict(LOCATION), key=key)  # fmt: skip


def test_a_done_create_writes_its_service_its_event_and_what_its_seller_hears(
    alpha_seller, contact_customer, alpha_account
):
    order = place(alpha_seller, contact_customer)
    stored = Order.objects.get(pk=order.pk)
    assert order.state == stored.state == OrderState.DONE and order.service_id == stored.service_id
    assert stored.answer == order.answer and set(stored.answer) == {"expires_at", "statuses"}
    assert events(order) == ["quoted", "charged", "submitted", "done"]
    service = Service.objects.get(name="alpha-shop.kz")
    assert order.service == service and service.pk == stored.service_id
    assert (service.registrar_handle, service.reseller_id, service.customer_id) == (
        "PS-KZ", alpha_seller.reseller.pk, contact_customer.pk,
    )  # fmt: skip
    assert service.sponsored and service.statuses == ["ok"] and not service.auto_renew
    assert service.retail_price == "40.00 USD" and service.renewal_warned_for is None
    assert service.expires_at.isoformat() == stored.answer["expires_at"]
    assert service.created_at == service.last_synced_at == stored.updated_at
    settled = ServiceEvent.objects.get(domain="alpha-shop.kz")
    assert (settled.kind, settled.service_id, settled.reseller_id, settled.at) == (
        EventKind.ORDER_SETTLED, service.pk, alpha_seller.reseller.pk, stored.updated_at,
    )  # fmt: skip
    assert settled.data == {"order": order.pk, "kind": "create", "state": "done", "outcome": "done"}


def test_a_create_of_a_name_served_before_starts_its_service_anew(alpha_seller, contact_customer, alpha_account):
    warned = T0 - dt.timedelta(days=400)
    old = Service.objects.create(name="alpha-shop.kz", registrar_handle="PS-KZ", reseller=None, customer=None,
                                 retail_price="9.00 USD", auto_renew=True, statuses=["deleted"], sponsored=False,
                                 renewal_warned_for=warned, created_at=T0 - dt.timedelta(days=800))  # fmt: skip
    order = place(alpha_seller, contact_customer)
    service = Service.objects.get(name="alpha-shop.kz")
    assert service.pk == old.pk == order.service_id
    assert (service.reseller_id, service.customer_id, service.sponsored, service.statuses) == (
        alpha_seller.reseller.pk, contact_customer.pk, True, ["ok"],
    )  # fmt: skip
    assert (service.retail_price, service.auto_renew) == ("40.00 USD", False)
    assert service.created_at == old.created_at and service.renewal_warned_for == warned  # kept, as `record` keeps them
    assert service.expires_at is not None and service.expires_at > clock.now()


def test_a_create_the_worker_took_is_not_done_and_nothing_of_it_is_written(alpha_seller, contact_customer,
                                                                        alpha_account):  # fmt: skip
    claimed = orders.charge_and_claim(open_create(alpha_seller, contact_customer))
    assert claimed is not None
    with transaction.atomic():  # the worker: submitted too long, nobody knows the outcome
        orders.move(orders.locked(claimed.pk), OrderState.UNKNOWN, "worker", clock.now())
    answer = {"expires_at": (clock.now() + dt.timedelta(days=365)).isoformat(), "statuses": ["ok"]}
    with pytest.raises(IllegalTransition):  # the locked way decides, as before: unknown is the worker's
        orders.finish_done(claimed, answer)
    assert claimed.state == OrderState.SUBMITTED and claimed.answer == {}  # the caller's order as it was
    assert Order.objects.get(pk=claimed.pk).state == OrderState.UNKNOWN
    assert events(claimed) == ["quoted", "charged", "submitted", "unknown"]
    assert not Service.objects.filter(name="alpha-shop.kz").exists()
    assert not ServiceEvent.objects.filter(domain="alpha-shop.kz").exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_resellers_charge_finds_its_deposit_in_the_charges_own_read(
    alpha_seller, contact_customer, alpha_account, monkeypatch
):
    """The deposit is read with the quote and the accounts (one statement fewer per order, session 10):
    `reseller_deposit_id` is not asked, and the deposit is charged the order's price."""
    from kzreg.billing.models import Entry
    from kzreg.registrar import charging

    place(alpha_seller, contact_customer)  # the book's first charge opens its accounts the ledger way
    asked: list[object] = []
    quick: list[object] = []
    one_read = charging.charge_reseller_order

    def counted(*args):  # type: ignore[no-untyped-def]
        quick.append(one_read(*args))
        return quick[-1]

    monkeypatch.setattr(charging, "reseller_deposit_id", lambda *args: asked.append(args))
    monkeypatch.setattr(charging, "charge_reseller_order", counted)
    order = place(alpha_seller, contact_customer, name="beta-shop.kz", key="k2")
    assert order.state == OrderState.DONE and asked == [] and len(quick) == 1 and quick[0] is not None
    stored = Order.objects.get(pk=order.pk)
    assert (stored.charge_tx, stored.reseller_charge_tx) == (quick[0].seller.pk, quick[0].reseller.pk)  # type: ignore[attr-defined]
    charged = dict(Entry.objects.filter(transaction_id=stored.charge_tx).values_list("account_id", "amount_minor"))
    assert charged[alpha_account.pk] == -stored.price_minor == -4000


def claimed_rows(order: Order) -> tuple[dict, list[tuple]]:
    """The order's row and its events, less what differs between two orders (ids, names, keys, times)."""
    row = Order.objects.filter(pk=order.pk).values().get()
    varying = ("id", "domain", "idempotency_key", "quote_id", "charge_tx", "reseller_charge_tx", "created_at",
               "updated_at", "service_id", "answer", "state")  # fmt: skip
    assert row["created_at"] == row["updated_at"]
    shown = {k: v for k, v in row.items() if k not in varying}
    txs = [row[k] is not None for k in ("charge_tx", "reseller_charge_tx")]
    charged = f"ledger transactions {(row['charge_tx'], row['reseller_charge_tx'])}"
    events_ = [(e.from_state, e.to_state, e.principal, "TX" if e.note == charged else e.note, e.at == row["created_at"])
               for e in OrderEvent.objects.filter(order=order).order_by("id")]  # fmt: skip
    return {**shown, "txs": txs}, events_


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_claim_inserted_at_once_writes_the_rows_the_insert_and_update_wrote(
    alpha_seller, contact_customer, alpha_account
):
    """`open_and_claim` with a reserved id (charged first, the order inserted `submitted` with its three
    events in one statement) against the same without one (inserted `quoted`, then moved): the same rows."""
    from kzreg.billing.models import Entry
    from kzreg.registrar import charging

    place(alpha_seller, contact_customer, name="warm.kz", key="k0")  # the book's accounts opened
    fund(alpha_seller.reseller, "100.00")
    handle = contact_customer.contact_handle
    request = {"registrant": handle, "admin": handle, "nameservers": list(NS), "customer_id": contact_customer.pk,
               "location": dict(LOCATION), "reseller_id": alpha_seller.reseller.pk, "auto_renew": False}  # fmt: skip
    claimed = []
    for name, reserve in (("one.kz", True), ("two.kz", False)):
        order_id = charging.before_create("x", "x", None, "PS-KZ")[3] if reserve else None
        order = orders.open_and_claim(
            "create", name, registrar_handle="PS-KZ", reseller=alpha_seller.reseller, principal="tester",
            key=f"key-{name}", years=1, request=request, order_id=order_id,
        )  # fmt: skip
        assert order is not None and order.state == OrderState.SUBMITTED and (not reserve or order.pk == order_id)
        stored = Order.objects.get(pk=order.pk)
        assert {f.attname: getattr(stored, f.attname) for f in Order._meta.concrete_fields} == {
            f.attname: getattr(order, f.attname) for f in Order._meta.concrete_fields
        }  # the caller's instance is the row
        claimed.append(order)
    one, two = (claimed_rows(order) for order in claimed)
    assert one == two and [e[1] for e in one[1]] == ["quoted", "charged", "submitted"]
    entries = [sorted(Entry.objects.filter(transaction_id__in=[o.charge_tx, o.reseller_charge_tx])
                      .values_list("account_id", "amount_minor", "currency")) for o in claimed]  # fmt: skip
    assert entries[0] == entries[1] and entries[0]
