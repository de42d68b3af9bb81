"""The same Idempotency-Key sent by several clients at the same moment (PostgreSQL, real transactions):
one order, one charge; every answer is that order's or a 409 "still running" — never a second charge."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from kzreg.billing.books import reseller_deposit
from kzreg.billing.money import Money
from kzreg.registrar.models import Order
from tests.api.conftest import LOCATION, NS, Api, token_for
from tests.epp.objects import zones  # noqa: F401  (autouse: the seed zones after each flush)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="PostgreSQL only"),
]
CLIENTS = 6


def test_one_key_at_the_same_moment_charges_once(tenants):
    token = token_for(tenants.a.admin)
    before = reseller_deposit(tenants.a.reseller).balance
    body = {"name": "race.kz", "customer_id": tenants.a.customer.pk, "nameservers": NS, "location": LOCATION}
    start = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict]] = []

    def client() -> None:
        try:
            api = Api(token)
            start.wait()
            response = api.post("/domains", body, {"Idempotency-Key": "race-1"})
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == CLIENTS
    orders = Order.objects.filter(domain="race.kz")
    assert orders.count() == 1
    done = [a for status, a in answers if status == 201]
    assert done and all(a["id"] == orders.get().pk for a in done)
    assert all(status in (201, 409) for status, _ in answers), answers
    assert reseller_deposit(tenants.a.reseller).balance == before - Money.of("40.00", "USD")
