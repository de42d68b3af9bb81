"""Modify, renew, statuses, delete, transfer and registrar change (SPEC R4, R13–R15, T7, T8, T12, T13)."""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.authority import MailProof
from kzreg.registry.models import Domain, DomainStatus, HistoryEntry
from tests.conftest import org_contact, person

pytestmark = pytest.mark.django_db


def test_modify_replaces_whole_sections(make_domain, staff):
    domain = make_domain("example.kz")
    new_ns = (
        c.NameServer("ns1.hoster.kz", ("91.201.214.30",)),
        c.NameServer("ns2.hoster.kz", ("195.210.46.30",)),
        c.NameServer("ns3.hoster.kz", ("2a00:5da0::53",)),
    )
    make_domain("hoster.kz", nameservers=new_ns)  # the hosting company's domain, with its own servers
    result = ops.modify_domain(
        c.ModifyDomain(
            "example.kz",
            nameservers=new_ns,
            location=c.Location("Tole bi 5", "Shymkent", "Turkistan"),
            tech=person(2, name="Ахметов, Бауыржан"),
        ),
        staff,
    )
    domain.refresh_from_db()
    hosts = [ln.host.name for ln in domain.nameserver_links.order_by("position")]
    assert hosts == ["ns1.hoster.kz", "ns2.hoster.kz", "ns3.hoster.kz"]
    assert (domain.location_address, domain.location_city, domain.location_region) == (
        "Tole bi 5",
        "Shymkent",
        "Turkistan",
    )
    assert domain.tech_contact.handle == "BA1" and domain.admin_contact.handle == "IVG1"
    assert domain.registrant == result.object.registrant and domain.version == 2


def test_modify_without_changes_and_with_bad_sections(make_domain, staff):
    make_domain("example.kz")
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("example.kz"), staff)
    assert failure.value.codes == {Code.NOTHING_TO_CHANGE}
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(
            c.ModifyDomain("example.kz", nameservers=(c.NameServer("ns1.ps.kz"),), location=c.Location("", "", "")),
            staff,
        )
    assert {p.field for p in failure.value.problems} == {
        "nameservers",
        "location.address",
        "location.city",
        "location.region",
    }


def test_period_extension_and_renewal(make_domain, staff, frozen_clock):
    domain = make_domain("example.kz", period=2)
    ops.modify_domain(c.ModifyDomain("example.kz", add_years=3), staff)
    renewed = ops.renew_domain(c.RenewDomain("example.kz", 1), staff).object
    assert renewed.expires_at == domain.expires_at.replace(year=domain.expires_at.year + 4)
    with pytest.raises(OperationFailed) as failure:
        ops.renew_domain(c.RenewDomain("example.kz", 5), staff)  # would run 11 years ahead
    assert failure.value.codes == {Code.PERIOD_EXCEEDS_MAX}
    with pytest.raises(OperationFailed) as failure:
        ops.renew_domain(c.RenewDomain("example.kz", 0), staff)
    assert failure.value.codes == {Code.PERIOD_RANGE}


def test_hold_and_suspension_combine_with_who_and_why(make_domain, staff, frozen_clock):
    make_domain("example.kz")
    ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "ISP delete request"), staff)
    domain = ops.set_domain_status(
        c.SetDomainStatus("example.kz", "suspended", "PS-3.10 data not confirmed"), staff
    ).object
    assert domain.statuses(frozen_clock.now()) == ["hold", "suspended"]
    assert not domain.is_delegated(frozen_clock.now())
    ops.lift_domain_status(c.SetDomainStatus("example.kz", "hold", "cured"), staff)
    periods = DomainStatus.objects.filter(domain=domain).order_by("id")
    assert [(p.flag, p.set_by, p.reason, p.lifted_at is not None) for p in periods] == [
        ("hold", "tester", "ISP delete request", True),
        ("suspended", "tester", "PS-3.10 data not confirmed", False),
    ]
    with pytest.raises(OperationFailed) as failure:
        ops.set_domain_status(c.SetDomainStatus("example.kz", "suspended", ""), staff)
    assert failure.value.codes == {Code.REQUIRED, Code.STATUS_ALREADY_SET}
    with pytest.raises(OperationFailed) as failure:
        ops.set_domain_status(c.SetDomainStatus("example.kz", "deleted", "x"), staff)
    assert failure.value.codes == {Code.INVALID_CHOICE}


def test_delete_frees_the_name_and_keeps_history(make_domain, staff):
    domain = make_domain("example.kz")
    ops.delete_domain(c.DeleteDomain("example.kz", "holder asked"), staff)
    domain.refresh_from_db()
    assert domain.deleted_at is not None and not domain.nameserver_links.exists()
    last = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert last.snapshot["deleted_at"] and last.snapshot["nameservers"] == ["ns1.ps.kz", "ns2.ps.kz"]
    with pytest.raises(OperationFailed) as failure:
        ops.modify_domain(c.ModifyDomain("example.kz", purpose="x"), staff)
    assert failure.value.codes == {Code.NOT_FOUND}


def test_transfer_moves_the_domain_to_a_new_registrant(make_domain, staff):
    """R14: a registrant change is a transfer; the authorization is recorded."""
    domain = make_domain("example.kz")
    old_registrant = domain.registrant
    result = ops.transfer_domain(
        c.TransferDomain("example.kz", registrant=org_contact(5, organisation="Kaspi Solutions LLP"), admin=person(5)),
        Actor(principal="new@kaspi.kz", role=Role.REGISTRANT, channel=Channel.MAIL, request_id="KZ-261122.7",
              proof=MailProof("new@kaspi.kz", written="fax: 2611-07")),  # the holder's consent (T13)
    )  # fmt: skip
    domain.refresh_from_db()
    assert domain.registrant != old_registrant and domain.registrant.organisation == "Kaspi Solutions LLP"
    assert domain.tech_contact == domain.admin_contact
    entry = HistoryEntry.objects.filter(object_type="domain", object_id=domain.pk).latest("version")
    assert (entry.operation, entry.request_id, entry.channel) == ("domain_transfer", "KZ-261122.7", "mail")
    assert entry.reason == "authorized by fax: 2611-07"
    with pytest.raises(OperationFailed) as failure:
        ops.transfer_domain(c.TransferDomain("example.kz", registrant=result.object.registrant.handle), staff)
    assert failure.value.codes == {Code.SAME_VALUE}


def test_change_of_sponsoring_registrar(make_domain, staff, other_registrar):
    make_domain("example.kz")
    domain = ops.change_registrar(c.ChangeRegistrar("example.kz", "HOSTER-KZ"), staff).object
    assert domain.registrar == other_registrar and domain.reseller_name == ""
    with pytest.raises(OperationFailed) as failure:
        ops.change_registrar(c.ChangeRegistrar("example.kz", "NOPE"), staff)
    assert failure.value.codes == {Code.NOT_FOUND}


def test_only_the_sponsor_acts_on_a_domain(make_domain, other_registrar):
    make_domain("example.kz")
    intruder = Actor(principal="x", role=Role.REGISTRAR, channel=Channel.API, registrar_id=other_registrar.id)
    for call in (
        lambda: ops.renew_domain(c.RenewDomain("example.kz", 1), intruder),
        lambda: ops.delete_domain(c.DeleteDomain("example.kz"), intruder),
        lambda: ops.set_domain_status(c.SetDomainStatus("example.kz", "hold", "x"), intruder),
    ):
        with pytest.raises(OperationFailed) as failure:
            call()
        assert failure.value.codes == {Code.NOT_SPONSOR}
    assert Domain.objects.get(name="example.kz").version == 1


def test_expiry_grace_period_and_deletion(make_domain, staff, frozen_clock):
    """R4 + issue: an expired domain is kept (not delegated) for the grace period, then deleted."""
    domain = make_domain("late.kz", period=1)
    make_domain("renewed.kz", period=1)
    frozen_clock.advance(dt.timedelta(days=366))
    assert ops.sweep() == {"expired": 2, "purged": 0}
    domain.refresh_from_db()
    assert domain.pending_delete and "expired" in domain.statuses(frozen_clock.now())
    assert not domain.is_delegated(frozen_clock.now())
    renewed = ops.renew_domain(c.RenewDomain("renewed.kz", 1), staff).object
    assert not renewed.pending_delete and renewed.is_delegated(frozen_clock.now())
    frozen_clock.advance(dt.timedelta(days=30))
    assert ops.sweep() == {"expired": 0, "purged": 1}
    domain.refresh_from_db()
    assert domain.deleted_at is not None
    assert Domain.objects.get(name="renewed.kz", deleted_at__isnull=True).version == 3
