"""`kzreg registrar reconcile [--fix]`, `orders` and `settle` (the local connection, as configured)."""

from __future__ import annotations

import pytest

from kzreg.cli import main
from kzreg.registrar import actions
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registrar.models import Service
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
