"""The same idempotency key placed by several threads at once is one order, charged once, sent once
(PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connections

from kzreg.billing.models import Transaction
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.customers import contact_for
from kzreg.registrar.models import Order, OrderEvent
from tests.registrar.conftest import LOCATION, NS, balance

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="real concurrent transactions need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
THREADS = 6


def test_one_key_from_several_threads_is_one_order(wing, registrar, alpha_seller, alpha_customer, alpha_account):
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def place() -> None:
        conn = LocalConnection("PS-KZ", "tester")
        try:
            barrier.wait(timeout=10)
            order = actions.order_create(conn, alpha_seller, name="race.kz", years=1, customer_id=alpha_customer.pk,
                                         nameservers=NS, location=LOCATION, key="same-key")  # fmt: skip
            outcome: object = order.pk
        except OperationFailed as failure:
            outcome = failure.codes
        except Exception as error:  # a bug: the assertion shows it
            outcome = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    # The customer's registry contact exists already: the race is about the order, not the contact.
    contact_for(LocalConnection("PS-KZ", "tester"), alpha_customer)
    threads = [threading.Thread(target=place) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    order = Order.objects.get()
    assert outcomes == [order.pk] * THREADS
    assert order.state == "done"
    charges = Transaction.objects.filter(kind="order", request_id=f"order-{order.pk}")
    assert sorted(charges.values_list("pk", flat=True)) == sorted([order.charge_tx, order.reseller_charge_tx])
    assert OrderEvent.objects.filter(order=order, to_state="submitted").count() == 1
    assert balance(alpha_account) == Money.of("60.00", "USD")
