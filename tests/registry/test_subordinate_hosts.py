"""Hosts inside our zones lie in registered domains (issue 10, RFC 5732 §1.1).

A new host inside a zone needs its domain registered (2303) and, for a registrar, sponsored by that
registrar (2305); a domain whose hosts other domains use is not deleted (2305); a purge takes its hosts out
of every delegation, so no delegation ever points inside a name anyone may register.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kzreg.core import clock
from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import OperationFailed
from kzreg.core.messages import Code
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, DomainNameServer, HistoryEntry, Host
from kzreg.registry.operations.lifecycle import sweep
from kzreg.registry.policy import superordinate_domain
from tests.conftest import T0, domain_command

pytestmark = pytest.mark.django_db

HOSTER_NS = (c.NameServer("ns1.hoster.kz", ("89.218.5.2",)), c.NameServer("ns2.hoster.kz", ("92.46.53.2",)))
ELSEWHERE = (c.NameServer("ns1.hoster.net", ("89.218.5.20",)), c.NameServer("ns2.hoster.net", ("92.46.53.20",)))


def refused(call, *args) -> OperationFailed:  # type: ignore[no-untyped-def]
    with pytest.raises(OperationFailed) as failure:
        call(*args)
    return failure.value


def servers_of(name: str) -> list[str]:
    domain = Domain.objects.get(name=name, deleted_at__isnull=True)
    return [link.host.name for link in domain.nameserver_links.order_by("position")]


@pytest.fixture
def hoster(make_domain):
    """hoster.kz, registered by PS-KZ with its own servers inside it."""
    return make_domain("hoster.kz", nameservers=HOSTER_NS)


@pytest.fixture
def other_actor(other_registrar) -> Actor:
    return Actor("hoster-operator", Role.REGISTRAR, Channel.EPP, registrar_id=other_registrar.id)


def test_superordinate_domain_is_the_registration_a_name_lies_under():
    zones = ("kz", "xn--80ao21a")
    assert superordinate_domain("ns1.ps.kz", zones) == "ps.kz"
    assert superordinate_domain("a.b.ps.kz", zones) == "ps.kz"
    assert superordinate_domain("ps.kz", zones) == "ps.kz"
    assert superordinate_domain("ns1.xn--80awbu3c.xn--80ao21a", zones) == "xn--80awbu3c.xn--80ao21a"
    assert superordinate_domain("ns1.example.com", zones) is None
    assert superordinate_domain("ns1.kz.example.com", zones) is None


def test_a_host_inside_an_unregistered_domain_is_refused_2303(registrar, staff):
    failure = refused(ops.create_host, c.CreateHost("ns1.hoster.kz", ("89.218.5.2",)), staff)
    (problem,) = failure.problems
    assert (problem.field, problem.code, problem.code.epp_code) == ("name", Code.SUPERORDINATE_MISSING, 2303)
    assert failure.render("en") == [
        "name: host ns1.hoster.kz lies inside hoster.kz, which is not registered: register the domain first"
    ]
    assert failure.render("kk")[0].startswith("name: ns1.hoster.kz хосты hoster.kz доменінің ішінде")
    assert failure.render("ru")[0].startswith("name: хост ns1.hoster.kz находится внутри домена hoster.kz")
    assert not Host.objects.filter(name="ns1.hoster.kz").exists()


def test_a_host_inside_a_registered_domain_or_outside_our_zones_is_made(hoster, staff, registrar_actor):
    made = ops.create_host(c.CreateHost("ns3.hoster.kz", ("89.218.5.3",)), registrar_actor).object
    assert made.registrar_id == registrar_actor.registrar_id
    ops.create_host(c.CreateHost("dns.ns.hoster.kz", ("89.218.5.4",)), staff)  # deeper inside it
    ops.create_host(c.CreateHost("ns1.example.com", ("93.184.216.34",)), registrar_actor)  # not ours to judge


def test_an_idn_zone_host_needs_its_idn_domain(registrar, make_domain, staff):
    failure = refused(ops.create_host, c.CreateHost("ns1.мысал.қаз", ("89.218.5.9",)), staff)
    assert failure.codes == {Code.SUPERORDINATE_MISSING}
    assert failure.render("en") == [
        "name: host ns1.мысал.қаз lies inside мысал.қаз, which is not registered: register the domain first"
    ]
    make_domain("мысал.қаз", nameservers=ELSEWHERE)
    assert ops.create_host(c.CreateHost("ns1.мысал.қаз", ("89.218.5.9",)), staff).object.unicode_name == "ns1.мысал.қаз"


def test_a_registrar_makes_hosts_only_inside_its_own_domains_2305(hoster, other_actor, registrar_actor):
    failure = refused(ops.create_host, c.CreateHost("ns3.hoster.kz", ("89.218.5.3",)), other_actor)
    (problem,) = failure.problems
    assert (problem.field, problem.code, problem.code.epp_code) == ("name", Code.SUPERORDINATE_OTHER_REGISTRAR, 2305)
    assert failure.render("en") == ["name: host ns3.hoster.kz lies inside hoster.kz, which another registrar sponsors"]
    # nor through a registration naming a new server inside another registrar's domain
    servers = (c.NameServer("ns4.hoster.kz", ("89.218.5.4",)), ELSEWHERE[0])
    command = domain_command("theirs.kz", nameservers=servers, registrar="HOSTER-KZ")
    failure = refused(ops.create_domain, command, other_actor)
    assert [(p.field, p.code) for p in failure.problems] == [
        ("nameservers[0].name", Code.SUPERORDINATE_OTHER_REGISTRAR)
    ]
    # existing servers inside another registrar's domain may be named: they exist and resolve
    made = ops.create_domain(domain_command("theirs.kz", nameservers=HOSTER_NS, registrar="HOSTER-KZ"), other_actor)
    assert servers_of(made.object.name) == ["ns1.hoster.kz", "ns2.hoster.kz"]


def test_a_registration_brings_its_own_in_domain_servers_but_no_others(registrar, staff, registrar_actor):
    own = (c.NameServer("ns1.new.kz", ("89.218.6.1",)), c.NameServer("ns2.new.kz", ("92.46.6.2",)))
    ops.create_domain(domain_command("new.kz", nameservers=own), registrar_actor)
    assert servers_of("new.kz") == ["ns1.new.kz", "ns2.new.kz"]
    strangers = (c.NameServer("ns1.nobody.kz", ("89.218.6.3",)), c.NameServer("ns1.new.kz"))
    failure = refused(ops.create_domain, domain_command("other.kz", nameservers=strangers), staff)
    assert [(p.field, p.code) for p in failure.problems] == [("nameservers[0].name", Code.SUPERORDINATE_MISSING)]
    assert not Domain.objects.filter(name="other.kz").exists()


def test_modify_and_rename_into_an_unregistered_domain_are_refused(hoster, make_domain, staff):
    make_domain("shop.kz", nameservers=HOSTER_NS)
    servers = (c.NameServer("ns1.nobody.kz", ("89.218.6.3",)), HOSTER_NS[0])
    failure = refused(ops.modify_domain, c.ModifyDomain("shop.kz", nameservers=servers), staff)
    assert [(p.field, p.code) for p in failure.problems] == [("nameservers[0].name", Code.SUPERORDINATE_MISSING)]
    failure = refused(ops.modify_host, c.ModifyHost("ns2.hoster.kz", new_name="ns2.nobody.kz"), staff)
    assert [(p.field, p.code) for p in failure.problems] == [("new_name", Code.SUPERORDINATE_MISSING)]
    assert ops.modify_host(c.ModifyHost("ns2.hoster.kz", new_name="dns2.hoster.kz"), staff).object.version == 2
    assert servers_of("shop.kz") == ["ns1.hoster.kz", "dns2.hoster.kz"]


def test_an_in_zone_host_needs_an_address(hoster, staff):
    failure = refused(ops.create_host, c.CreateHost("ns3.hoster.kz", ()), staff)
    assert [(p.field, p.code) for p in failure.problems] == [("addresses", Code.REQUIRED)]


def test_a_domain_whose_hosts_others_use_is_not_deleted_2305(hoster, make_domain, staff):
    make_domain("shop.kz", nameservers=(HOSTER_NS[0], ELSEWHERE[0]))
    make_domain("cafe.kz", nameservers=(HOSTER_NS[0], ELSEWHERE[1]))
    failure = refused(ops.delete_domain, c.DeleteDomain("hoster.kz", "asked"), staff)
    (problem,) = failure.problems
    assert (problem.field, problem.code, problem.code.epp_code) == ("name", Code.SUBORDINATE_HOSTS_IN_USE, 2305)
    assert failure.render("en") == [
        "name: hosts inside the domain are name servers of other domains: ns1.hoster.kz (2)"
    ]
    assert (
        Domain.objects.get(name="hoster.kz").deleted_at is None and Host.objects.filter(name="ns1.hoster.kz").exists()
    )
    # once the others have moved, the domain goes, and its hosts with it
    for name in ("shop.kz", "cafe.kz"):
        ops.modify_domain(c.ModifyDomain(name, nameservers=ELSEWHERE), staff)
    ops.delete_domain(c.DeleteDomain("hoster.kz", "asked"), staff)
    assert not Host.objects.filter(name__endswith=".hoster.kz").exists()
    deleted = HistoryEntry.objects.filter(object_type="host", object_key="ns1.hoster.kz").order_by("version").last()
    assert deleted.operation == "domain_delete" and "deleted_at" in deleted.snapshot
    assert deleted.reason == "its domain hoster.kz is deleted"


def test_a_new_holder_of_a_freed_name_gets_none_of_the_old_servers(hoster, make_domain, staff, other_actor):
    """The hijack the rules close: the old ns1.hoster.kz is gone with its domain, not waiting for a new owner."""
    ops.delete_domain(c.DeleteDomain("hoster.kz", "asked"), staff)
    servers = (c.NameServer("ns1.hoster.kz", ("95.56.1.66",)), ELSEWHERE[0])
    made = ops.create_domain(domain_command("hoster.kz", nameservers=servers, registrar="HOSTER-KZ"), other_actor)
    host = Host.objects.get(name="ns1.hoster.kz")
    assert host.addresses == ["95.56.1.66"] and host.version == 1  # a new host, not the old one
    assert DomainNameServer.objects.filter(host=host).count() == 1 and made.object.name == "hoster.kz"


def test_a_purge_takes_the_domains_hosts_out_of_every_delegation(hoster, make_domain, staff):
    clock.freeze(T0)
    make_domain("shop.kz", nameservers=(HOSTER_NS[1], ELSEWHERE[0], ELSEWHERE[1]), period=5)
    clock.freeze(Domain.objects.get(name="hoster.kz").expires_at + dt.timedelta(days=1))
    assert sweep() == {"expired": 1, "purged": 0}  # hoster.kz goes to pending delete; shop.kz still uses it
    clock.advance(dt.timedelta(days=31))
    assert sweep() == {"expired": 0, "purged": 1}
    assert Domain.objects.get(name="hoster.kz").deleted_at is not None
    assert not Host.objects.filter(name__endswith=".hoster.kz").exists()
    assert servers_of("shop.kz") == ["ns1.hoster.net", "ns2.hoster.net"]
    entry = HistoryEntry.objects.filter(object_type="domain", object_key="shop.kz").order_by("version").last()
    assert (entry.operation, entry.version) == ("domain_purge", 2)
    assert entry.reason == "name servers removed: ns1.hoster.kz, ns2.hoster.kz (their domain hoster.kz is gone)"
    assert entry.snapshot["nameservers"] == ["ns1.hoster.net", "ns2.hoster.net"]


# The same rule through the channels: the staff CLI and an e-mailed Host form (checked as the worker would).

HOST_FORM = """Host Version Number: 1.0

Authorization
0a. (N)ew (M)odify (D)elete................: N
0b. Auth Scheme............................:
0c. Auth Info..............................:

Host
1. Host Name...............................: ns1.hoster.kz
2. New Host Name (to rename)...............:
3. Netaddresses (IP).......................: 89.218.5.2


END OF AGREEMENT
"""


def test_the_cli_refuses_a_host_inside_an_unregistered_domain(registrar, capsys):
    from kzreg.cli import main

    assert main(["--lang", "ru", "host", "create", "ns1.hoster.kz", "--address", "89.218.5.2"]) == 1
    err = capsys.readouterr().err
    assert "error: name: хост ns1.hoster.kz находится внутри домена hoster.kz, который не зарегистрирован" in err
    assert not Host.objects.filter(name="ns1.hoster.kz").exists()


def test_a_mailed_host_form_gets_the_refusal_in_its_language(registrar, make_domain, tmp_path, capsys):
    from kzreg.cli import main

    make_domain("example.kz")
    path = tmp_path / "host.eml"
    head = (
        "From: Ivan <ivan1@example.kz>\nTo: hostmaster@nic.kz\nSubject: host\nContent-Type: text/plain; charset=utf-8\n"
    )
    path.write_text(head + "\n" + HOST_FORM, encoding="utf-8")
    assert main(["template", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1: host ns1.hoster.kz lies inside hoster.kz, which is not registered: register the domain first" in out
