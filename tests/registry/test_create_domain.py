"""Registering a domain through the one write path (SPEC R1, R3–R12, T5, T6)."""

from __future__ import annotations

import pytest

from kzreg.core.actor import Actor, Channel
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry.models import Contact, Domain, HistoryEntry, Host, ReservedName, Zone
from kzreg.registry.operations import create_domain, delete_domain
from tests.conftest import NS, domain_command, org_contact, person

pytestmark = pytest.mark.django_db


def row_counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Domain, Contact, Host, HistoryEntry))


def test_create_writes_domain_contacts_hosts_and_history(make_domain, frozen_clock):
    servers = (c.NameServer("ns1.hoster.net", ("195.210.46.10",)), c.NameServer("ns2.hoster.net", ("91.201.214.10",)))
    domain = make_domain("Мысал.KZ", period=3, nameservers=servers)  # new hosts (ps.kz's exist already)
    assert domain.name == "xn--80awbu3c.kz" and domain.unicode_name == "мысал.kz"
    assert domain.expires_at.year == domain.created_at.year + 3
    assert domain.registrant.handle.endswith("-ORG") and domain.admin_contact.handle == "IVG1"
    # R9: tech and billing default to the administrative contact
    assert domain.tech_contact == domain.admin_contact == domain.billing_contact
    assert [ln.host.name for ln in domain.nameserver_links.order_by("position")] == ["ns1.hoster.net", "ns2.hoster.net"]
    entry = HistoryEntry.objects.get(object_type="domain", object_id=domain.pk)
    assert (entry.version, entry.operation, entry.principal, entry.channel) == (1, "domain_create", "tester", "cli")
    assert entry.snapshot["nameservers"] == ["ns1.hoster.net", "ns2.hoster.net"]
    assert HistoryEntry.objects.filter(object_type="contact").count() == 2
    assert HistoryEntry.objects.filter(object_type="host").count() == 2
    assert domain.statuses(frozen_clock.now()) == ["active"]


def test_every_problem_is_reported_at_once_and_nothing_changes(registrar, staff):
    before = row_counts()
    command = c.CreateDomain(
        name="-bad_name.kz",
        period=11,
        registrant=None,
        admin=person(emails="not-an-email", country_code="QQ"),
        nameservers=(c.NameServer("ns1.ps.kz", ("195.210.46.10",)),),
        location=c.Location("Abay 1", "", "Almaty"),
        registrar="PS-KZ",
    )
    with pytest.raises(OperationFailed) as failure:
        create_domain(command, staff)
    fields = {(p.field, p.code) for p in failure.value.problems}
    assert {
        ("name", Code.NAME_HYPHEN_EDGE),
        ("name", Code.NAME_BAD_CHARACTER),
        ("period", Code.PERIOD_RANGE),
        ("registrant.handle", Code.REQUIRED),
        ("admin.emails", Code.INVALID_EMAIL),
        ("admin.country_code", Code.INVALID_COUNTRY),
        ("nameservers", Code.NAMESERVERS_TOO_FEW),
        ("location.city", Code.REQUIRED),
    } <= fields
    assert row_counts() == before
    assert "admin.emails: e-mail адресі дұрыс емес: not-an-email" in failure.value.render("kk")


def test_a_name_is_registered_once(make_domain, staff):
    make_domain("example.kz")
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command("EXAMPLE.kz"), staff)
    assert failure.value.codes == {Code.ALREADY_REGISTERED}


def test_deleted_name_can_be_registered_again(make_domain, staff):
    make_domain("example.kz")
    delete_domain(c.DeleteDomain("example.kz", "holder asked"), staff)
    again = create_domain(domain_command("example.kz"), staff).object
    assert Domain.objects.filter(name="example.kz").count() == 2 and again.deleted_at is None


def test_reserved_names_only_for_registry_staff_and_blocked_never(registrar, staff, registrar_actor):
    zone = Zone.objects.get(name="kz")
    ReservedName.objects.create(zone=zone, label="casino", kind="blocked", reason="policy")
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command("nic.kz"), registrar_actor)
    assert failure.value.codes == {Code.NAME_RESERVED}
    assert create_domain(domain_command("nic.kz"), staff).object.name == "nic.kz"
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command("casino.kz"), staff)
    assert failure.value.codes == {Code.NAME_BLOCKED}


def test_contact_given_by_data_is_matched_not_duplicated(make_domain):
    """R7: on a match the existing record is used and the submitted details are not applied."""
    make_domain("first.kz")
    contacts = Contact.objects.count()
    moved = person(address="Somewhere else 99")
    result = create_domain(domain_command("second.kz", admin=moved), _staff())
    assert Contact.objects.count() == contacts
    assert result.object.admin_contact.address == "Dostyk 5"
    assert [w.code for w in result.warnings] == [Code.CONTACT_MATCHED]


def _staff() -> Actor:
    return Actor.registry_staff("tester", Channel.CLI)


def test_existing_host_is_never_changed_by_a_registration(make_domain):
    """R11: a differing IP for an existing host is reported back, and the host stays as it was."""
    make_domain("first.kz")
    other_ip = (c.NameServer("ns1.ps.kz", ("8.8.8.8",)), c.NameServer("ns2.ps.kz"))
    result = create_domain(domain_command("second.kz", nameservers=other_ip), _staff())
    assert Host.objects.get(name="ns1.ps.kz").addresses == ["195.210.46.10"]
    assert Code.HOST_ADDRESS_DIFFERS in {w.code for w in result.warnings}


def test_name_server_list_rules(registrar, staff):
    same_net = (c.NameServer("ns1.a.net", ("195.210.46.1",)), c.NameServer("ns2.a.net", ("195.210.46.2",)))
    result = create_domain(domain_command("samenet.kz", nameservers=same_net), staff)
    assert [w.code for w in result.warnings] == [Code.SAME_NETWORK]
    seven = tuple(c.NameServer(f"ns{i}.b.kz", (f"91.201.214.{i}",)) for i in range(7))
    dup = (NS[0], NS[0])
    no_ip = (c.NameServer("ns1.new.kz"), NS[1])
    for nameservers, code in (
        (seven, Code.NAMESERVERS_TOO_MANY),
        (dup, Code.NAMESERVER_DUPLICATE),
        (no_ip, Code.REQUIRED),
    ):
        with pytest.raises(OperationFailed) as failure:
            create_domain(domain_command("x.kz", nameservers=nameservers), staff)
        assert code in failure.value.codes


def test_registrant_must_be_a_legal_name(registrar, staff):
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command(registrant=org_contact(organisation="Joe dba Hosting")), staff)
    assert {(p.field, p.code) for p in failure.value.problems} == {("registrant.organisation", Code.REGISTRANT_NAME)}


def test_registrar_actor_sponsors_what_it_creates(registrar, registrar_actor):
    domain = create_domain(domain_command(registrar=None), registrar_actor).object
    assert domain.registrar == registrar
    assert Contact.objects.filter(registrar=registrar).count() == 2


def test_role_contact_needs_an_organisation(registrar, staff):
    with pytest.raises(OperationFailed) as failure:
        create_domain(domain_command(admin=org_contact(2, organisation="")), staff)
    assert ("admin.organisation", Code.REQUIRED) in {(p.field, p.code) for p in failure.value.problems}


def test_the_reseller_is_a_name_the_registrar_gives(registrar, staff):
    """Issue 10: the registry keeps the serving reseller's name only (tests/registry/test_reseller_name.py)."""
    domain = create_domain(domain_command(reseller="  Alpha   Hosting "), staff).object
    assert domain.reseller_name == "Alpha Hosting"
