"""RDAP lookups (RFC 9083 §5) of domains, name servers and entities: P1's data over RDAP, R13 statuses,
R18 redaction (RFC 9537), R11 name servers, IDN names (R3). Every body is checked against the schemas."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import jsonpath
import pytest
from django.conf import settings
from django.test import override_settings

from kzreg.core import clock
from kzreg.registry import commands as c
from kzreg.registry.operations import delete_domain, set_domain_status
from tests.conftest import person
from tests.rdap.conftest import entity_with_role, get, vcard_props

GOLDEN = Path(__file__).parents[1] / "golden" / "rdap"
DS = "12345 8 2 " + "4F" * 32

pytestmark = pytest.mark.django_db


def test_domain_found_has_rfc9083_members(client, make_domain, frozen_clock):
    """P1, R11, R12: the domain with status, events, name servers with addresses, DS data and roles."""
    make_domain("example.kz", ds_records=(DS,))
    body = get(client, "/rdap/domain/example.kz", "domain")
    assert body["rdapConformance"] == ["rdap_level_0", "redacted"]
    assert body["ldhName"] == "example.kz" and "unicodeName" not in body
    assert body["status"] == ["active"]
    actions = {e["eventAction"]: e["eventDate"] for e in body["events"]}
    assert actions["registration"] == "2026-03-01T09:00:00Z"
    assert actions["expiration"] == "2027-03-01T09:00:00Z"
    assert actions["last changed"] == "2026-03-01T09:00:00Z"
    assert [ns["ldhName"] for ns in body["nameservers"]] == ["ns1.ps.kz", "ns2.ps.kz"]
    assert body["nameservers"][0]["ipAddresses"] == {"v4": ["195.210.46.10"]}
    assert body["secureDNS"] == {
        "delegationSigned": True,
        "dsData": [{"keyTag": 12345, "algorithm": 8, "digestType": 2, "digest": "4F" * 32}],
    }
    roles = [e["roles"] for e in body["entities"]]
    assert roles == [["registrant"], ["administrative", "technical", "billing"], ["registrar"]]
    registrar = entity_with_role(body, "registrar")
    assert registrar["handle"] == "PS-KZ"
    assert vcard_props(registrar, "fn")[0][3] == "Internet-company PS LLP"
    assert body["port43"] == "testserver"
    assert body["links"][0]["href"] == "http://testserver/rdap/domain/example.kz"
    assert [n["title"] for n in body["notices"]] == ["Terms of Use", "Status Codes", "Redacted Data"]


def test_domain_matches_golden_file(client, make_domain, frozen_clock):
    """The whole response, byte for byte apart from database ids (KZREG_UPDATE_GOLDEN=1 rewrites it)."""
    make_domain("example.kz", ds_records=(DS,))
    body = get(client, "/rdap/domain/example.kz", "domain")
    text = re.sub(r'"([DH])\d+-KZ"', r'"\1#-KZ"', json.dumps(body, ensure_ascii=False, indent=2)) + "\n"
    golden = GOLDEN / "domain-example.kz.json"
    if os.environ.get("KZREG_UPDATE_GOLDEN") == "1":
        golden.write_text(text)
    assert text == golden.read_text()


def test_unknown_and_deleted_domains_are_404(client, make_domain, staff):
    """Deleted domains are not shown (R13 deleted): 404 with an RFC 9083 error body."""
    make_domain("gone.kz")
    delete_domain(c.DeleteDomain("gone.kz"), staff)
    for name in ("gone.kz", "never.kz", "example.com"):
        body = get(client, f"/rdap/domain/{name}", "error", status=404)
        assert body["errorCode"] == 404 and body["title"] == "Not Found"
        assert len(body["description"]) == 3  # kk, ru, en


def test_invalid_name_is_400_naming_the_problem(client, db):
    body = get(client, "/rdap/domain/-bad-.kz", "error", status=400)
    assert "-bad-.kz" in body["description"][2]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("hold",), ["server hold"]),
        (("suspended",), ["inactive"]),
        (("hold", "suspended"), ["server hold", "inactive"]),
    ],
)
def test_held_and_suspended_statuses(client, make_domain, staff, flags, expected):
    """R13: on hold is visible with its status (KZ-Delete); flags combine."""
    make_domain("held.kz")
    for flag in flags:
        set_domain_status(c.SetDomainStatus("held.kz", flag, "test"), staff)
    assert get(client, "/rdap/domain/held.kz", "domain")["status"] == expected


def test_expired_domain_is_inactive(client, make_domain, frozen_clock):
    make_domain("old.kz")
    clock.advance(dt.timedelta(days=366))
    assert get(client, "/rdap/domain/old.kz", "domain")["status"] == ["inactive"]


def test_individual_without_consent_is_redacted_as_rfc9537(client, make_domain):
    """R18, C4: an individual's personal data is withheld and every withheld field is marked."""
    make_domain("example.kz")
    body = get(client, "/rdap/domain/example.kz", "domain")
    admin = entity_with_role(body, "administrative")
    handle = admin["handle"]
    assert vcard_props(admin, "fn")[0][3] == ""
    assert vcard_props(admin, "email") == [] and vcard_props(admin, "tel") == []
    adr = vcard_props(admin, "adr")[0][3]
    assert adr[2] == adr[3] == adr[5] == "" and adr[6] == "KZ"
    assert "ivan1@example.kz" not in json.dumps(body) and "Grozny" not in json.dumps(body)
    by_name = {r["name"].get("type") or r["name"]["description"]: r for r in body["redacted"]}
    assert by_name["Tech Name"]["method"] == "emptyValue"
    assert by_name["Tech Name"]["postPath"] == f"$.entities[?(@.handle=='{handle}')].vcardArray[1][?(@[0]=='fn')][3]"
    assert by_name["Tech Email"]["method"] == "removal"
    assert by_name["Tech Email"]["prePath"] == f"$.entities[?(@.handle=='{handle}')].vcardArray[1][?(@[0]=='email')]"
    assert {"Admin Name", "Admin Street", "Billing Phone", "Tech Phone"} <= set(by_name)
    # The role contact (an organisation's data) is public (R18).
    registrant = entity_with_role(body, "registrant")
    assert vcard_props(registrant, "email")[0][3] == "noc1@telecom.kz"
    assert not any("Registrant" in name for name in by_name)


def test_consented_individual_is_shown(client, make_domain):
    """R18: with consent to publication the individual's data is shown and nothing is marked."""
    make_domain("example.kz", admin=person(2, disclose=True))
    body = get(client, "/rdap/domain/example.kz", "domain")
    admin = entity_with_role(body, "administrative")
    assert vcard_props(admin, "fn")[0][3] == "Grozny, Ivan V., III"
    assert vcard_props(admin, "email")[0][3] == "ivan2@example.kz"
    assert [p[1]["type"] for p in vcard_props(admin, "tel")] == ["voice"]
    assert "redacted" not in body
    assert "Redacted Data" not in [n["title"] for n in body["notices"]]


def test_redaction_can_be_turned_off_by_the_operator(client, make_domain):
    make_domain("example.kz")
    with override_settings(KZREG={**settings.KZREG, "REDACT_INDIVIDUALS": False}):
        body = get(client, "/rdap/domain/example.kz", "domain")
    assert vcard_props(entity_with_role(body, "technical"), "fn")[0][3] == "Grozny, Ivan V., III"
    assert "redacted" not in body


@pytest.mark.parametrize("path", ["пример.қаз", "xn--e1afmkfd.xn--80ao21a", "ПРИМЕР.ҚАЗ", "xn--e1afmkfd.xn--80ao21a."])
def test_idn_by_u_label_or_a_label(client, make_domain, path):
    """R3: an IDN is found by its U-label or A-label; ldhName is the A-label, unicodeName the U-label."""
    make_domain("пример.қаз")
    body = get(client, f"/rdap/domain/{path}", "domain")
    assert body["ldhName"] == "xn--e1afmkfd.xn--80ao21a"
    assert body["unicodeName"] == "пример.қаз"


def test_reseller_and_registrar_are_entities(client, make_domain):
    """S4: the sponsoring registrar is always visible, beside the reseller that serves the domain: an
    entity with role `reseller` carrying the name its registrar gave (ICANN RDAP profile), no handle."""
    make_domain("shop.kz", reseller="Alpha Hosting")
    body = get(client, "/rdap/domain/shop.kz", "domain")
    assert entity_with_role(body, "registrar")["handle"] == "PS-KZ"
    reseller = entity_with_role(body, "reseller")
    assert vcard_props(reseller, "fn")[0][3] == "Alpha Hosting" and "handle" not in reseller
    make_domain("plain.kz")
    plain = get(client, "/rdap/domain/plain.kz", "domain")
    assert all("reseller" not in e.get("roles", ()) for e in plain["entities"])


def test_nameserver_lookup(client, make_domain):
    """R11: a host with its addresses; `associated` while a domain uses it."""
    make_domain("example.kz")
    body = get(client, "/rdap/nameserver/NS1.PS.KZ", "nameserver")
    assert body["ldhName"] == "ns1.ps.kz"
    assert body["ipAddresses"] == {"v4": ["195.210.46.10"]}
    assert body["status"] == ["associated"]
    get(client, "/rdap/nameserver/ns9.ps.kz", "error", status=404)


def test_entity_lookup_contact_registrar_reseller(client, make_domain, reseller):
    """R5: a NIC handle is an entity; individuals stay redacted on their own page too (R18)."""
    domain = make_domain("example.kz")
    role = get(client, f"/rdap/entity/{domain.registrant.handle}", "entity")
    assert vcard_props(role, "org")[0][3] == "Kazakhtelecom Joint Stock Company 1"
    assert role["status"] == ["associated"] and "redacted" not in role
    individual = get(client, f"/rdap/entity/{domain.admin_contact.handle.lower()}", "entity")
    assert vcard_props(individual, "fn")[0][3] == ""
    assert {r["name"]["description"] for r in individual["redacted"]} >= {"Contact Name", "Contact Email"}
    assert individual["redacted"][0]["postPath"].startswith("$.vcardArray[1]")
    assert get(client, "/rdap/entity/PS-KZ", "entity")["handle"] == "PS-KZ"
    # Resellers are the registrar's records, not the registry's: no entity of their own here.
    get(client, "/rdap/entity/ALPHA", "error", status=404)
    get(client, "/rdap/entity/NOSUCH", "error", status=404)


def test_help(client, db):
    body = get(client, "/rdap/help", "help")
    assert body["notices"][0]["title"] == "Help"


def test_redaction_paths_point_at_what_was_withheld(client, make_domain):
    """RFC 9537: each postPath (RFC 9535 JSONPath) finds an emptied value; each prePath finds the
    removed properties in the unredacted response and nothing in the redacted one."""
    make_domain(
        "example.kz",
        admin=person(2, postal_code="010000"),
        tech=person(3, postal_code="010000"),
        billing=person(4, postal_code="010000", faxes="+7 727 1234567"),
    )
    redacted = get(client, "/rdap/domain/example.kz", "domain")
    with override_settings(KZREG={**settings.KZREG, "REDACT_INDIVIDUALS": False}):
        full = get(client, "/rdap/domain/example.kz", "domain")
    assert len(redacted["redacted"]) == 3 * 7  # three individuals, seven personal fields each
    for mark in redacted["redacted"]:
        if mark["method"] == "emptyValue":
            assert jsonpath.findall(mark["postPath"], redacted) == [""], mark
            assert jsonpath.findall(mark["postPath"], full) not in ([], [""]), mark
        else:
            assert jsonpath.findall(mark["prePath"], redacted) == [], mark
    fax_paths = [m["prePath"] for m in redacted["redacted"] if m["name"].get("description") == "Billing Fax"]
    assert [p[3] for path in fax_paths for p in jsonpath.findall(path, full)] == ["+7 727 1234567"]
