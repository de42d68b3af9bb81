"""Orders both ways (local and EPP): quote → charge → submit → done | failed (refunded); idempotency;
the wrong reseller changes nothing."""

from __future__ import annotations

import pytest

from kzreg.billing.models import Transaction
from kzreg.billing.money import Money
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions
from kzreg.registrar.models import Order, OrderEvent, Service
from kzreg.registrar.problems import RegistrarCode
from tests.registrar.conftest import LOCATION, NS, balance

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create(conn, seller, customer, name="alpha-shop.kz", key="k1", years=1, **kw):
    return actions.order_create(
        conn, seller, name=name, years=years, customer_id=customer.pk, nameservers=NS, location=LOCATION, key=key,
        **kw,
    )  # fmt: skip


def test_create_charges_once_and_records_the_service(conn, alpha_seller, alpha_customer, alpha_account):
    order = create(conn, alpha_seller, alpha_customer, years=2, auto_renew=True)
    assert order.state == "done", order.answer
    assert [e.to_state for e in OrderEvent.objects.filter(order=order)] == ["quoted", "charged", "submitted", "done"]
    assert balance(alpha_account) == Money.of("20.00", "USD")  # 100 − 2 × 40
    service = Service.objects.get(name="alpha-shop.kz")
    assert (service.reseller, service.customer, service.auto_renew) == (alpha_seller.reseller, alpha_customer, True)
    assert service.expires_at == conn.info("alpha-shop.kz").expires_at.replace(
        microsecond=service.expires_at.microsecond
    )
    assert conn.info("alpha-shop.kz").registrar == "PS-KZ"
    alpha_customer.refresh_from_db()
    assert alpha_customer.contact_handle  # the customer became a registry contact, once

    again = create(conn, alpha_seller, alpha_customer, years=2, auto_renew=True)  # the same key: the same order
    assert again.pk == order.pk and again.state == "done"
    assert balance(alpha_account) == Money.of("20.00", "USD")
    assert Order.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(conn, alpha_seller, alpha_customer, alpha_account):
    create(conn, alpha_seller, alpha_customer)
    with pytest.raises(OperationFailed) as refused:
        create(conn, alpha_seller, alpha_customer, name="other-name.kz")
    assert refused.value.problems[0].field == "idempotency_key"
    assert refused.value.codes == {RegistrarCode.IDEMPOTENCY_REUSED}
    assert conn.info("other-name.kz") is None
    assert balance(alpha_account) == Money.of("60.00", "USD")


def test_a_refusal_fails_the_order_and_refunds(conn, alpha_seller, alpha_customer, alpha_account):
    create(conn, alpha_seller, alpha_customer)
    order = create(conn, alpha_seller, alpha_customer, key="k2")  # the name is taken now
    assert order.state == "failed"
    assert order.answer["code"] == 2302
    assert order.answer["problems"][0]["message"]["kk"]
    assert balance(alpha_account) == Money.of("60.00", "USD")  # charged, then refunded by new entries
    refund = Transaction.objects.get(pk=order.refund_tx)
    assert refund.kind == "refund" and refund.reverses_id == order.charge_tx
    reseller_side = Transaction.objects.get(pk=order.reseller_refund_tx)  # the reseller's book, too
    assert reseller_side.reverses_id == order.reseller_charge_tx and reseller_side.book_id != refund.book_id


def test_short_funds_charge_nothing_and_send_nothing(conn, alpha_seller, alpha_customer):
    from tests.registrar.conftest import fund

    account = fund(alpha_seller.reseller, "30.00")
    with pytest.raises(OperationFailed) as refused:
        create(conn, alpha_seller, alpha_customer)
    assert {str(c) for c in refused.value.codes} == {"billing_insufficient_funds"}
    assert Order.objects.get().state == "quoted"
    assert conn.info("alpha-shop.kz") is None
    assert balance(account) == Money.of("30.00", "USD")
    fund(alpha_seller.reseller, "10.00")
    order = create(conn, alpha_seller, alpha_customer)  # the same key goes on once the money is there
    assert order.state == "done" and balance(account) == Money.of("0.00", "USD")


def test_the_wrong_reseller_changes_nothing(conn, alpha_seller, beta_seller, alpha_customer, alpha_account):
    from tests.registrar.conftest import fund

    create(conn, alpha_seller, alpha_customer)
    expiry = conn.info("alpha-shop.kz").expires_at
    beta_account = fund(beta_seller.reseller, "100.00")
    for attempt in (
        lambda: actions.order_renew(conn, beta_seller, "alpha-shop.kz", 1, "b1"),
        lambda: actions.order_delete(conn, beta_seller, "alpha-shop.kz", "b2"),
        lambda: actions.order_modify(conn, beta_seller, "alpha-shop.kz", "b3", nameservers=["ns1.ps.kz"]),
        lambda: actions.show_auth_code(conn, beta_seller, "alpha-shop.kz"),
    ):
        with pytest.raises(OperationFailed) as refused:
            attempt()
        assert refused.value.codes == {RegistrarCode.NOT_YOUR_SERVICE}
    with pytest.raises(OperationFailed) as refused:  # nor may it register for another reseller's customer
        create(conn, beta_seller, alpha_customer, name="beta-try.kz", key="b4")
    assert refused.value.codes == {RegistrarCode.CUSTOMER_UNKNOWN}
    state = conn.info("alpha-shop.kz")
    assert state.expires_at == expiry and "pendingDelete" not in state.statuses
    assert conn.info("beta-try.kz") is None
    assert balance(beta_account) == Money.of("100.00", "USD")
    assert Order.objects.filter(payer=f"reseller:{beta_seller.reseller.pk}").count() == 0


def test_renew_modify_delete(conn, alpha_seller, alpha_customer, alpha_account):
    create(conn, alpha_seller, alpha_customer)
    before = conn.info("alpha-shop.kz").expires_at
    renewal = actions.order_renew(conn, alpha_seller, "alpha-shop.kz", 1, "r1")
    assert renewal.state == "done"
    after = conn.info("alpha-shop.kz").expires_at
    assert after.year == before.year + 1
    assert Service.objects.get().expires_at.date() == after.date()
    assert balance(alpha_account) == Money.of("20.00", "USD")

    change = actions.order_modify(conn, alpha_seller, "alpha-shop.kz", "m1", nameservers=["ns2.ps.kz", "ns1.ps.kz"],
                                  location={"address": "Dostyk 5", "city": "Astana", "region": "Astana"})  # fmt: skip
    assert change.state == "done", change.answer
    assert change.charge_tx is None and balance(alpha_account) == Money.of("20.00", "USD")  # modify costs nothing

    gone = actions.order_delete(conn, alpha_seller, "alpha-shop.kz", "d1")
    assert gone.state == "done"
    for order in (renewal, change, gone):  # each placed in one transaction (PostgreSQL: inserted claimed)
        assert [e.to_state for e in OrderEvent.objects.filter(order=order).order_by("id")] == [
            "quoted", "charged", "submitted", "done",
        ]  # fmt: skip
        stored = Order.objects.get(pk=order.pk)
        assert (stored.state, stored.charge_tx, stored.reseller_charge_tx) == (
            "done", order.charge_tx, order.reseller_charge_tx,
        )  # fmt: skip
    assert renewal.reseller_charge_tx is not None and change.reseller_charge_tx is None
    assert "pendingDelete" in conn.info("alpha-shop.kz").statuses
    service = Service.objects.get()
    assert service.statuses == ["pendingDelete"] and not service.auto_renew


def test_bad_input_names_every_field_and_changes_nothing(conn, alpha_seller, alpha_customer, alpha_account):
    with pytest.raises(OperationFailed) as refused:
        actions.order_create(conn, alpha_seller, name="", years=11, customer_id=999999, nameservers=[],
                             location={"address": "", "city": "Almaty", "region": ""}, key="")  # fmt: skip
    fields = {p.field for p in refused.value.problems}
    assert fields == {"idempotency_key", "years", "name", "nameservers", "location.address", "location.region",
                      "customer", "admin"}  # fmt: skip
    assert all(p.message("kk") and p.message("ru") for p in refused.value.problems)
    assert Order.objects.count() == 0 and balance(alpha_account) == Money.of("100.00", "USD")


def test_check_quote_and_sponsor(conn, alpha_seller, alpha_customer, alpha_account):
    create(conn, alpha_seller, alpha_customer)
    answers = {a.name: a.available for a in actions.check(conn, ["alpha-shop.kz", "free-name.kz"])}
    assert answers == {"alpha-shop.kz": False, "free-name.kz": True}
    assert actions.quote(alpha_seller, "create", "new-name.kz", 3) == Money.of("120.00", "USD")
    assert actions.quote(alpha_seller, "modify", "alpha-shop.kz", None) == Money.of("0.00", "USD")
    sponsor = actions.sponsor(alpha_seller)
    assert (sponsor.registrar, sponsor.reseller) == ("PS-KZ", "Alpha Hosting")  # PS-3.8: the registrar is named


def test_the_registrars_own_customer_is_billed_at_retail(conn, wing, alpha, registrar):
    from kzreg.billing.books import customer_account, registrar_book
    from kzreg.core import clock
    from kzreg.registrar.customers import create_customer
    from tests.registrar.conftest import customer_data

    own = create_customer(customer_data(7), "PS-KZ", None)
    staff = actions.Seller("PS-KZ", None, "ps-admin")
    order = create(conn, staff, own, name="own-customer.kz", key="own-1")
    assert order.state == "done" and order.payer == f"customer:{own.pk}"
    receivable = customer_account(registrar_book(registrar, clock.now()), order.payer, "USD", clock.now())
    assert receivable.balance == Money.of("-40.00", "USD")  # owed by the customer, invoiced later
    assert Service.objects.get(name="own-customer.kz").reseller is None


def test_an_unreachable_registry_fails_the_order_and_refunds(conn, alpha_seller, alpha_customer, alpha_account):
    """Nothing was sent (here: the login is refused), so the order fails at once and the charge comes back."""
    from dataclasses import replace

    from kzreg.registrar.connection.epp import EppConnection

    if not isinstance(conn, EppConnection):
        pytest.skip("the local registry is always reachable")
    create(conn, alpha_seller, alpha_customer)  # alpha-shop.kz; the customer's contact exists now
    refused = EppConnection(replace(conn.settings, password="wrong-password-1"))
    order = create(refused, alpha_seller, alpha_customer, name="unreachable.kz", key="k2")
    assert order.state == "failed"
    assert order.answer["problems"][0]["code"] == str(RegistrarCode.REGISTRY_UNREACHABLE)
    assert balance(alpha_account) == Money.of("60.00", "USD")  # charged and refunded
    with pytest.raises(OperationFailed) as failed:
        actions.order_renew(refused, alpha_seller, "alpha-shop.kz", 1, "r-x")
    assert failed.value.codes == {RegistrarCode.REGISTRY_UNREACHABLE}
    assert balance(alpha_account) == Money.of("60.00", "USD") and not Order.objects.filter(kind="renew").exists()
    assert conn.info("unreachable.kz") is None
