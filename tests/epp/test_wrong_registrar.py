"""The wrong registrar on every command (SPEC E2): HOSTER-KZ tries each command on what PS-KZ sponsors and
is refused (2201 authorization, 2202 a code it does not have, 2303 a message that is not its own, 2305 a
host inside another registrar's domain), and nothing in the database changes: no object, no history
row, no poll message, no transfer."""

from __future__ import annotations

import pytest

from kzreg.epp import requests as r
from kzreg.registry.models import Contact, Domain, DomainTransfer, HistoryEntry, Host, PollMessage
from tests.epp.objects import DS, LOCATION, create_domain, make_contacts, person_postal, send, zones  # noqa: F401

NAME = "almaty-net.kz"


def state() -> dict[str, object]:
    """Everything a refused command must leave as it was."""
    return {
        "domains": list(Domain.objects.order_by("pk").values()),
        "contacts": list(Contact.objects.order_by("pk").values()),
        "hosts": list(Host.objects.order_by("pk").values()),
        "history": HistoryEntry.objects.count(),
        "poll": list(PollMessage.objects.order_by("pk").values("pk", "acked_at")),
        "transfers": DomainTransfer.objects.count(),
    }


@pytest.fixture
def owned(epp, other_epp):
    ids = make_contacts(epp)
    assert create_domain(epp, NAME, ids, ds=[DS], auth_code="2fooBAR-kz").code == 1000
    assert send(epp, r.host_create("ns.ps-hosting.net", ["91.201.214.77"])).code == 1000
    assert send(epp, r.contact_update(ids["admin"], add_statuses=["clientTransferProhibited"])).code == 1000
    # A message in PS-KZ's queue (HOSTER-KZ's request, cancelled at once by it).
    assert send(other_epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz")).code == 1001
    assert send(other_epp, r.domain_transfer("cancel", NAME)).code == 1000
    return ids


def wrong_commands(ids: dict[str, str], message_id: str) -> list[tuple[str, r.EppCommand, set[int]]]:
    expiry = Domain.objects.get(name=NAME).expires_at.date().isoformat()
    admin, registrant = ids["admin"], ids["registrant"]
    stolen = r.domain_create(
        "stolen.kz", registrant=registrant, contacts={"admin": admin}, location=LOCATION,
        host_objs=("ns1.ps.kz", "ns2.ps.kz"),
    )  # fmt: skip
    return [
        ("domain update ns", r.domain_update(NAME, rem_ns=["ns2.ps.kz"]), {2201}),
        ("domain update auth code", r.domain_update(NAME, auth_code="stolen-code-1"), {2201}),
        ("domain update status", r.domain_update(NAME, add_statuses=["clientHold"]), {2201}),
        ("domain update secDNS", r.domain_update(NAME, ds_rem_all=True), {2201}),
        ("domain update kz", r.domain_update(NAME, location=LOCATION, purpose="mine now"), {2201}),
        ("domain delete", r.domain_delete(NAME), {2201}),
        ("domain renew", r.domain_renew(NAME, expiry), {2201}),
        ("domain restore", r.domain_update(NAME, restore="request"), {2201}),
        ("domain info with a wrong code", r.domain_info(NAME, auth_code="guess-code-1"), {2202}),
        ("domain transfer without the code", r.domain_transfer("request", NAME, auth_code="guess-code-1"), {2202}),
        ("domain transfer approve", r.domain_transfer("approve", NAME), {2201, 2301}),
        ("domain transfer reject", r.domain_transfer("reject", NAME), {2201, 2301}),
        ("domain create with another's contacts", stolen, {2202}),
        ("contact info", r.contact_info(admin), {2201}),
        ("contact update", r.contact_update(admin, email="thief@example.kz"), {2201}),
        ("contact update status", r.contact_update(admin, rem_statuses=["clientTransferProhibited"]), {2201}),
        ("contact delete", r.contact_delete(admin), {2201}),
        ("contact transfer approve", r.contact_transfer("approve", admin), {2201, 2301}),
        (
            "contact transfer without the code",
            r.contact_transfer("request", registrant, auth_code="guess-code-1"),
            {2202},
        ),
        ("host update", r.host_update("ns.ps-hosting.net", add_addresses=["10.0.0.1"]), {2201}),
        ("host rename", r.host_update("ns.ps-hosting.net", new_name="ns.thief.net"), {2201}),
        ("host delete", r.host_delete("ns.ps-hosting.net"), {2201}),
        ("host inside another's domain", r.host_create(f"ns1.{NAME}", ["195.210.46.50"]), {2305}),
        ("poll ack of another's message", r.poll_ack(message_id), {2303}),
    ]


def test_every_command_of_the_wrong_registrar_is_refused_and_changes_nothing(epp, other_epp, owned):
    message_id = str(PollMessage.objects.filter(registrar__handle="PS-KZ").order_by("pk").first().pk)
    before = state()
    for label, command, expected in wrong_commands(owned, message_id):
        reply = send(other_epp, command)
        assert reply.code in expected, f"{label}: {reply.code}\n{reply.raw.decode()}"
        assert state() == before, f"{label} changed something"
    assert send(epp, r.domain_info(NAME)).code == 1000  # the sponsor still has it all


def test_wrong_registrar_learns_no_authorization_code(other_epp, owned):
    from kzreg.epp import namespaces as ns

    reply = send(other_epp, r.domain_info(NAME))
    assert reply.code == 1000
    assert reply.res_data.find(f"{{{ns.DOMAIN}}}authInfo") is None
    assert b"2fooBAR-kz" not in reply.raw
