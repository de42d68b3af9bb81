"""`kzreg registrar reconcile [--fix]`, `orders`, `settle`, `sync`, `webhooks`, `remind` (the local
connection, as configured)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.cli import main
from kzreg.core import clock
from kzreg.registrar import actions
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Service
from kzreg.registrar.webhooks import register
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from tests.registrar.conftest import LOCATION, NS
from tests.registrar.test_keeping_in_step import STAFF

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reconcile_orders_settle(wing, alpha_seller, alpha_customer, alpha_account, capsys):
    conn = LocalConnection("PS-KZ", "tester")
    actions.order_create(conn, alpha_seller, name="cli.kz", years=1, customer_id=alpha_customer.pk, nameservers=NS,
                         location=LOCATION, key="k1")  # fmt: skip
    assert main(["registrar", "reconcile"]) == 0
    assert "0 difference(s)" in capsys.readouterr().out
    ops.renew_domain(c.RenewDomain("cli.kz", 1), STAFF)
    assert main(["registrar", "reconcile"]) == 1  # differences found and not fixed: a failing exit
    out = capsys.readouterr().out
    assert "cli.kz\texpires_at" in out and "1 difference(s)" in out
    assert main(["registrar", "reconcile", "--fix"]) == 0
    assert main(["registrar", "reconcile"]) == 0
    assert Service.objects.get().expires_at == conn.info("cli.kz").expires_at
    capsys.readouterr()
    assert main(["registrar", "orders", "--state", "done"]) == 0
    assert "\tdone\tcreate\tcli.kz\treseller:" in capsys.readouterr().out
    assert main(["registrar", "settle"]) == 0
    assert "nothing to settle" in capsys.readouterr().out


def test_sync_webhooks_remind(wing, alpha_seller, alpha_customer, alpha_account, receiver, frozen_clock, capsys):
    conn = LocalConnection("PS-KZ", "tester")
    register(alpha_seller, receiver.url(), "alpha-admin")
    actions.order_create(conn, alpha_seller, name="cli.kz", years=1, customer_id=alpha_customer.pk, nameservers=NS,
                         location=LOCATION, key="k1")  # fmt: skip
    ops.renew_domain(c.RenewDomain("cli.kz", 1), STAFF)  # the registry tells by poll message
    assert main(["registrar", "sync"]) == 0
    assert "refreshed: 1" in capsys.readouterr().out
    assert main(["registrar", "webhooks"]) == 0
    assert "delivered: 2" in capsys.readouterr().out  # the order settled, the expiry changed
    assert main(["registrar", "webhooks", "--list"]) == 0
    assert "\tdelivered\t1\texpiry_changed\tcli.kz\t" in capsys.readouterr().out
    frozen_clock.advance(Service.objects.get().expires_at - clock.now() - dt.timedelta(days=5))
    assert main(["registrar", "remind"]) == 0
    assert "reminded: 1, digests: 1" in capsys.readouterr().out
