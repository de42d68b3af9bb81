"""Issue 10: the last two rules EPP decided are the registry's, so every channel gets the same answer.

- A name server named without addresses in a command whose name servers are host objects
  (`hosts_must_exist`: EPP's hostObj, and both registry connections of the registrar wing) must be a host
  object: EPP answers 2303 naming the `<domain:hostObj>`, the `local` and `epp` connections both refuse
  with 2303 and the registry's own message.
- A modify never changes the registrant (R14): EPP's `<domain:update>` answers 2306 with the registry's
  message; the `local` connection's actor gets the same refusal from the registry (the mail form is in
  tests/registry/test_rules_mail.py).
- A registrant change made by another channel reaches the sponsor's poll queue (EPP `<poll>`, and the
  `local` connection's `poll`); the sponsor's own `<kz:registrantChange>` does not.

Every frame is checked against the EPP schemas (tests/epp/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kzreg.core.errors import OperationFailed
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registrar.connection.base import CreateRequest, Location, RegistryRefused, UpdateRequest
from kzreg.registrar.connection.epp import EppConnection, EppSettings
from kzreg.registrar.connection.local import LocalConnection
from kzreg.registry import commands as c
from kzreg.registry import operations as ops
from kzreg.registry.models import Domain, Host, PollMessage
from kzreg.registry.operations.codes import DomainRuleCode
from tests.epp.conftest import PASSWORD
from tests.epp.objects import NS, create_domain, make_contacts, send, zones  # noqa: F401  (zones: autouse)

NAME = "rules.kz"
GHOST = "ns9.nowhere.net"
WHERE = Location("Abay avenue 10", "Almaty", "Almaty")
NEWCO = r.PostalInfo("Petrov, Petr", ("Abay 1",), "Almaty", "KZ", org="New Company LLP")
MISSING = DomainRuleCode.HOST_NOT_FOUND.template("en").format(host=GHOST)
REGISTRANT_CHANGE = DomainRuleCode.REGISTRANT_CHANGE.template("en")


@pytest.fixture(params=["local", "epp"])
def conn(request, registrar, epp_server, epp_registrar, pki) -> Iterator[LocalConnection | EppConnection]:
    """PS-KZ's registry connection, once each way (as the registrar wing has them)."""
    if request.param == "local":
        connection: LocalConnection | EppConnection = LocalConnection("PS-KZ", "tester")
    else:
        connection = EppConnection(
            EppSettings(
                host="127.0.0.1", port=epp_server.port, client_id="PS-KZ", password=PASSWORD, cafile=str(pki.ca),
                certfile=str(pki.cert("PS-KZ")), keyfile=str(pki.key("PS-KZ")), timeout=10,
                server_hostname="localhost",
            )
        )  # fmt: skip
    yield connection
    connection.close()


@pytest.fixture
def ids(epp) -> dict[str, str]:
    ids = make_contacts(epp)
    assert send(epp, r.contact_create("NEWCO-ORG", NEWCO, "info@newco.kz", voice="+7.7272500009")).code == 1000
    return ids


def test_a_missing_host_object_in_a_create_is_2303_over_epp_naming_the_host_obj(epp, ids):
    reply = create_domain(epp, NAME, ids, host_objs=(NS[0], GHOST))
    assert reply.code == 2303, reply.raw
    [value] = reply.results[0].values
    assert (value.tag, value.text) == (f"{{{ns.DOMAIN}}}hostObj", GHOST)
    assert any(MISSING in reason for reason in reply.reasons), reply.reasons
    assert not Domain.objects.filter(name=NAME).exists() and not Host.objects.filter(name=GHOST).exists()


def test_both_connections_get_the_same_refusal_for_a_missing_host_in_a_create(conn, ids):
    request = CreateRequest(NAME, 1, ids["registrant"], ids["admin"], (NS[0], GHOST), WHERE)
    with pytest.raises(RegistryRefused) as refused:
        conn.create_domain(request)
    assert refused.value.code == 2303
    assert MISSING in str(refused.value)
    assert not Domain.objects.filter(name=NAME).exists() and not Host.objects.filter(name=GHOST).exists()


def test_both_connections_get_the_same_refusal_for_a_missing_host_in_an_update(conn, epp, ids):
    assert create_domain(epp, NAME, ids).code == 1000
    with pytest.raises(RegistryRefused) as refused:
        conn.update(UpdateRequest(NAME, nameservers=(NS[0], GHOST)))
    assert refused.value.code == 2303
    assert MISSING in str(refused.value)
    reply = send(epp, r.domain_update(NAME, add_ns=[GHOST]))
    assert reply.code == 2303 and any(MISSING in reason for reason in reply.reasons)
    servers = Domain.objects.get(name=NAME).nameserver_links.order_by("position").values_list("host__name", flat=True)
    assert list(servers) == list(NS)


def test_both_connections_use_a_host_object_once_created(conn, ids):
    conn.create_host(GHOST, ["91.201.214.77"])
    state = conn.create_domain(CreateRequest(NAME, 1, ids["registrant"], ids["admin"], (NS[0], GHOST), WHERE))
    assert state.nameservers == (NS[0], GHOST)


def test_a_registrant_change_by_update_is_the_registrys_refusal_for_epp_and_the_local_actor(epp, ids):
    assert create_domain(epp, NAME, ids).code == 1000
    reply = send(epp, r.domain_update(NAME, registrant="NEWCO-ORG"))
    assert reply.code == 2306, reply.raw
    [value] = reply.results[0].values
    assert (value.tag, value.text) == (f"{{{ns.DOMAIN}}}registrant", "NEWCO-ORG")
    assert reply.reasons == [f"domain:registrant: {REGISTRANT_CHANGE}"]
    with pytest.raises(OperationFailed) as refused:
        ops.modify_domain(c.ModifyDomain(NAME, registrant="NEWCO-ORG"), LocalConnection("PS-KZ").actor())
    assert (refused.value.epp_code, refused.value.render()) == (2306, [f"registrant: {REGISTRANT_CHANGE}"])
    assert Domain.objects.get(name=NAME).registrant.handle == ids["registrant"]


def test_an_update_may_repeat_the_current_registrant(epp, ids):
    assert create_domain(epp, NAME, ids).code == 1000
    reply = send(epp, r.domain_update(NAME, registrant=ids["registrant"].lower(), add_statuses=["clientHold"]))
    assert reply.code == 1000, reply.raw
    domain = Domain.objects.get(name=NAME)
    assert domain.client_hold and domain.registrant.handle == ids["registrant"]


def test_a_registrant_change_by_another_channel_is_polled_to_the_sponsor(epp, ids, staff):
    assert create_domain(epp, NAME, ids).code == 1000
    ops.transfer_domain(c.TransferDomain(NAME, "NEWCO-ORG", authorization="fax: 2026-03-01"), staff)
    reply = send(epp, r.poll_request())
    assert reply.code == 1301, reply.raw
    message = f"the registrant of {NAME} was changed to NEWCO-ORG (cli)"
    assert reply.root.findtext(f".//{{{ns.EPP}}}msgQ/{{{ns.EPP}}}msg") == message
    item = LocalConnection("PS-KZ").poll()
    assert item is not None and (item.text, item.names) == (message, (NAME,))


def test_the_sponsors_own_registrant_change_is_not_polled_to_it(epp, ids):
    assert create_domain(epp, NAME, ids).code == 1000
    assert send(epp, r.domain_registrant_change(NAME, "NEWCO-ORG")).code == 1000
    assert Domain.objects.get(name=NAME).registrant.handle == "NEWCO-ORG"
    assert send(epp, r.poll_request()).code == 1300
    assert not PollMessage.objects.filter(kind="registrant_changed").exists()
