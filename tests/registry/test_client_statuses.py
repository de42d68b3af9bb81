"""Client statuses (issue 10, RFC 5731–5733): set and removed by the sponsor through modify, enforced by
the operations (2304), clientHold out of the zone through the one R13 rule (`registry.status`)."""

from __future__ import annotations

import io

import pytest

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.rdap import cache as answer_cache
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainStatus, Host
from kzreg.registry.queries import domain_list
from kzreg.registry.reads.connection import django_database
from kzreg.registry.status import is_delegated
from kzreg.whois.lookup import Lookup
from kzreg.zone.export import export_zone, find_zone
from tests.rdap.conftest import Ticking
from tests.registry.epp_world import everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_rdap():
    """RDAP's answer cache, fresh for this test (another test's example.kz may be cached)."""
    answer_cache.install(answer_cache.AnswerCache(size=1000, seconds=1.0, monotonic=Ticking()))
    yield
    answer_cache.install(None)


def refused(call, *codes: Code) -> OperationFailed:
    before = everything()
    with pytest.raises(OperationFailed) as failure:
        call()
    assert failure.value.codes == set(codes), failure.value.render()
    assert everything() == before
    return failure.value


def modify(actor, **kwargs):
    return ops.modify_domain(c.ModifyDomain("example.kz", **kwargs), actor).object


def test_the_sponsor_sets_and_removes_client_statuses(epp):
    d = modify(epp["owner"], add_statuses=("clientdeleteprohibited", "clientRenewProhibited"))
    assert d.client_statuses == ["clientDeleteProhibited", "clientRenewProhibited"]
    d = modify(epp["owner"], remove_statuses=("clientRenewProhibited",))
    assert Domain.objects.get(name="example.kz").client_statuses == ["clientDeleteProhibited"]
    refused(lambda: modify(epp["gainer"], add_statuses=("clientHold",)), Code.NOT_SPONSOR)


def test_bad_status_words_are_named(epp):
    modify(epp["owner"], add_statuses=("clientDeleteProhibited",))
    failure = refused(
        lambda: modify(epp["owner"], add_statuses=("serverHold", "clientDeleteProhibited"),
                       remove_statuses=("clientHold",)),
        Code.INVALID_CHOICE, Code.STATUS_ALREADY_SET, Code.STATUS_NOT_SET,
    )  # fmt: skip
    assert [p.field for p in failure.problems] == ["add_statuses[0]", "add_statuses[1]", "remove_statuses[0]"]


@pytest.mark.parametrize(
    "status, call",
    [
        ("clientUpdateProhibited", lambda w: modify(w["owner"], purpose="new")),
        ("clientDeleteProhibited", lambda w: ops.delete_domain(c.DeleteDomain("example.kz"), w["owner"])),
        ("clientRenewProhibited", lambda w: ops.renew_domain(c.RenewDomain("example.kz", 1), w["owner"])),
        ("clientRenewProhibited", lambda w: modify(w["owner"], add_years=1)),
        ("clientTransferProhibited",
         lambda w: ops.request_transfer(c.RequestTransfer("example.kz", "domain-code-1"), w["gainer"])),
    ],
)  # fmt: skip
def test_each_prohibition_is_enforced(epp, status, call):
    modify(epp["owner"], add_statuses=(status,))
    failure = refused(lambda: call(epp), Code.STATUS_PROHIBITS)
    assert failure.epp_code == 2304 and failure.problems[0].params == {"status": status}


def test_an_update_that_removes_client_update_prohibited_is_allowed(epp):
    modify(epp["owner"], add_statuses=("clientUpdateProhibited",))
    refused(lambda: modify(epp["owner"], add_statuses=("clientHold",)), Code.STATUS_PROHIBITS)
    modify(epp["owner"], remove_statuses=("clientUpdateProhibited",), purpose="unlocked")
    assert Domain.objects.get(name="example.kz").purpose == "unlocked"


def test_registry_staff_are_not_bound_by_client_statuses(epp):
    modify(epp["owner"], add_statuses=("clientUpdateProhibited", "clientDeleteProhibited"))
    modify(epp["staff"], purpose="registry note")
    ops.delete_domain(c.DeleteDomain("example.kz", "court order"), epp["staff"])


def test_client_hold_takes_the_domain_out_of_the_zone_and_shows_in_whois(epp):
    now = clock.now()
    modify(epp["owner"], add_statuses=("clientHold",))
    d = Domain.objects.get(name="example.kz")
    assert d.client_hold and d.client_statuses == [] and "client_hold" in d.flags
    assert d.statuses(now) == ["client_hold"] and not is_delegated(d, now)
    period = DomainStatus.objects.get(domain=d, flag="client_hold")
    assert period.set_by == "ps-kz-epp" and period.lifted_at is None
    zone = io.BytesIO()
    export_zone(find_zone("kz"), zone)
    assert "example.kz." not in zone.getvalue().decode()
    assert "client_hold" in Lookup(django_database(), languages=("en",)).answer("example.kz").text
    assert {x.name for x in domain_list(status="client_hold", at=now)} == {"example.kz"}
    assert "example.kz" not in {x.name for x in domain_list(status="active", at=now)}
    modify(epp["owner"], remove_statuses=("clientHold",))
    d = Domain.objects.get(name="example.kz")
    assert is_delegated(d, now) and DomainStatus.objects.get(domain=d, flag="client_hold").lifted_at == now
    zone = io.BytesIO()
    export_zone(find_zone("kz"), zone)
    assert "example.kz." in zone.getvalue().decode()


def test_contact_client_statuses(epp):
    admin = epp["domain"].admin_contact.handle
    ops.modify_contact(c.ModifyContact(admin, add_statuses=("clientUpdateProhibited",)), epp["owner"])
    refused(lambda: ops.modify_contact(c.ModifyContact(admin, {"city": "Oral"}), epp["owner"]),
            Code.STATUS_PROHIBITS)  # fmt: skip
    refused(lambda: ops.modify_contact(c.ModifyContact(admin, add_statuses=("clientHold",)), epp["owner"]),
            Code.STATUS_PROHIBITS)  # fmt: skip
    ops.modify_contact(c.ModifyContact(admin, {"city": "Oral"}, remove_statuses=("clientUpdateProhibited",)),
                       epp["owner"])  # fmt: skip


def test_host_client_statuses(epp):
    ops.create_host(c.CreateHost("ns3.ps-hosting.net", ("195.210.46.30",)), epp["owner"])
    ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", add_statuses=("clientDeleteProhibited",)), epp["owner"])
    assert Host.objects.get(name="ns3.ps-hosting.net").client_statuses == ["clientDeleteProhibited"]
    refused(lambda: ops.delete_host(c.DeleteHost("ns3.ps-hosting.net"), epp["owner"]), Code.STATUS_PROHIBITS)
    refused(lambda: ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", add_statuses=("clientTransferProhibited",)),
                                    epp["owner"]), Code.INVALID_CHOICE)  # hosts have no transfer  # fmt: skip
    ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", add_statuses=("clientUpdateProhibited",)), epp["owner"])
    refused(lambda: ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", addresses=("195.210.46.31",)), epp["owner"]),
            Code.STATUS_PROHIBITS)  # fmt: skip
    ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", remove_statuses=("clientUpdateProhibited",)), epp["owner"])
    ops.modify_host(c.ModifyHost("ns3.ps-hosting.net", remove_statuses=("clientDeleteProhibited",)), epp["owner"])
    ops.delete_host(c.DeleteHost("ns3.ps-hosting.net"), epp["owner"])


def test_rdap_shows_client_hold(epp, client, fresh_rdap):
    modify(epp["owner"], add_statuses=("clientHold",))
    assert client.get("/rdap/domain/example.kz").json()["status"] == ["client hold"]
