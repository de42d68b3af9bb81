"""Auto-renewal through orders (never twice for one period; funds short: retried, warned once), the
registry's own changes reaching the services (poll messages), and reconciliation — each way."""

from __future__ import annotations

import datetime as dt
import logging

import idna
import pytest

from kzreg.billing.money import Money
from kzreg.core.actor import Actor, Channel, Role
from kzreg.notify.models import OutboxMessage
from kzreg.registrar import actions
from kzreg.registrar.models import Order, Service
from kzreg.registrar.reconcile import reconcile
from kzreg.registrar.renewals import renew_due
from kzreg.registrar.sync import names_in, sync_from_poll
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from tests.registrar.conftest import LOCATION, NS, balance, fund

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
STAFF = Actor.registry_staff("hostmaster", Channel.ADMIN)


def create(conn, seller, customer, name="step.kz", key="k1", auto_renew=True):
    order = actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk, nameservers=NS,
                                 location=LOCATION, key=key, auto_renew=auto_renew)  # fmt: skip
    assert order.state == "done", order.answer
    return Service.objects.get(name=name)


def test_auto_renewal_renews_once_per_period(conn, alpha_seller, alpha_customer, alpha_account, frozen_clock):
    service = create(conn, alpha_seller, alpha_customer)
    first_expiry = service.expires_at
    assert renew_due(conn) == {"renewed": 0, "short": 0, "failed": 0, "waiting": 0}  # not due yet
    frozen_clock.advance(dt.timedelta(days=340))  # 25 days before expiry; renewals start 30 days before
    assert renew_due(conn)["renewed"] == 1
    renewed = conn.info("step.kz").expires_at
    assert renewed.year == first_expiry.year + 1
    assert balance(alpha_account) == Money.of("20.00", "USD")
    assert renew_due(conn)["renewed"] == 0  # the next period is not due

    # The registrar's record goes stale (as if a message were missed): the same period is not renewed again.
    Service.objects.filter(pk=service.pk).update(expires_at=first_expiry)
    renew_due(conn)
    assert conn.info("step.kz").expires_at == renewed
    assert balance(alpha_account) == Money.of("20.00", "USD")
    assert Order.objects.filter(kind="renew").count() == 1


def test_short_funds_retry_and_warn_once(conn, alpha_seller, alpha_customer, frozen_clock, caplog):
    account = fund(alpha_seller.reseller, "40.00")
    create(conn, alpha_seller, alpha_customer)
    frozen_clock.advance(dt.timedelta(days=340))
    with caplog.at_level(logging.WARNING, logger="kzreg.registrar.renewals"):
        assert renew_due(conn)["short"] == 1
        assert renew_due(conn)["short"] == 1
    assert len([r for r in caplog.records if "waits for funds" in r.message]) == 1
    (mail,) = OutboxMessage.objects.filter(reference__startswith="funds-short:step.kz")  # mailed once too
    assert mail.to == ["support@alpha.kz"] and "Alpha Hosting" in mail.body and "PS-KZ" in mail.body
    assert Order.objects.get(kind="renew").state == "quoted"
    frozen_clock.advance(dt.timedelta(hours=2))  # the order's quote lapsed meanwhile: it is quoted again
    fund(alpha_seller.reseller, "40.00")
    assert renew_due(conn)["renewed"] == 1
    assert balance(account) == Money.of("0.00", "USD")
    assert Order.objects.filter(kind="renew").count() == 1  # the same order went on


def test_registry_changes_reach_the_services(conn, alpha_seller, alpha_customer, alpha_account, other_registrar):
    create(conn, alpha_seller, alpha_customer, name="held.kz")
    create(conn, alpha_seller, alpha_customer, name="leaving.kz", key="k2")
    sync_from_poll(conn)  # nothing waiting but what the creates left
    ops.set_domain_status(c.SetDomainStatus("held.kz", "hold", "court order 12"), STAFF)
    code = conn.auth_code("leaving.kz")
    hoster = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.pk)
    ops.request_transfer(c.RequestTransfer("leaving.kz", code), hoster)
    ops.decide_transfer(c.DecideTransfer("leaving.kz", "approve"), STAFF)

    counts = sync_from_poll(conn)
    assert counts["messages"] >= 3 and conn.poll() is None  # every message read and acknowledged
    held = Service.objects.get(name="held.kz")
    assert "serverHold" in held.statuses and held.sponsored
    leaving = Service.objects.get(name="leaving.kz")
    assert not leaving.sponsored and not leaving.auto_renew  # a reseller never sees it as still ours


def test_reconcile_reports_and_fixes(conn, alpha_seller, alpha_customer, alpha_account):
    service = create(conn, alpha_seller, alpha_customer)
    create(conn, alpha_seller, alpha_customer, name="gone.kz", key="k2")
    assert reconcile(conn) == []
    ops.renew_domain(c.RenewDomain("step.kz", 2), STAFF)  # changes the registry made without telling
    ops.delete_domain(c.DeleteDomain("gone.kz", reason="false data"), STAFF)
    found = {(d.name, d.field) for d in reconcile(conn)}
    assert ("step.kz", "expires_at") in found and any(name == "gone.kz" for name, _ in found)
    service.refresh_from_db()
    assert service.expires_at.year == conn.info("step.kz").expires_at.year - 2  # reporting changes nothing
    reconcile(conn, fix=True)
    assert reconcile(conn) == []
    service.refresh_from_db()
    assert service.expires_at.date() == conn.info("step.kz").expires_at.date()


def test_names_in_a_message_text():
    expected = {idna.encode("мысал.қаз", uts46=True).decode(), "example.kz"}
    assert names_in("the registry deleted мысал.қаз: false data; see example.kz.") == expected
