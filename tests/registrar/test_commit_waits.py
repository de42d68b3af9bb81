"""ADR 0016: which of an order's commits wait for PostgreSQL's WAL flush. The claim (quote, charge,
`submitted`) does not when the registry commits in this database after it (the local connection) and the
order path's transaction is the outermost one; a create's `done` does not when it stands alone; every other
commit waits, and the session's `synchronous_commit` is never left changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from kzreg.billing.money import Money
from kzreg.registrar import actions
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Order, OrderState
from kzreg.registrar.order_rows import NO_WAIT
from tests.registrar.conftest import LOCATION, NS, balance

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


class Elsewhere(LocalConnection):
    """A registry whose writes the order path cannot count on to flush its own (as over EPP)."""

    commits_in_this_database = False


@pytest.fixture
def sent() -> Iterator[list[str]]:
    """Every statement psycopg sends (the order path's plain statements go past Django's query log)."""
    import psycopg

    out: list[str] = []
    execute = psycopg.Cursor.execute

    def recorded(self, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        out.append(str(query))
        return execute(self, query, *args, **kwargs)

    psycopg.Cursor.execute = recorded  # type: ignore[method-assign]
    try:
        yield out
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]


@pytest.fixture
def contact_customer(alpha_customer, wing, registrar):
    from kzreg.registrar.customers import contact_for

    contact_for(LocalConnection("PS-KZ", "tester"), alpha_customer)
    return alpha_customer


def place(conn, seller, customer, name: str = "alpha-shop.kz", key: str = "k1", nameservers=NS) -> Order:  # type: ignore[no-untyped-def]
    return actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk,
                                nameservers=nameservers, location=dict(LOCATION), key=key)  # fmt: skip


def no_wait(statements: list[str]) -> list[str]:
    return [s for s in statements if NO_WAIT in s]


def session_waits() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return bool(cursor.fetchone()[0] == "on")


def test_a_local_create_leaves_the_wait_to_the_registrys_commit(alpha_seller, contact_customer, alpha_account, sent):
    order = place(LocalConnection("PS-KZ", "tester"), alpha_seller, contact_customer)
    assert order.state == OrderState.DONE
    skipped = no_wait(sent)
    assert len(skipped) == 2, skipped
    assert "INSERT INTO registrar_order" in skipped[0] and "registrar_orderevent" in skipped[0]  # the claim's
    assert "INSERT INTO registrar_service" in skipped[1] and "UPDATE registrar_order" in skipped[1]  # the done
    claim, done = sent.index(skipped[0]), sent.index(skipped[1])
    assert any("registry_domain" in s for s in sent[claim + 1 : done])  # the registry's create, in between
    assert not any("synchronous_commit" in s for s in sent[claim + 1 : done])  # … waits for its flush
    assert session_waits()
    assert Order.objects.get(pk=order.pk).state == OrderState.DONE
    assert balance(alpha_account) == Money.of("60.00", "USD")  # charged once, committed


def test_with_a_registry_elsewhere_the_claim_waits_for_its_flush(alpha_seller, contact_customer, alpha_account, sent):
    order = place(Elsewhere("PS-KZ", "tester"), alpha_seller, contact_customer)
    assert order.state == OrderState.DONE
    skipped = no_wait(sent)
    assert len(skipped) == 1 and "INSERT INTO registrar_service" in skipped[0]  # the done only
    assert session_waits()
    assert balance(alpha_account) == Money.of("60.00", "USD")


def test_a_local_registry_routed_to_another_database_does_not_flush_the_claim(registrar, monkeypatch):
    """`commits_in_this_database` follows Django's routers: with the registry's domains written elsewhere,
    the registry's commit would not flush the orders' WAL, so the claim must wait for its own."""
    from django.db import router

    from kzreg.registry.models import Domain

    conn = LocalConnection("PS-KZ", "tester")
    assert conn.commits_in_this_database
    written = router.db_for_write
    monkeypatch.setattr(
        router, "db_for_write", lambda model, **hints: "registry" if model is Domain else written(model, **hints)
    )
    assert not conn.commits_in_this_database


def test_inside_a_callers_transaction_every_commit_waits(alpha_seller, contact_customer, alpha_account, sent):
    with transaction.atomic():
        order = place(LocalConnection("PS-KZ", "tester"), alpha_seller, contact_customer)
        assert order.state == OrderState.DONE
    assert no_wait(sent) == [] and session_waits()
    assert Order.objects.get(pk=order.pk).state == OrderState.DONE
    assert balance(alpha_account) == Money.of("60.00", "USD")


def test_a_refusal_after_a_claim_that_did_not_wait_is_refunded_in_a_commit_that_waits(
    alpha_seller, contact_customer, alpha_account, sent
):
    order = place(LocalConnection("PS-KZ", "tester"), alpha_seller, contact_customer,
                  nameservers=["ns1.not-a-host-here.kz", "ns2.not-a-host-here.kz"])  # fmt: skip
    assert order.state == OrderState.FAILED
    skipped = no_wait(sent)
    assert len(skipped) == 1 and "INSERT INTO registrar_order" in skipped[0]  # the claim only
    assert session_waits()
    stored = Order.objects.get(pk=order.pk)
    assert stored.state == OrderState.FAILED and stored.reseller_refund_tx is not None
    assert balance(alpha_account) == Money.of("100.00", "USD")  # the charge that did not wait, refunded
