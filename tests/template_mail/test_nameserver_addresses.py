"""R11 through a Modify form (issue 9 §7): naming an existing host with one of its own addresses is
silent; only an address that is not the host's gets "the given address was not applied"."""

from __future__ import annotations

import pytest

from kzreg.registry import commands as c
from kzreg.registry.models import Domain, Host
from kzreg.registry.operations import modify_host
from tests.template_mail.conftest import golden, set_scheme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PS_NS1 = ["195.210.46.10", "2a00:5da0:1::10"]  # ns1.ps.kz as in the seed's example


def modify(primary_addresses: str) -> bytes:
    """The Crypt-PW Modify of example.kz, naming ns1.ps.kz (with the given 7b) and ns2.ps.kz."""
    raw = golden("modify-ru-cryptpw.eml")
    raw = raw.replace(b"ns1.hoster.kz", b"ns1.ps.kz").replace(b"185.22.64.1", primary_addresses.encode())
    return raw.replace(b"ns2.hoster.kz", b"ns2.ps.kz").replace(b"88.204.1.1", b"")


@pytest.fixture
def ps_ns1_dual_stack(registered, staff):
    set_scheme(registered.admin_contact, "C", staff, crypt_password="s3cret-pass")
    modify_host(c.ModifyHost("ns1.ps.kz", addresses=tuple(PS_NS1)), staff)
    return registered


@pytest.mark.parametrize("given", ["195.210.46.10", "2a00:5da0:0001:0000:0000:0000:0000:0010", "", ", ".join(PS_NS1)])
def test_the_hosts_own_addresses_bring_no_warning(intake, ps_ns1_dual_stack, given):
    delivery = intake.deliver(modify(given))
    body = delivery.result().body
    assert delivery.request.state == "completed", body
    assert "не применён" not in body and "Предупреждения" not in body
    assert Host.objects.get(name="ns1.ps.kz").addresses == PS_NS1


def test_an_address_not_the_hosts_is_reported_and_not_applied(intake, ps_ns1_dual_stack):
    delivery = intake.deliver(modify("195.210.46.10, 195.210.46.99"))
    body = delivery.result().body
    assert delivery.request.state == "completed", body
    assert (
        "7b: хост ns1.ps.kz уже существует с адресом 195.210.46.10, 2a00:5da0:1::10; указанный 195.210.46.99 "
        "не применён" in body
    )
    assert Host.objects.get(name="ns1.ps.kz").addresses == PS_NS1
    links = Domain.objects.get(name="example.kz").nameserver_links.order_by("position")
    assert [link.host.name for link in links] == ["ns1.ps.kz", "ns2.ps.kz"]
