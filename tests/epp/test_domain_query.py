"""`<domain:check>` and `<domain:info>` (RFC 5731 §3.1.1, §3.1.2; R3, R13, E1, E2)."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain
from tests.epp.objects import DS, create_domain, make_contacts, send, zones  # noqa: F401

D = f"{{{ns.DOMAIN}}}"


@pytest.fixture
def domain(epp):
    ids = make_contacts(epp)
    reply = create_domain(epp, "almaty-net.kz", ids, ds=[DS], purpose="Company site")
    assert reply.code == 1000, reply.raw
    return Domain.objects.get(name="almaty-net.kz")


def test_check_gives_availability_and_reasons_in_the_session_language(epp, domain):
    reply = send(
        epp, r.domain_check("almaty-net.kz", "free-name.kz", "nic.kz", "-bad.kz", "x.com", "xn--80aaa0cvac.kz")
    )
    assert reply.code == 1000
    cds = reply.res_data.findall(f"{D}cd")
    avail = {cd.find(f"{D}name").text: cd.find(f"{D}name").get("avail") for cd in cds}
    assert avail == {
        "almaty-net.kz": "0", "free-name.kz": "1", "nic.kz": "0", "-bad.kz": "0", "x.com": "0",
        "xn--80aaa0cvac.kz": "1",
    }  # fmt: skip
    reasons = {cd.find(f"{D}name").text: cd.findtext(f"{D}reason") for cd in cds}
    assert reasons["almaty-net.kz"] == "In use"
    assert reasons["nic.kz"] == "Reserved by the registry"
    assert reasons["-bad.kz"] == "Invalid syntax"
    assert reasons["x.com"] == "Zone not served here"


def test_check_reason_in_russian_for_a_russian_session(connect, epp_registrar, domain):
    from tests.epp.conftest import PASSWORD

    client = connect("PS-KZ")
    assert client.login("PS-KZ", PASSWORD, lang="ru").code == 1000
    reply = send(client, r.domain_check("almaty-net.kz"))
    reason = reply.res_data.find(f"{D}cd/{D}reason")
    assert reason.get("lang") == "ru"
    assert reason.text == "Занято"


def test_info_for_the_sponsor_shows_everything_with_the_auth_code(epp, domain):
    reply = send(epp, r.domain_info("almaty-net.kz"))
    assert reply.code == 1000, reply.raw
    data = reply.res_data
    assert data.findtext(f"{D}name") == "almaty-net.kz"
    assert data.findtext(f"{D}roid") == f"D{domain.pk}-KZ"
    assert [s.get("s") for s in data.findall(f"{D}status")] == ["ok"]
    assert data.findtext(f"{D}registrant") == "PSKT-ORG"
    assert {c.get("type"): c.text for c in data.findall(f"{D}contact")} == {
        "admin": "PSIG1",
        "tech": "PSIG1",
        "billing": "PSIG1",
    }
    assert [h.text for h in data.findall(f"{D}ns/{D}hostObj")] == ["ns1.ps.kz", "ns2.ps.kz"]
    assert data.findtext(f"{D}clID") == "PS-KZ"
    assert data.findtext(f"{D}authInfo/{D}pw") == "2fooBAR-kz"
    extensions = {e.tag: e for e in reply.extensions}
    kz = extensions[f"{{{ns.KZ}}}infData"]
    assert kz.findtext(f"{{{ns.KZ}}}location/{{{ns.KZ}}}street") == "Abay avenue 10, office 5"
    assert kz.findtext(f"{{{ns.KZ}}}purpose") == "Company site"
    ds = extensions[f"{{{ns.SECDNS}}}infData"]
    assert ds.findtext(f"{{{ns.SECDNS}}}dsData/{{{ns.SECDNS}}}keyTag") == str(DS.key_tag)


@pytest.mark.parametrize(("hosts", "ns_count"), [("all", 2), ("del", 2), ("sub", 0), ("none", 0)])
def test_info_hosts_attribute(epp, domain, hosts, ns_count):
    data = send(epp, r.domain_info("almaty-net.kz", hosts=hosts)).res_data
    assert len(data.findall(f"{D}ns/{D}hostObj")) == ns_count


def test_info_shows_subordinate_hosts_for_all_and_sub(epp, domain):
    assert send(epp, r.host_create("ns1.almaty-net.kz", ["195.210.46.99"])).code == 1000
    for hosts, expected in (("all", ["ns1.almaty-net.kz"]), ("sub", ["ns1.almaty-net.kz"]), ("del", []), ("none", [])):
        data = send(epp, r.domain_info("almaty-net.kz", hosts=hosts)).res_data
        assert [h.text for h in data.findall(f"{D}host")] == expected


def test_info_for_another_registrar_hides_the_code_unless_it_proves_it(other_epp, domain):
    reply = send(other_epp, r.domain_info("almaty-net.kz"))
    assert reply.code == 1000
    assert reply.res_data.find(f"{D}authInfo") is None
    reply = send(other_epp, r.domain_info("almaty-net.kz", auth_code="wrong-code-1"))
    assert reply.code == 2202
    reply = send(other_epp, r.domain_info("almaty-net.kz", auth_code="2fooBAR-kz"))
    assert reply.code == 1000
    assert reply.res_data.findtext(f"{D}authInfo/{D}pw") == "2fooBAR-kz"


def test_info_of_an_unknown_domain_is_2303(epp, domain):
    reply = send(epp, r.domain_info("nosuch.kz"))
    assert reply.code == 2303
    assert reply.results[0].values[0].text == "nosuch.kz"
