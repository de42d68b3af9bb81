"""The kz-1.0 registrant change (R14): `<domain:transfer op="request">` with `<kz:registrantChange>` is
a transfer to a new registrant by the sponsoring registrar — golden request and answer, the history it
leaves, and what is refused: another registrar, an unknown contact, the same registrant, and
`<domain:update>` naming the command to use instead."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import Domain, HistoryEntry
from tests.epp.direct import DirectClient
from tests.epp.objects import create_domain, make_contacts
from tests.epp.test_domain_golden import golden, pretty

NAME = "registrant-change.kz"
NEWCO = r.PostalInfo("Petrov, Petr", ("Abay 1",), "Almaty", "KZ", org="New Company LLP")


@pytest.fixture
def client(registrar, frozen_clock):
    return DirectClient(registrar)


@pytest.fixture
def ids(client):
    ids = make_contacts(client)
    assert create_domain(client, NAME, ids).code == 1000
    assert (
        client.request(r.contact_create("NEWCO-ORG", NEWCO, "info@newco.kz", voice="+7.7272500009").frame()).code
        == 1000
    )
    return ids


def test_golden_registrant_change(client, ids):
    request = r.domain_registrant_change(NAME, "NEWCO-ORG").frame("REGISTRANT-CHANGE-1")
    golden("domain-registrant-change.request.xml", pretty(request))
    reply = client.request(request)
    assert reply.code == 1000, reply.raw
    golden("domain-registrant-change.response.xml", pretty(reply.raw))
    domain = Domain.objects.get(name=NAME)
    assert domain.registrant.handle == "NEWCO-ORG"
    assert domain.registrar.handle == client.session.registrar_handle  # the registrar stays
    entry = HistoryEntry.objects.filter(object_key=NAME).order_by("-version").first()
    assert (entry.operation, entry.channel) == ("domain_transfer", "epp")
    assert "sponsoring registrar" in entry.reason


def test_another_registrar_is_refused(client, ids, other_registrar):
    reply = DirectClient(other_registrar).request(r.domain_registrant_change(NAME, "NEWCO-ORG").frame())
    assert reply.code == 2201, reply.raw
    assert Domain.objects.get(name=NAME).registrant.handle == ids["registrant"]


@pytest.mark.parametrize(("handle", "code"), [("NOSUCH1", 2303), (None, 2306)])
def test_unknown_or_same_registrant_is_refused(client, ids, handle, code):
    reply = client.request(r.domain_registrant_change(NAME, handle or ids["registrant"]).frame())
    assert reply.code == code, reply.raw
    assert Domain.objects.get(name=NAME).registrant.handle == ids["registrant"]


def test_update_refuses_and_names_the_command(client, ids):
    reply = client.request(r.domain_update(NAME, registrant="NEWCO-ORG").frame())
    assert reply.code == 2306
    assert "registrantChange" in reply.results[0].message + " ".join(reply.reasons)
    assert Domain.objects.get(name=NAME).registrant.handle == ids["registrant"]


def test_a_plain_transfer_request_is_still_a_registrar_transfer(client, ids, other_registrar):
    code = Domain.objects.get(name=NAME).auth_code
    reply = DirectClient(other_registrar).request(r.domain_transfer("request", NAME, auth_code=code).frame())
    assert reply.code == 1001, reply.raw
    assert reply.res_data.find(f"{{{ns.DOMAIN}}}trStatus").text == "pending"
