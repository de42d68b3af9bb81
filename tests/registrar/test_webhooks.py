"""Webhooks (issue 12): registered with a secret shown once, for the seller's own domains only; events
written with the change that causes them are posted by the worker, signed (HMAC-SHA256 over timestamp and
body), retried with backoff after a failure, given up after `WEBHOOK_MAX_ATTEMPTS`; no private address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.registrar import actions, webhooks
from kzreg.registrar.models import DeliveryState, Service, ServiceEvent, WebhookDelivery
from kzreg.registrar.problems import RegistrarCode
from kzreg.registrar.webhook_delivery import deliver_due
from tests.registrar.conftest import LOCATION, NS, fund

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def create(conn, seller, customer, name, key):
    order = actions.order_create(conn, seller, name=name, years=1, customer_id=customer.pk, nameservers=NS,
                                 location=LOCATION, key=key)  # fmt: skip
    assert order.state == "done", order.answer
    return Service.objects.get(name=name)


def test_register_list_remove_and_another_sellers_id_is_404(receiver, alpha_seller, beta_seller):
    hook, secret = webhooks.register(alpha_seller, receiver.url(), "alpha-admin")
    assert len(secret) >= 32 and hook.secret == secret
    webhooks.register(beta_seller, receiver.url("/beta"), "beta-admin")
    assert [h.pk for h in webhooks.list_for(alpha_seller)] == [hook.pk]
    with pytest.raises(Http404):
        webhooks.remove(beta_seller, hook.pk)
    assert webhooks.list_for(alpha_seller).exists()
    webhooks.remove(alpha_seller, hook.pk)
    assert not webhooks.list_for(alpha_seller).exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.kz/hook", RegistrarCode.WEBHOOK_URL),
        ("not a url", RegistrarCode.WEBHOOK_URL),
        ("http://127.0.0.1:9/hook", RegistrarCode.WEBHOOK_ADDRESS),  # loopback is a test-only exception
        ("http://10.1.2.3/hook", RegistrarCode.WEBHOOK_ADDRESS),
        ("http://169.254.169.254/latest/meta-data", RegistrarCode.WEBHOOK_ADDRESS),
        ("http://[::1]/hook", RegistrarCode.WEBHOOK_ADDRESS),
        ("http://[::ffff:192.168.0.1]/hook", RegistrarCode.WEBHOOK_ADDRESS),
        ("http://localhost/hook", RegistrarCode.WEBHOOK_ADDRESS),
    ],
)
def test_bad_and_internal_urls_are_refused(alpha_seller, url, code):
    with pytest.raises(OperationFailed) as refused:
        webhooks.register(alpha_seller, url, "alpha-admin")
    assert refused.value.codes == {code}
    assert not webhooks.list_for(alpha_seller).exists()


def test_signature_verifies_and_detects_tampering_and_age():
    header = webhooks.signature("s3cret", 1_700_000_000, b'{"a":1}')
    assert webhooks.verify("s3cret", header, b'{"a":1}', now=1_700_000_010)
    assert not webhooks.verify("s3cret", header, b'{"a":2}', now=1_700_000_010)
    assert not webhooks.verify("other", header, b'{"a":1}', now=1_700_000_010)
    assert not webhooks.verify("s3cret", header, b'{"a":1}', now=1_700_001_000)  # replayed much later
    assert not webhooks.verify("s3cret", "garbage", b'{"a":1}', now=1_700_000_000)


def test_events_reach_only_their_sellers_hooks_signed(
    conn, receiver, alpha_seller, beta_seller, alpha_customer, alpha_account, frozen_clock
):
    _, alpha_secret = webhooks.register(alpha_seller, receiver.url("/alpha"), "alpha-admin")
    webhooks.register(beta_seller, receiver.url("/beta"), "beta-admin")
    _, own_secret = webhooks.register(actions.Seller("PS-KZ", None, "staff"), receiver.url("/registrar"), "staff")
    create(conn, alpha_seller, alpha_customer, "hooked.kz", "k1")
    order = actions.order_renew(conn, alpha_seller, "hooked.kz", 1, "k2")
    assert order.state == "done"

    assert deliver_due() == {"delivered": 6, "retry": 0, "gave_up": 0}
    alpha = receiver.at("/alpha")
    kinds = [r.json["type"] for r in alpha]
    assert kinds == ["order_settled", "expiry_changed", "order_settled"]
    assert receiver.at("/beta") == []  # another reseller's hook hears nothing of alpha's domains
    assert len(receiver.at("/registrar")) == 3  # the registrar's own hook hears every domain it sponsors
    renewed = alpha[1].json
    assert renewed["domain"] == "hooked.kz" and renewed["sponsoring_registrar"] == "PS-KZ"
    assert renewed["data"]["to"] > renewed["data"]["from"]
    now = int(clock.now().timestamp())
    for received in alpha:
        assert webhooks.verify(alpha_secret, received.headers[webhooks.SIGNATURE_HEADER], received.body, now)
        assert not webhooks.verify(own_secret, received.headers[webhooks.SIGNATURE_HEADER], received.body, now)
    assert deliver_due() == {"delivered": 0, "retry": 0, "gave_up": 0}  # nothing twice


def test_retry_after_a_server_error_with_backoff(conn, receiver, alpha_seller, alpha_customer, alpha_account,
                                                 frozen_clock):  # fmt: skip
    webhooks.register(alpha_seller, receiver.url(), "alpha-admin")
    create(conn, alpha_seller, alpha_customer, "retry.kz", "k1")
    receiver.statuses = [500]
    assert deliver_due() == {"delivered": 0, "retry": 1, "gave_up": 0}
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_error == "HTTP 500" and delivery.state == DeliveryState.PENDING
    assert deliver_due() == {"delivered": 0, "retry": 0, "gave_up": 0}  # not due yet: it backs off
    frozen_clock.advance(dt.timedelta(seconds=61))
    assert deliver_due() == {"delivered": 1, "retry": 0, "gave_up": 0}
    assert len(receiver.requests) == 2 and receiver.requests[0].body == receiver.requests[1].body
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED


def test_gives_up_after_the_last_attempt(conn, receiver, alpha_seller, alpha_customer, alpha_account, frozen_clock,
                                         settings):  # fmt: skip
    settings.KZREG_REGISTRAR = {**settings.KZREG_REGISTRAR, "WEBHOOK_MAX_ATTEMPTS": 3}
    webhooks.register(alpha_seller, receiver.url(), "alpha-admin")
    create(conn, alpha_seller, alpha_customer, "down.kz", "k1")
    receiver.statuses = [503, 500, 502, 200]
    outcomes = []
    for _ in range(4):
        counts = deliver_due()
        outcomes.append(next((k for k, v in counts.items() if v), "none"))
        frozen_clock.advance(dt.timedelta(hours=1))
    assert outcomes == ["retry", "retry", "gave_up", "none"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.GAVE_UP, 3)
    assert len(receiver.requests) == 3


def test_an_unreachable_receiver_never_blocks_the_order(conn, receiver, alpha_seller, alpha_customer, settings):
    """The order's transaction only writes the delivery row; the post is the worker's."""
    fund(alpha_seller.reseller, "100.00")
    hook, _ = webhooks.register(alpha_seller, receiver.url(), "alpha-admin")
    type(hook).objects.filter(pk=hook.pk).update(url="http://127.0.0.1:9/closed")  # nothing listens there
    create(conn, alpha_seller, alpha_customer, "calm.kz", "k1")
    assert ServiceEvent.objects.filter(domain="calm.kz").count() == 1
    assert deliver_due()["retry"] == 1
