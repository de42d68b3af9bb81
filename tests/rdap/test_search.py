"""RDAP searches (RFC 9082 §3.2, RFC 9083 §8): a trailing `*`, a result limit with a truncation notice,
400 for bad patterns, 501 for search types not served, no search on withheld names (R18)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import person
from tests.rdap.conftest import get

pytestmark = pytest.mark.django_db


def test_domain_search_by_prefix(client, make_domain):
    for name in ("example.kz", "exam.kz", "other.kz", "пример.қаз"):
        make_domain(name)
    body = get(client, "/rdap/domains?name=exa*", "domain-search")
    assert [d["ldhName"] for d in body["domainSearchResults"]] == ["exam.kz", "example.kz"]
    assert body["domainSearchResults"][0]["entities"]  # full objects, not just names
    body = get(client, "/rdap/domains?name=exa*.kz", "domain-search")
    assert len(body["domainSearchResults"]) == 2
    body = get(client, "/rdap/domains?name=exa*.қаз", "domain-search")
    assert body["domainSearchResults"] == []
    body = get(client, "/rdap/domains?name=example.kz", "domain-search")
    assert [d["ldhName"] for d in body["domainSearchResults"]] == ["example.kz"]


def test_domain_search_by_unicode_prefix(client, make_domain):
    """R3: a partial U-label has no A-label, so it is matched on the Unicode name."""
    make_domain("пример.қаз")
    body = get(client, "/rdap/domains?name=При*", "domain-search")
    assert [d["unicodeName"] for d in body["domainSearchResults"]] == ["пример.қаз"]


def test_search_results_are_limited_with_a_notice(client, make_domain):
    for i in range(4):
        make_domain(f"shop{i}.kz")
    with override_settings(KZREG_RDAP={"SEARCH_LIMIT": 3, "RATE_LIMIT": "0"}):
        body = get(client, "/rdap/domains?name=shop*", "domain-search")
    assert len(body["domainSearchResults"]) == 3
    notice = body["notices"][-1]
    assert notice["type"] == "result set truncated due to excessive load"
    body = get(client, "/rdap/domains?name=shop*", "domain-search")
    assert len(body["domainSearchResults"]) == 4
    assert "Search Results Truncated" not in [n["title"] for n in body["notices"]]


def test_redactions_in_search_results_name_each_result(client, make_domain):
    make_domain("shop1.kz")
    body = get(client, "/rdap/domains?name=shop*", "domain-search")
    assert body["redacted"][0]["postPath"].startswith("$.domainSearchResults[?(@.ldhName=='shop1.kz')].entities[")


@pytest.mark.parametrize(
    "query",
    ["name=*", "name=e*", "name=ex*am*", "name=ex*ample", "name=", "name=ex%25*", "name=ex..*", "", "foo=bar"],
)
def test_bad_patterns_are_400(client, db, query):
    body = get(client, f"/rdap/domains?{query}", "error", status=400)
    assert body["errorCode"] == 400 and len(body["description"]) == 3


@pytest.mark.parametrize(
    "url", ["/rdap/domains?nsLdhName=ns1*", "/rdap/domains?nsIp=1.2.3.4", "/rdap/nameservers?ip=1.2.3.4"]
)
def test_search_types_not_served_are_501(client, db, url):
    assert get(client, url, "error", status=501)["errorCode"] == 501


def test_nameserver_search(client, make_domain):
    make_domain("example.kz")
    body = get(client, "/rdap/nameservers?name=ns*.ps.kz", "nameserver-search")
    assert [n["ldhName"] for n in body["nameserverSearchResults"]] == ["ns1.ps.kz", "ns2.ps.kz"]
    body = get(client, "/rdap/nameservers?name=ns2.ps.kz", "nameserver-search")
    assert [n["ldhName"] for n in body["nameserverSearchResults"]] == ["ns2.ps.kz"]


def test_entity_search_by_name_skips_withheld_names(client, make_domain):
    """R18: searching an individual's withheld name must not confirm it; role and consented names match."""
    make_domain("example.kz")  # admin: an individual without consent, "Grozny, Ivan V., III"
    make_domain("other.kz", admin=person(2, name="Groznaya, Anna", disclose=True))
    body = get(client, "/rdap/entities?fn=groz*", "entity-search")
    assert [vc["vcardArray"][1][1][3] for vc in body["entitySearchResults"]] == ["Groznaya, Anna"]
    body = get(client, "/rdap/entities?fn=Ivanov*", "entity-search")  # the role contact's name
    assert len(body["entitySearchResults"]) == 1


def test_entity_search_by_handle(client, make_domain):
    domain = make_domain("example.kz")
    handle = domain.admin_contact.handle
    body = get(client, f"/rdap/entities?handle={handle[:2]}*", "entity-search")
    assert handle in [e["handle"] for e in body["entitySearchResults"]]
    assert body["redacted"]  # the individual is still redacted in results
    body = get(client, f"/rdap/entities?handle={handle}", "entity-search")
    assert [e["handle"] for e in body["entitySearchResults"]] == [handle]
