"""`<poll>` (RFC 5730 §2.9.2.3): 1301 with the message and a transfer's trnData, ack with the count
left, 1300 when empty, 2303 for another registrar's or an unknown message id."""

from __future__ import annotations

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.registry.models import PollMessage
from tests.epp.objects import create_domain, make_contacts, send, zones  # noqa: F401

NAME = "almaty-net.kz"
EPP = f"{{{ns.EPP}}}"


@pytest.fixture
def transfer_requested(epp, other_epp):
    ids = make_contacts(epp)
    assert create_domain(epp, NAME, ids).code == 1000
    assert send(other_epp, r.domain_transfer("request", NAME, auth_code="2fooBAR-kz")).code == 1001


def test_empty_queue_is_1300(epp):
    reply = send(epp, r.poll_request())
    assert reply.code == 1300
    assert reply.message_queue is None


def test_transfer_request_reaches_the_losing_registrar_with_trndata(epp, transfer_requested):
    reply = send(epp, r.poll_request())
    assert reply.code == 1301, reply.raw
    queue = reply.message_queue
    assert queue.get("count") == "1"
    assert queue.findtext(f"{EPP}qDate") and "HOSTER-KZ" in queue.findtext(f"{EPP}msg")
    data = reply.res_data
    assert data.tag == f"{{{ns.DOMAIN}}}trnData"
    assert data.findtext(f"{{{ns.DOMAIN}}}name") == NAME
    assert data.findtext(f"{{{ns.DOMAIN}}}trStatus") == "pending"
    message_id = queue.get("id")
    assert send(epp, r.poll_request()).message_queue.get("id") == message_id  # not removed by reading
    reply = send(epp, r.poll_ack(message_id))
    assert reply.code == 1000 and reply.message_queue.get("count") == "0"
    assert send(epp, r.poll_request()).code == 1300


def test_acking_another_registrars_message_is_2303_and_leaves_it(epp, other_epp, transfer_requested):
    message = PollMessage.objects.get(registrar__handle="PS-KZ")
    reply = send(other_epp, r.poll_ack(str(message.pk)))
    assert reply.code == 2303
    assert PollMessage.objects.get(pk=message.pk).acked_at is None
    assert send(epp, r.poll_ack("999999")).code == 2303


def test_message_in_the_session_language(connect, epp_registrar, other_epp, transfer_requested):
    from tests.epp.conftest import PASSWORD

    client = connect("PS-KZ")
    assert client.login("PS-KZ", PASSWORD, lang="kk").code == 1000
    msg = send(client, r.poll_request()).message_queue.find(f"{EPP}msg")
    assert msg.get("lang") == "kk" and "тіркеушісі" in msg.text
