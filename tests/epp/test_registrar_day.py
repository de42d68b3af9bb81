"""A registrar's whole day over real TLS sockets (issue 10, SPEC E1–E3): login, check, contacts, a domain
with DS data and the kz extension, info, name servers changed, renew, transfer to a second registrar with
the authorization code and its approval, poll and ack on both sides, delete, restore within the
redemption period, logout. Every frame either side sends is schema-validated (tests/epp/conftest.py)."""

from __future__ import annotations

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, HistoryEntry, PollMessage
from tests.epp.objects import DS, LOCATION, make_contacts, send, zones  # noqa: F401

D, RGP, KZ, SECDNS, EPP = (f"{{{n}}}" for n in (ns.DOMAIN, ns.RGP, ns.KZ, ns.SECDNS, ns.EPP))
NAME = "shanyrak.kz"
REPORT = {
    "preData": "shanyrak.kz registered to PSKT-ORG", "postData": "shanyrak.kz registered to PSKT-ORG",
    "delTime": "2026-12-03T10:00:00.0Z", "resTime": "2026-12-03T11:00:00.0Z",
    "resReason": "Deleted by mistake by the registrar.",
    "statements": ["The information in this report is true.", "The restore is not for an illegal purpose."],
}  # fmt: skip


def test_a_registrars_day(epp, other_epp):
    # Morning: is the name free?
    reply = send(epp, r.domain_check(NAME, "nic.kz"), "DAY-1")
    avail = [cd.find(f"{D}name").get("avail") for cd in reply.res_data.findall(f"{D}cd")]
    assert avail == ["1", "0"]

    # The customer's contacts and a new host.
    ids = make_contacts(epp)
    assert send(epp, r.host_create("ns.hosting.net", ["91.201.214.77"])).code == 1000

    # The registration, with DNSSEC and the server location.
    create = r.domain_create(
        NAME, registrant=ids["registrant"], contacts={"admin": ids["admin"], "tech": ids["admin"]},
        location=LOCATION, host_objs=("ns1.ps.kz", "ns2.ps.kz"), years=1, auth_code="Day-Code-2026", ds=[DS],
        purpose="Family business site",
    )  # fmt: skip
    reply = send(epp, create, "DAY-2")
    assert reply.code == 1000, reply.raw
    created = Domain.objects.get(name=NAME)

    # Info shows all of it.
    reply = send(epp, r.domain_info(NAME))
    exts = {e.tag: e for e in reply.extensions}
    assert exts[f"{KZ}infData"].findtext(f"{KZ}location/{KZ}city") == "Almaty"
    assert exts[f"{SECDNS}infData"].findtext(f"{SECDNS}dsData/{SECDNS}keyTag") == str(DS.key_tag)

    # Name servers change.
    reply = send(epp, r.domain_update(NAME, add_ns=["ns.hosting.net"], rem_ns=["ns2.ps.kz"]))
    assert reply.code == 1000, reply.raw
    info = send(epp, r.domain_info(NAME)).res_data
    assert [h.text for h in info.findall(f"{D}ns/{D}hostObj")] == ["ns1.ps.kz", "ns.hosting.net"]

    # Renewal for two more years.
    reply = send(epp, r.domain_renew(NAME, created.expires_at.date().isoformat(), years=2))
    assert reply.code == 1000, reply.raw
    expiry = Domain.objects.get(name=NAME).expires_at
    assert expiry.year == created.expires_at.year + 2

    # The customer moves to HOSTER-KZ: it asks with the code, PS-KZ is told and approves.
    reply = send(other_epp, r.domain_transfer("request", NAME, auth_code="Day-Code-2026", years=1))
    assert reply.code == 1001, reply.raw
    poll = send(epp, r.poll_request())
    assert poll.code == 1301 and poll.res_data.findtext(f"{D}trStatus") == "pending"
    assert send(epp, r.poll_ack(poll.message_queue.get("id"))).code == 1000
    reply = send(epp, r.domain_transfer("approve", NAME))
    assert reply.code == 1000 and reply.res_data.findtext(f"{D}trStatus") == "clientApproved"
    moved = Domain.objects.get(name=NAME)
    assert moved.registrar.handle == "HOSTER-KZ" and moved.expires_at.year == expiry.year + 1

    # The new sponsor reads its queue: the approval.
    poll = send(other_epp, r.poll_request())
    assert poll.code == 1301 and poll.res_data.findtext(f"{D}trStatus") == "clientApproved"
    while poll.code == 1301:
        assert send(other_epp, r.poll_ack(poll.message_queue.get("id"))).code == 1000
        poll = send(other_epp, r.poll_request())
    assert poll.code == 1300

    # PS-KZ no longer may change it.
    assert send(epp, r.domain_delete(NAME)).code == 2201

    # HOSTER-KZ deletes it, and restores it within the redemption period.
    reply = send(other_epp, r.domain_delete(NAME))
    assert reply.code == 1000 and reply.extensions[0].find(f"{RGP}rgpStatus").get("s") == "redemptionPeriod"
    assert send(other_epp, r.domain_check(NAME)).res_data.find(f"{D}cd/{D}name").get("avail") == "0"
    assert send(other_epp, r.domain_update(NAME, restore="request")).code == 1000
    assert send(other_epp, r.domain_update(NAME, restore="report", report=REPORT)).code == 1000
    restored = Domain.objects.get(name=NAME)
    assert not restored.pending_delete and restored.registrar.handle == "HOSTER-KZ"
    poll = send(other_epp, r.poll_request())
    assert poll.code == 1301 and NAME in poll.message_queue.findtext(f"{EPP}msg")
    assert send(other_epp, r.poll_ack(poll.message_queue.get("id"))).message_queue.get("count") == "0"

    # Evening: both log out.
    assert epp.logout().code == 1500
    assert other_epp.logout().code == 1500

    # History shows who did what over EPP, with the transaction ids.
    entries = HistoryEntry.objects.filter(object_key=NAME).order_by("version")
    assert {e.channel for e in entries} == {"epp"}
    assert entries.first().request_id.startswith("DAY-2/")
    assert {e.principal for e in entries} >= {"PS-KZ", "HOSTER-KZ"}
    assert not PollMessage.objects.filter(registrar__handle="HOSTER-KZ", acked_at__isnull=True).exists()
