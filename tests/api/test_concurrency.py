"""The same Idempotency-Key sent by several clients at the same moment (PostgreSQL, real transactions):
one order, one charge; every answer is that order's or a 409 "still running" — never a second charge."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from kzreg.api.models import IdempotentAnswer
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


@pytest.mark.parametrize("rate", [0, 1000], ids=["claim-alone", "claim-with-token"])
def test_one_key_at_the_same_moment_charges_once(tenants, settings, rate):
    """With the rate limit on, the key is claimed in the token's own statement (ADR 0011, 2026-12-04):
    the racing claims meet on the same unique index either way."""
    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": rate}
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
    assert list(IdempotentAnswer.objects.filter(key="race-1").values_list("status", flat=True)) == [201]


def test_bookkeeping_commits_without_waiting_only_on_its_own(tenants, settings):
    """ADR 0011: outside a transaction the token's count (with the key's claim, section 2026-12-04), the claim
    on its own (no count), the answer and a claim freed after a refusal each commit without waiting for their WAL flush, and the session's
    `synchronous_commit` is untouched afterwards; inside a caller's transaction the plain statements run,
    so that transaction's commit still waits."""
    import psycopg
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def recorded(self, query, *args, **kwargs):  # the plain statements go past Django's query log
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 1000}  # counted (the fixture turns it off)
    api = Api(token_for(tenants.a.admin))
    body = {"name": "no-wait.kz", "customer_id": tenants.a.customer.pk, "nameservers": NS, "location": LOCATION}
    psycopg.Cursor.execute = recorded  # type: ignore[method-assign]
    try:
        assert api.post("/domains", body, {"Idempotency-Key": "nw-1"}).status_code == 201
        again = api.post("/domains", body, {"Idempotency-Key": "nw-1"})
        settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 0}  # no count: the claim on its own
        alone = {**body, "name": "no-wait-2.kz"}
        assert api.post("/domains", alone, {"Idempotency-Key": "nw-2"}).status_code == 201
        settings.KZREG_API = {**settings.KZREG_API, "RATE_PER_MINUTE": 1000}
        refused = api.post("/domains", {**body, "years": 0}, {"Idempotency-Key": "nw-3"})  # its claim freed
        with transaction.atomic(), CaptureQueriesContext(connection):
            inside = len(sent)
            assert api.get("/domains/no-wait.kz").status_code == 200
            plain = sent[inside:]
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    no_wait = [q for q in sent[:inside] if "set_config('synchronous_commit', 'off', true)" in q]
    assert any("api_ratewindow" in q for q in no_wait)
    # the key claimed with the token's read and count (ADR 0011, 2026-12-04), on its own when nothing is counted
    assert any("api_ratewindow" in q and 'INSERT INTO "api_idempotentanswer"' in q for q in no_wait)
    assert any(q.lstrip().startswith("WITH no_wait") and "INSERT INTO" in q for q in no_wait)
    assert any("UPDATE" in q and "api_idempotentanswer" in q for q in no_wait)
    assert any("DELETE FROM" in q and "api_idempotentanswer" in q for q in no_wait)
    assert refused.status_code == 400 and not IdempotentAnswer.objects.filter(key="nw-3").exists()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert not any("synchronous_commit" in q for q in plain) and any("api_ratewindow" in q for q in plain)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
