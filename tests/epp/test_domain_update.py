"""`<domain:update>` (RFC 5731 §3.2.5) with secDNS-1.1 and kz-1.0: add/rem applied to what the domain
has, the registry replacing the whole (T7); a registrant change is a transfer (R14, 2306)."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, HistoryEntry
from tests.epp.objects import DS, create_domain, make_contacts, person_postal, send, zones  # noqa: F401

NAME = "almaty-net.kz"
DS2 = r.DsRecord(54321, 8, 2, "A" * 64)


@pytest.fixture
def ids(epp):
    ids = make_contacts(epp)
    assert create_domain(epp, NAME, ids, ds=[DS]).code == 1000
    assert send(epp, r.host_create("ns.hosting.net", ["91.201.214.77"])).code == 1000
    return ids


def domain() -> Domain:
    return Domain.objects.get(name=NAME)


def servers() -> list[str]:
    return [link.host.name for link in domain().nameserver_links.order_by("position")]


def test_add_and_rem_name_servers(epp, ids):
    reply = send(epp, r.domain_update(NAME, add_ns=["ns.hosting.net"], rem_ns=["ns2.ps.kz"]))
    assert reply.code == 1000, reply.raw
    assert servers() == ["ns1.ps.kz", "ns.hosting.net"]
    entry = HistoryEntry.objects.filter(object_key=NAME).order_by("-version").first()
    assert entry.channel == "epp" and entry.operation == "domain_modify"


def test_removing_a_server_the_domain_does_not_have_is_2306_and_changes_nothing(epp, ids):
    reply = send(epp, r.domain_update(NAME, rem_ns=["ns.hosting.net"]))
    assert reply.code == 2306
    assert reply.results[0].values[0].text == "ns.hosting.net"
    assert servers() == ["ns1.ps.kz", "ns2.ps.kz"]


def test_adding_an_unknown_host_object_is_2303(epp, ids):
    reply = send(epp, r.domain_update(NAME, add_ns=["ns.nowhere.net"]))
    assert reply.code == 2303
    assert servers() == ["ns1.ps.kz", "ns2.ps.kz"]


def test_contact_role_replaced_by_rem_and_add(epp, ids):
    assert (
        send(epp, r.contact_create("PSTECH1", person_postal(), "tech@example.kz", voice="+7.7172700002")).code == 1000
    )
    reply = send(epp, r.domain_update(NAME, add_contacts={"tech": "PSTECH1"}, rem_contacts={"tech": ids["admin"]}))
    assert reply.code == 1000, reply.raw
    assert domain().tech_contact.handle == "PSTECH1"
    reply = send(epp, r.domain_update(NAME, rem_contacts={"billing": ids["admin"]}))
    assert reply.code == 2306  # a role is never left empty
    assert domain().billing_contact.handle == ids["admin"]


def test_registrant_change_is_refused_as_a_transfer(epp, ids):
    assert (
        send(
            epp,
            r.contact_create(
                "NEWCO-ORG",
                r.PostalInfo("Petrov, Petr", ("Abay 1",), "Almaty", "KZ", org="New Company LLP"),
                "info@newco.kz",
                voice="+7.7272500009",
            ),
        ).code
        == 1000
    )
    reply = send(epp, r.domain_update(NAME, registrant="NEWCO-ORG"))
    assert reply.code == 2306
    assert "transfer" in reply.reasons[0]
    assert domain().registrant.handle == ids["registrant"]


def test_client_statuses_added_and_removed(epp, ids):
    reply = send(epp, r.domain_update(NAME, add_statuses=["clientHold", "clientDeleteProhibited"]))
    assert reply.code == 1000, reply.raw
    info = send(epp, r.domain_info(NAME)).res_data
    words = {s.get("s") for s in info.findall(f"{{{ns.DOMAIN}}}status")}
    assert {"clientHold", "clientDeleteProhibited"} <= words
    assert send(epp, r.domain_delete(NAME)).code == 2304  # the sponsor's own lock holds
    assert send(epp, r.domain_update(NAME, rem_statuses=["clientHold", "clientDeleteProhibited"])).code == 1000
    assert not domain().client_hold and domain().client_statuses == []


def test_a_server_status_cannot_be_set_by_a_registrar(epp, ids):
    reply = send(epp, r.domain_update(NAME, add_statuses=["serverHold"]))
    assert reply.code >= 2000
    assert reply.results[0].values[0].get("s") == "serverHold"
    assert not domain().hold


def test_auth_code_changed(epp, ids):
    assert send(epp, r.domain_update(NAME, auth_code="n3w-Secret-9")).code == 1000
    assert domain().auth_code == "n3w-Secret-9"


def test_secdns_add_rem_and_rem_all(epp, ids):
    assert send(epp, r.domain_update(NAME, ds_add=[DS2])).code == 1000
    assert len(domain().ds_records) == 2
    assert send(epp, r.domain_update(NAME, ds_rem=[DS])).code == 1000
    assert domain().ds_records == [f"54321 8 2 {'A' * 64}"]
    assert send(epp, r.domain_update(NAME, ds_rem_all=True)).code == 1000
    assert domain().ds_records == []


def test_secdns_max_sig_life_is_an_unimplemented_option(epp, ids):
    reply = send(epp, r.domain_update(NAME, ds_add=[DS2], max_sig_life=604800))
    assert reply.code == 2102
    assert reply.results[0].values[0].tag == f"{{{ns.SECDNS}}}maxSigLife"
    assert len(domain().ds_records) == 1


def test_kz_update_replaces_the_location_and_purpose(epp, ids):
    location = r.Location(("Kabanbay batyr 1",), "Astana", "Astana")
    assert send(epp, r.domain_update(NAME, location=location, purpose="Online shop")).code == 1000
    d = domain()
    assert (d.location_address, d.location_city, d.location_region, d.purpose) == (
        "Kabanbay batyr 1", "Astana", "Astana", "Online shop",
    )  # fmt: skip
    assert send(epp, r.domain_update(NAME, purpose="")).code == 1000
    assert domain().purpose == ""


def test_an_update_with_nothing_is_refused(epp, ids):
    reply = send(epp, r.domain_update(NAME))
    assert reply.code == 2306


def test_secdns_removing_a_record_the_domain_lacks_is_2306(epp, ids):
    reply = send(epp, r.domain_update(NAME, ds_rem=[DS2]))
    assert reply.code == 2306
    assert reply.results[0].values[0].tag == f"{{{ns.SECDNS}}}dsData"
    assert len(domain().ds_records) == 1


def test_secdns_urgent_is_an_unimplemented_option(epp, ids):
    command = r.domain_update(NAME, ds_add=[DS2])
    command.extensions[0].set("urgent", "true")
    assert send(epp, command).code == 2102
    assert len(domain().ds_records) == 1
