"""RFC 5733 contact commands (SPEC E2, R5, R6, R8, R18): ids chosen by the registrar in R5's syntax,
kind from the `-ORG` suffix, personal data only for the sponsor or with the contact's code."""

from __future__ import annotations

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Contact, HistoryEntry
from tests.epp.objects import create_domain, make_contacts, org_postal, person_postal, send, zones  # noqa: F401

C = f"{{{ns.CONTACT}}}"
VOICE = "+7.7172700001"


def test_create_maps_postal_info_and_kind(epp):
    reply = send(
        epp,
        r.contact_create(
            "KT-ORG", org_postal(), "noc@telecom.kz", voice="+7.7272500001", fax="+7.7272500002", disclose=True
        ),
    )
    assert reply.code == 1000, reply.raw
    assert reply.res_data.findtext(f"{C}id") == "KT-ORG"
    contact = Contact.objects.get(handle="KT-ORG")
    assert (contact.kind, contact.organisation, contact.region, contact.postal_code) == (
        "R",
        "Kazakhtelecom Joint Stock Company 1",
        "Almaty",
        "050000",
    )
    assert (contact.phones, contact.faxes, contact.emails, contact.disclose) == (
        ["+7.7272500001"],
        ["+7.7272500002"],
        ["noc@telecom.kz"],
        True,
    )
    assert contact.registrar.handle == "PS-KZ"
    assert send(epp, r.contact_create("IG7", person_postal(), "i@example.kz", voice=VOICE)).code == 1000
    person = Contact.objects.get(handle="IG7")
    assert person.kind == "I" and person.address == "Dostyk 5, apt 7"
    assert HistoryEntry.objects.filter(object_key="IG7", channel="epp").exists()


def test_create_with_an_id_outside_r5_is_refused_naming_the_id(epp):
    reply = send(epp, r.contact_create("WAY-TOO-LONG-1", person_postal(), "i@example.kz", voice=VOICE))
    assert reply.code >= 2000
    assert reply.results[0].values[0].tag == f"{C}id"
    assert not Contact.objects.exists()


def test_create_with_bad_data_reports_every_problem_naming_its_element(epp):
    postal = r.PostalInfo(name="Grozny, Ivan", street=("Dostyk 5",), city="Astana", cc="QQ")
    reply = send(epp, r.contact_create("IG8", postal, "not-an-email", voice="+7.7172700001"))
    assert reply.code >= 2000
    tags = {v.tag for result in reply.results for v in result.values}
    assert {f"{C}cc", f"{C}email"} <= tags
    assert not Contact.objects.exists()


def test_a_taken_id_is_2302(epp):
    assert send(epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice=VOICE)).code == 1000
    assert send(epp, r.contact_create("IG9", person_postal(), "other@example.kz", voice=VOICE)).code == 2302


def test_check(epp):
    assert send(epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice=VOICE)).code == 1000
    data = send(epp, r.contact_check("IG9", "FREE1", "bad id!")).res_data
    avail = {cd.findtext(f"{C}id"): cd.find(f"{C}id").get("avail") for cd in data.findall(f"{C}cd")}
    assert avail == {"IG9": "0", "FREE1": "1", "bad id!": "0"}


def test_info_for_the_sponsor_and_for_another_registrar(epp, other_epp):
    assert (
        send(
            epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice=VOICE, auth_code="c0ntact-Secret")
        ).code
        == 1000
    )
    data = send(epp, r.contact_info("IG9")).res_data
    assert data.findtext(f"{C}postalInfo/{C}name") == "Grozny, Ivan V., III"
    assert data.findtext(f"{C}authInfo/{C}pw") == "c0ntact-Secret"
    assert data.findtext(f"{C}clID") == "PS-KZ"
    assert send(other_epp, r.contact_info("IG9")).code == 2201
    assert send(other_epp, r.contact_info("IG9", auth_code="wrong-secret-1")).code == 2202
    reply = send(other_epp, r.contact_info("IG9", auth_code="c0ntact-Secret"))
    assert reply.code == 1000 and reply.res_data.find(f"{C}authInfo") is None


def test_linked_status(epp):
    ids = make_contacts(epp)
    assert create_domain(epp, "almaty-net.kz", ids).code == 1000
    data = send(epp, r.contact_info(ids["admin"])).res_data
    assert "linked" in [s.get("s") for s in data.findall(f"{C}status")]


def test_update_changes_what_is_given(epp):
    assert send(epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice="+7.7172700001")).code == 1000
    reply = send(epp, r.contact_update("IG9", email="new@example.kz", voice="+7.7172700009", disclose=True))
    assert reply.code == 1000, reply.raw
    contact = Contact.objects.get(handle="IG9")
    assert (contact.emails, contact.phones, contact.disclose, contact.city) == (
        ["new@example.kz"],
        ["+7.7172700009"],
        True,
        "Astana",
    )
    postal = r.PostalInfo(name="Grozny, Ivan V., III", street=("Abay 2",), city="Almaty", cc="KZ")
    assert send(epp, r.contact_update("IG9", postal=postal)).code == 1000
    assert Contact.objects.get(handle="IG9").address == "Abay 2"


def test_update_statuses_lock_the_contact(epp):
    assert send(epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice=VOICE)).code == 1000
    assert send(epp, r.contact_update("IG9", add_statuses=["clientDeleteProhibited"])).code == 1000
    assert send(epp, r.contact_delete("IG9")).code == 2304
    assert send(epp, r.contact_update("IG9", rem_statuses=["clientDeleteProhibited"])).code == 1000
    assert send(epp, r.contact_delete("IG9")).code == 1000
    assert not Contact.objects.filter(handle="IG9").exists()


def test_delete_of_a_linked_contact_is_2305(epp):
    ids = make_contacts(epp)
    assert create_domain(epp, "almaty-net.kz", ids).code == 1000
    assert send(epp, r.contact_delete(ids["admin"])).code == 2305
    assert Contact.objects.filter(handle=ids["admin"]).exists()


def test_contact_transfer_request_and_approve(epp, other_epp):
    assert (
        send(
            epp, r.contact_create("IG9", person_postal(), "i@example.kz", voice=VOICE, auth_code="c0ntact-Secret")
        ).code
        == 1000
    )
    assert send(other_epp, r.contact_transfer("request", "IG9", auth_code="wrong-secret-1")).code == 2202
    reply = send(other_epp, r.contact_transfer("request", "IG9", auth_code="c0ntact-Secret"))
    assert reply.code == 1001, reply.raw
    assert reply.res_data.findtext(f"{C}trStatus") == "pending"
    assert send(other_epp, r.contact_transfer("query", "IG9")).res_data.findtext(f"{C}reID") == "HOSTER-KZ"
    reply = send(epp, r.contact_transfer("approve", "IG9"))
    assert reply.code == 1000 and reply.res_data.findtext(f"{C}trStatus") == "clientApproved"
    assert Contact.objects.get(handle="IG9").registrar.handle == "HOSTER-KZ"


def test_loc_postal_info_is_kept_when_both_forms_are_given_and_returned_as_loc(epp):
    command = r.contact_create("AB1", person_postal(), "a@example.kz", voice=VOICE, disclose=False)
    local = r.PostalInfo(name="Ахметов, Болат", street=("Абай даңғылы 10",), city="Алматы", cc="KZ", type="loc")
    command.object.insert(2, r.contact_create("X1", local, "x@example.kz").object.find(f"{C}postalInfo"))
    assert send(epp, command).code == 1000
    contact = Contact.objects.get(handle="AB1")
    assert (contact.name, contact.city, contact.disclose) == ("Ахметов, Болат", "Алматы", False)
    data = send(epp, r.contact_info("AB1")).res_data
    assert data.find(f"{C}postalInfo").get("type") == "loc"
    assert data.find(f"{C}disclose").get("flag") == "0"
