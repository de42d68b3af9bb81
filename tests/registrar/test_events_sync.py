"""Kept in step with the registry, each way: what the registry does without being asked — a renewal by
its staff, a hold, a transfer away or in, an expiry and purge — reaches the services through the poll
queue, each as a service event (and so a webhook notification); reconciliation's fixes too."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core.actor import Actor, Channel, Role
from kzreg.registrar import actions
from kzreg.registrar.connection import ContactRequest, CreateRequest, Location
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Service, ServiceEvent, WebhookDelivery
from kzreg.registrar.reconcile import reconcile
from kzreg.registrar.sync import sync_from_poll
from kzreg.registrar.webhooks import register
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from tests.registrar.conftest import LOCATION, NS, fund

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
STAFF = Actor.registry_staff("hostmaster", Channel.ADMIN)


def create(conn, seller, customer, name, key="k1"):
    order = actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk, nameservers=NS,
                                 location=LOCATION, key=key)  # fmt: skip
    assert order.state == "done", order.answer
    return Service.objects.get(name=name)


def kinds(name: str) -> list[str]:
    return list(ServiceEvent.objects.filter(domain=name).exclude(kind="order_settled").values_list("kind", flat=True))


def test_a_renewal_by_the_registry_reaches_the_service(conn, alpha_seller, alpha_customer, alpha_account, receiver):
    register(alpha_seller, receiver.url(), "alpha-admin")
    service = create(conn, alpha_seller, alpha_customer, "renewed.kz")
    sync_from_poll(conn)
    ops.renew_domain(c.RenewDomain("renewed.kz", 2), STAFF)  # not the registrar's doing: a poll message
    counts = sync_from_poll(conn)
    assert counts["refreshed"] >= 1 and conn.poll() is None
    service.refresh_from_db()
    assert service.expires_at == conn.info("renewed.kz").expires_at  # never shown expired while renewed
    assert kinds("renewed.kz") == ["expiry_changed"]
    event = ServiceEvent.objects.get(domain="renewed.kz", kind="expiry_changed")
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_hold_transfer_out_and_back_in_are_events(
    conn, alpha_seller, alpha_customer, alpha_account, other_registrar, frozen_clock
):
    create(conn, alpha_seller, alpha_customer, "held.kz")
    leaving = create(conn, alpha_seller, alpha_customer, "leaving.kz", key="k2")
    sync_from_poll(conn)
    ops.set_domain_status(c.SetDomainStatus("held.kz", "hold", "court order 12"), STAFF)
    hoster = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.pk)
    ops.request_transfer(c.RequestTransfer("leaving.kz", conn.auth_code("leaving.kz")), hoster)
    sync_from_poll(conn)
    leaving.refresh_from_db()
    assert "pendingTransfer" in leaving.statuses and leaving.sponsored
    ops.decide_transfer(c.DecideTransfer("leaving.kz", "approve"), STAFF)
    sync_from_poll(conn)
    assert kinds("held.kz") == ["status_changed"]
    leaving.refresh_from_db()
    assert not leaving.sponsored and "pendingTransfer" not in leaving.statuses  # not stuck pending
    assert kinds("leaving.kz") == ["status_changed", "transfer_done"]
    assert ServiceEvent.objects.get(domain="leaving.kz", kind="transfer_done").data == {"direction": "out"}

    # It comes back: a transfer in, pending until the other registrar approves (a poll message to us).
    frozen_clock.advance(dt.timedelta(days=61))
    fund(alpha_seller.reseller, "40.00")
    code = LocalConnection("HOSTER-KZ", "hoster").auth_code("leaving.kz")
    order = actions.order_transfer_in(conn, alpha_seller, "leaving.kz", code, alpha_customer.pk, "k3")
    assert order.state == "done" and order.answer["transfer"] == "pending", order.answer
    ops.decide_transfer(c.DecideTransfer("leaving.kz", "approve"), hoster)
    sync_from_poll(conn)
    leaving.refresh_from_db()
    assert leaving.sponsored and "pendingTransfer" not in leaving.statuses
    assert ServiceEvent.objects.filter(domain="leaving.kz", kind="transfer_done").last().data["direction"] == "in"


def test_an_expiry_and_purge_by_the_registry_end_the_service(conn, alpha_seller, alpha_customer, alpha_account,
                                                            frozen_clock):  # fmt: skip
    service = create(conn, alpha_seller, alpha_customer, "lapsing.kz")
    sync_from_poll(conn)
    frozen_clock.advance(dt.timedelta(days=366))
    ops.expire_domains()
    sync_from_poll(conn)
    service.refresh_from_db()
    assert "pendingDelete" in service.statuses and service.sponsored
    frozen_clock.advance(dt.timedelta(days=60))
    ops.purge_domains()
    sync_from_poll(conn)
    service.refresh_from_db()
    assert not service.sponsored and service.statuses == ["deleted"]
    assert kinds("lapsing.kz") == ["status_changed", "deleted"]


def test_reconciliation_fixes_are_events(conn, alpha_seller, alpha_customer, alpha_account):
    create(conn, alpha_seller, alpha_customer, "quiet.kz")
    Service.objects.filter(name="quiet.kz").update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    reconcile(conn)  # reporting changes nothing
    assert kinds("quiet.kz") == []
    reconcile(conn, fix=True)
    assert kinds("quiet.kz") == ["expiry_changed"]


def test_a_refused_transfer_in_is_not_shown_as_ours_or_as_transferred_out(
    conn, alpha_seller, alpha_customer, alpha_account, other_registrar
):
    hoster = LocalConnection("HOSTER-KZ", "hoster")
    theirs = hoster.create_contact(ContactRequest("I", "Sidorov, Sidor", "", "Dostyk 5", "Astana", "Astana", "010000",
                                                  "KZ", "sidor@hoster.kz", "+7.7172700003"))  # fmt: skip
    hoster.create_domain(CreateRequest("wanted.kz", 1, theirs, theirs, NS, Location(**LOCATION)))
    order = actions.order_transfer_in(conn, alpha_seller, "wanted.kz", hoster.auth_code("wanted.kz"),
                                      alpha_customer.pk, "k1")  # fmt: skip
    assert order.state == "done" and Service.objects.get(name="wanted.kz").statuses == ["pendingTransfer"]
    actor = Actor("hoster", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.pk)
    ops.decide_transfer(c.DecideTransfer("wanted.kz", "reject"), actor)
    sync_from_poll(conn)
    wanted = Service.objects.get(name="wanted.kz")
    assert not wanted.sponsored and wanted.statuses == ["transferRefused"]
    assert kinds("wanted.kz") == ["status_changed"]
