"""`<domain:create>` over the real server (RFC 5731 §3.2.1, SPEC E1, R3, R4, R11, R12): the kz extension
is required, periods in months count in whole years, hostObj must exist, DS data is kept, every problem
names its element."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, HistoryEntry
from tests.epp.objects import DS, LOCATION, NS, create_domain, make_contacts, zones  # noqa: F401


@pytest.fixture
def ids(epp):
    return make_contacts(epp)


def test_create_answers_credata_and_writes_history_as_the_epp_actor(epp, ids):
    reply = create_domain(epp, "almaty-net.kz", ids, ds=[DS], purpose="Company site", cltrid="ABC-1")
    assert reply.code == 1000, reply.raw
    data = reply.res_data
    assert data.findtext(f"{{{ns.DOMAIN}}}name") == "almaty-net.kz"
    assert data.findtext(f"{{{ns.DOMAIN}}}exDate")
    domain = Domain.objects.get(name="almaty-net.kz")
    assert (domain.location_address, domain.location_city, domain.location_region) == (
        "Abay avenue 10, office 5", "Almaty", "Almaty",
    )  # fmt: skip
    assert domain.purpose == "Company site"
    assert domain.ds_records == [f"{DS.key_tag} {DS.alg} {DS.digest_type} {DS.digest}"]
    assert domain.auth_code == "2fooBAR-kz"
    assert domain.registrant.handle == ids["registrant"] and domain.tech_contact.handle == ids["admin"]  # R9
    entry = HistoryEntry.objects.get(object_type="domain", object_key="almaty-net.kz")
    assert (entry.channel, entry.principal, entry.registrar_id) == ("epp", "PS-KZ", domain.registrar_id)
    assert entry.request_id.startswith("ABC-1/") and entry.request_id == f"ABC-1/{reply.server_trid}"


def test_create_without_the_kz_extension_is_2003_naming_kz_create(epp, ids):
    reply = create_domain(epp, "noloc.kz", ids, location=None)
    assert reply.code == 2003
    values = reply.results[0].values
    assert [v.tag for v in values] == [f"{{{ns.KZ}}}create"]
    assert not Domain.objects.filter(name="noloc.kz").exists()


@pytest.mark.invalid_requests
def test_create_with_a_location_missing_its_city_names_kz_city(epp, ids):
    reply = create_domain(epp, "nocity.kz", ids, location=r.Location(("Abay 1",), "", "Almaty"))
    assert reply.code == 2003
    assert [v.tag for v in reply.results[0].values] == [f"{{{ns.KZ}}}city"]
    assert not Domain.objects.filter(name="nocity.kz").exists()


def test_period_in_months_counts_whole_years_only(epp, ids):
    reply = create_domain(epp, "months.kz", ids, years=24, period_unit="m")
    assert reply.code == 1000, reply.raw
    domain = Domain.objects.get(name="months.kz")
    assert domain.expires_at.year - domain.created_at.year == 2
    reply = create_domain(epp, "odd-months.kz", ids, years=18, period_unit="m")
    assert reply.code == 2004
    assert reply.results[0].values[0].tag == f"{{{ns.DOMAIN}}}period"
    assert not Domain.objects.filter(name="odd-months.kz").exists()


def test_period_beyond_the_zone_maximum_is_a_range_error(epp, ids):
    reply = create_domain(epp, "eleven.kz", ids, years=11)
    assert reply.code == 2004
    assert not Domain.objects.filter(name="eleven.kz").exists()


def test_host_obj_that_is_no_host_object_is_2303_naming_it(epp, ids):
    reply = create_domain(epp, "ghost.kz", ids, host_objs=(NS[0], "ns9.nowhere.net"))
    assert reply.code == 2303
    value = reply.results[0].values[0]
    assert value.tag == f"{{{ns.DOMAIN}}}hostObj" and value.text == "ns9.nowhere.net"
    assert not Domain.objects.filter(name="ghost.kz").exists()


def test_host_attr_creates_the_new_server_with_its_address(epp, ids):
    servers = [(NS[0], []), ("ns.hosting.net", ["91.201.214.77"])]
    reply = create_domain(epp, "attr.kz", ids, host_objs=(), host_attrs=servers)
    assert reply.code == 1000, reply.raw
    domain = Domain.objects.get(name="attr.kz")
    hosts = [link.host for link in domain.nameserver_links.order_by("position")]
    assert [h.name for h in hosts] == ["ns1.ps.kz", "ns.hosting.net"]
    assert hosts[1].addresses == ["91.201.214.77"] and hosts[1].registrar_id == domain.registrar_id


@pytest.mark.invalid_requests  # the street is longer than kz-1.0.xsd allows: the server still names it
def test_every_problem_is_reported_at_once_each_naming_its_element(epp, ids):
    reply = create_domain(
        epp, "-bad-.kz", ids, registrant="NOSUCH1", location=r.Location(("x" * 300,), "Almaty", "Almaty")
    )
    assert reply.code >= 2000
    named = {(v.tag, (v.text or "").strip()) for result in reply.results for v in result.values}
    assert (f"{{{ns.DOMAIN}}}name", "-bad-.kz") in named
    assert (f"{{{ns.DOMAIN}}}registrant", "NOSUCH1") in named
    assert any(tag == f"{{{ns.KZ}}}street" for tag, _ in named)
    assert 2303 in reply.codes  # the unknown registrant
    assert Domain.objects.count() == 0


def test_idn_a_label_is_checked_by_the_zone_policy(epp, ids):
    reply = create_domain(epp, "xn--80aaa0cvac.kz", ids)  # a Cyrillic label under .kz
    assert reply.code == 1000, reply.raw
    assert Domain.objects.get(name="xn--80aaa0cvac.kz").unicode_name
    long_name = "xn--" + "80a" * 10 + ".kz"
    reply = create_domain(epp, long_name, ids)
    assert reply.code >= 2000
    assert not Domain.objects.filter(name=long_name).exists()


def test_key_data_is_converted_to_a_ds_record(epp, ids):
    key = r.KeyRecord(
        257, 3, 13, "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
    )
    reply = create_domain(epp, "keyed.kz", ids, ds=[key])
    assert reply.code == 1000, reply.raw
    (record,) = Domain.objects.get(name="keyed.kz").ds_records
    _tag, alg, digest_type, digest = record.split()
    assert (alg, digest_type, len(digest)) == ("13", "2", 64)


def test_already_registered_is_2302(epp, ids):
    assert create_domain(epp, "twice.kz", ids).code == 1000
    reply = create_domain(epp, "twice.kz", ids)
    assert reply.code == 2302
    assert Domain.objects.filter(name="twice.kz").count() == 1


def test_location_streets_keep_their_order(epp, ids):
    location = r.Location(("Line one", "Line two", "Line three"), "Astana", "Astana")
    assert create_domain(epp, "streets.kz", ids, location=location).code == 1000
    assert Domain.objects.get(name="streets.kz").location_address == "Line one, Line two, Line three"
    assert LOCATION.city == "Almaty"


def test_reasons_come_in_the_language_chosen_at_login(connect, epp_registrar, ids):
    from tests.epp.conftest import PASSWORD

    client = connect("PS-KZ")
    assert client.login("PS-KZ", PASSWORD, lang="kk").code == 1000
    reply = create_domain(client, "tildi.kz", ids, location=None)
    assert reply.code == 2003
    assert reply.results[0].lang == "kk"
    assert reply.reasons == ["kz:create: толтырылуы міндетті"]
