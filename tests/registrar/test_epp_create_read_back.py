"""Commands an order sends over EPP (issue 12, Speed): a create for customers that are registry contacts
already is `<domain:create>` and the `<domain:info>` read-back; with `create_read_back=False` (a registry
known to set no statuses at creation, such as kzreg's own) the create alone, and the service gets the same
statuses the read-back would have given."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from kzreg.registrar.connection.epp import EppConnection
from kzreg.registrar.models import Service
from tests.registrar.sent import epp_commands_sent
from tests.registrar.test_orders import create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def sent() -> Iterator[list[str]]:
    """The commands this process sends over EPP (create, info, …), as the session tests count them."""
    with epp_commands_sent(("create", "info", "check", "update", "renew")) as names:
        yield names


@pytest.mark.parametrize("read_back", [True, False])
def test_commands_per_create(conn, sent, read_back, alpha_seller, alpha_customer, alpha_account):
    if not isinstance(conn, EppConnection):
        pytest.skip("EPP commands: the local connection sends none")
    create(conn, alpha_seller, alpha_customer, key="k0", name="first-one.kz")  # the customer becomes a contact
    fast = EppConnection(dataclasses.replace(conn.settings, create_read_back=read_back))
    sent.clear()
    order = create(fast, alpha_seller, alpha_customer, key="k1", name="second-one.kz")
    assert order.state == "done", order.answer
    assert sent == (["create", "info"] if read_back else ["create"])
    service = Service.objects.get(name="second-one.kz")
    registry = conn.info("second-one.kz")
    assert service.statuses == list(registry.statuses) == ["ok"]  # what the read-back would have said
    assert service.expires_at.replace(microsecond=0) == registry.expires_at.replace(microsecond=0)
