"""RFC 5732 host commands (R11; subordinate hosts need their domain, 2303, sponsored by the same
registrar, 2305; a host in use is not deleted, 2305)."""

from __future__ import annotations

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Host
from tests.epp.objects import create_domain, make_contacts, send, zones  # noqa: F401

H = f"{{{ns.HOST}}}"


def test_create_info_and_check(epp):
    reply = send(epp, r.host_create("ns.hosting.net", ["91.201.214.77", "2a02:6b8::2:242"]))
    assert reply.code == 1000, reply.raw
    data = send(epp, r.host_info("ns.hosting.net")).res_data
    assert [(a.text, a.get("ip")) for a in data.findall(f"{H}addr")] == [
        ("91.201.214.77", "v4"),
        ("2a02:6b8::2:242", "v6"),
    ]
    assert data.findtext(f"{H}clID") == "PS-KZ"
    assert [s.get("s") for s in data.findall(f"{H}status")] == ["ok"]
    chk = send(epp, r.host_check("ns.hosting.net", "ns.free.net")).res_data
    assert [cd.find(f"{H}name").get("avail") for cd in chk.findall(f"{H}cd")] == ["0", "1"]


def test_subordinate_host_needs_its_domain(epp):
    reply = send(epp, r.host_create("ns1.unregistered.kz", ["195.210.46.50"]))
    assert reply.code == 2303
    assert not Host.objects.filter(name="ns1.unregistered.kz").exists()


def test_subordinate_host_of_another_registrars_domain_is_2305(epp, other_epp):
    ids = make_contacts(epp)
    assert create_domain(epp, "almaty-net.kz", ids).code == 1000
    assert send(other_epp, r.host_create("ns1.almaty-net.kz", ["195.210.46.50"])).code == 2305
    assert send(epp, r.host_create("ns1.almaty-net.kz", ["195.210.46.50"])).code == 1000


def test_update_addresses_by_difference_and_rename(epp):
    assert send(epp, r.host_create("ns.hosting.net", ["91.201.214.77"])).code == 1000
    reply = send(epp, r.host_update("ns.hosting.net", add_addresses=["91.201.214.78"], rem_addresses=["91.201.214.77"]))
    assert reply.code == 1000, reply.raw
    assert Host.objects.get(name="ns.hosting.net").addresses == ["91.201.214.78"]
    assert send(epp, r.host_update("ns.hosting.net", rem_addresses=["10.1.1.1"])).code == 2306
    assert send(epp, r.host_update("ns.hosting.net", new_name="dns.hosting.net")).code == 1000
    assert Host.objects.filter(name="dns.hosting.net").exists()


def test_host_statuses_and_delete(epp):
    assert send(epp, r.host_create("ns.hosting.net", ["91.201.214.77"])).code == 1000
    assert send(epp, r.host_update("ns.hosting.net", add_statuses=["clientDeleteProhibited"])).code == 1000
    assert send(epp, r.host_delete("ns.hosting.net")).code == 2304
    assert send(epp, r.host_update("ns.hosting.net", rem_statuses=["clientDeleteProhibited"])).code == 1000
    assert send(epp, r.host_delete("ns.hosting.net")).code == 1000
    assert not Host.objects.filter(name="ns.hosting.net").exists()


def test_a_host_in_use_is_not_deleted(epp):
    ids = make_contacts(epp)
    assert create_domain(epp, "almaty-net.kz", ids).code == 1000
    assert send(epp, r.host_delete("ns1.ps.kz")).code == 2305
    data = send(epp, r.host_info("ns1.ps.kz")).res_data
    assert "linked" in [s.get("s") for s in data.findall(f"{H}status")]
