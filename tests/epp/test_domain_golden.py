"""Golden request/response pairs for the main commands (Nomulus style): each request the builders write
and each response the server renders, byte for byte after normalising what changes between runs (trIDs,
database ids in roids and message ids). Dates are fixed by the frozen clock. `KZREG_UPDATE_GOLDEN=1`
rewrites the files in tests/epp/golden/ (review the diff)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import etree

from kzreg.epp import requests as r
from tests.epp.direct import DirectClient
from tests.epp.objects import DS, LOCATION, NS, org_postal, person_postal

GOLDEN = Path(__file__).parent / "golden"
NORMALISE = (
    (re.compile(r"<svTRID>[^<]*</svTRID>"), "<svTRID>SV-TRID</svTRID>"),
    (re.compile(r"<roid>([DCH])\d+-KZ</roid>"), r"<roid>\1ID-KZ</roid>"),
    (re.compile(r'(<msgQ count="\d+" id=")\d+(")'), r"\1MSG-ID\2"),
    (re.compile(r'(<poll [^>]*msgID=")\d+(")'), r"\1MSG-ID\2"),
)


def pretty(payload: bytes) -> str:
    text = etree.tostring(etree.fromstring(payload), pretty_print=True, encoding="unicode")
    for pattern, replacement in NORMALISE:
        text = pattern.sub(replacement, text)
    return text


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("KZREG_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with KZREG_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture
def client(registrar, frozen_clock):
    return DirectClient(registrar)


def exchange(client: DirectClient, name: str, command: r.EppCommand, code: int) -> None:
    request = command.frame(f"{name.upper()}-1")
    golden(f"{name}.request.xml", pretty(request))
    reply = client.request(request)
    assert reply.code == code, reply.raw
    golden(f"{name}.response.xml", pretty(reply.raw))


def test_golden_exchanges(client, other_registrar):
    exchange(
        client,
        "contact-create",
        r.contact_create("PSKT-ORG", org_postal(), "noc@telecom.kz", voice="+7.7272500001", auth_code="c0ntact-Secret"),
        1000,
    )
    assert (
        client.send(r.contact_create("PSIG1", person_postal(), "ivan@example.kz", voice="+7.7172700001")).code == 1000
    )
    exchange(client, "contact-info", r.contact_info("PSKT-ORG"), 1000)
    exchange(client, "host-create", r.host_create("ns.hosting.net", ["91.201.214.77"]), 1000)
    exchange(client, "host-info", r.host_info("ns.hosting.net"), 1000)
    exchange(client, "host-check", r.host_check("ns.hosting.net", "ns.free.net"), 1000)
    exchange(client, "host-update", r.host_update("ns.hosting.net", add_addresses=["91.201.214.78"]), 1000)
    exchange(client, "contact-check", r.contact_check("PSKT-ORG", "FREE1"), 1000)
    exchange(client, "contact-update", r.contact_update("PSIG1", email="ivan@post.kz", disclose=True), 1000)
    exchange(client, "domain-check", r.domain_check("shanyrak.kz", "nic.kz"), 1000)
    create = r.domain_create(
        "shanyrak.kz", registrant="PSKT-ORG", contacts={"admin": "PSIG1"}, location=LOCATION, host_objs=NS,
        years=2, auth_code="2fooBAR-kz", ds=[DS], purpose="Family business site",
    )  # fmt: skip
    exchange(client, "domain-create", create, 1000)
    exchange(
        client,
        "domain-create-missing-kz",
        r.domain_create("nokz.kz", registrant="PSKT-ORG", contacts={"admin": "PSIG1"}, location=None, host_objs=NS),
        2003,
    )
    exchange(client, "domain-info", r.domain_info("shanyrak.kz"), 1000)
    exchange(
        client, "domain-update", r.domain_update("shanyrak.kz", add_ns=["ns.hosting.net"], rem_ns=["ns2.ps.kz"]), 1000
    )
    exchange(client, "domain-renew", r.domain_renew("shanyrak.kz", "2028-03-01", years=1), 1000)
    exchange(client, "domain-renew-wrong-date", r.domain_renew("shanyrak.kz", "2027-03-01", years=1), 2306)
    other = DirectClient(other_registrar)
    request = r.domain_transfer("request", "shanyrak.kz", auth_code="2fooBAR-kz")
    exchange(other, "domain-transfer-request", request, 1001)
    exchange(client, "poll-request", r.poll_request(), 1301)
    message = client.send(r.poll_request()).message_queue.get("id")
    exchange(client, "poll-ack", r.poll_ack(message), 1000)
    exchange(other, "domain-transfer-query", r.domain_transfer("query", "shanyrak.kz"), 1000)
    exchange(client, "domain-transfer-reject", r.domain_transfer("reject", "shanyrak.kz"), 1000)
    exchange(client, "domain-delete", r.domain_delete("shanyrak.kz"), 1000)
    exchange(client, "domain-restore-request", r.domain_update("shanyrak.kz", restore="request"), 1000)
