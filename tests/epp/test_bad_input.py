"""Bad input over real TLS sockets (RFC 5730 §3, RFC 5734 §4): each gets a clear EPP error or a closed
connection, another client's session goes on undisturbed, and nothing is written."""

from __future__ import annotations

import socket
import time

import pytest

from kzreg.epp import client as epp_client
from kzreg.epp.framing import Limits
from kzreg.epp.models import LoginAttempt
from kzreg.registry.models import Contact, Domain, HistoryEntry
from tests.epp.conftest import PASSWORD

pytestmark = pytest.mark.invalid_requests
HEADER = b"<?xml version='1.0' encoding='UTF-8'?>"


@pytest.fixture
def epp_limits() -> Limits:
    """Short timeouts so that the slow-client cases take a fraction of a second."""
    return Limits(max_frame=16 * 1024, idle_timeout=1.0, frame_timeout=0.5, write_timeout=0.5, handshake_timeout=5.0)


@pytest.fixture
def bystander(connect, other_epp_registrar) -> epp_client.EppClient:
    """Another registrar's logged-in session, which no bad input may disturb."""
    client = connect("HOSTER-KZ")
    assert client.login("HOSTER-KZ", "battery-staple-9").code == 1000
    return client


@pytest.fixture
def nothing_written(transactional_db):
    counts = (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count())
    yield
    assert (Domain.objects.count(), Contact.objects.count(), HistoryEntry.objects.count()) == counts


def frame(payload: bytes) -> bytes:
    return (len(payload) + 4).to_bytes(4, "big") + payload


def assert_undisturbed(bystander: epp_client.EppClient) -> None:
    assert bystander.hello().greeting is not None


def epp_doc(body: bytes) -> bytes:
    return HEADER + b'<epp xmlns="urn:ietf:params:xml:ns:epp-1.0">' + body + b"</epp>"


BILLION_LAUGHS = (
    HEADER
    + b"""<!DOCTYPE epp [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><login><clID>&lol9;</clID><pw>x</pw></login></command></epp>"""
)

XXE = (
    HEADER
    + b"""<!DOCTYPE epp [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><command><login><clID>&xxe;</clID><pw>x</pw></login>
<clTRID>XXE-1</clTRID></command></epp>"""
)

XXE_PARAMETER = (
    HEADER
    + b"""<!DOCTYPE epp [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><hello/></epp>"""
)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"<epp xmlns='urn:ietf:params:xml:ns:epp-1.0'><hello>", "the XML document was refused: not well-formed XML"),
        (b"\xff\xfe not xml at all", "the XML document was refused: not well-formed XML"),
        (BILLION_LAUGHS, "the XML document was refused: a DOCTYPE is not allowed"),
        (XXE, "the XML document was refused: a DOCTYPE is not allowed"),
        (XXE_PARAMETER, "the XML document was refused: a DOCTYPE is not allowed"),
        (b"<epp xmlns='urn:example:not-epp'><hello/></epp>", "the document must be an <epp> element"),
        (epp_doc(b"<greeting/>"), "unexpected element: greeting"),
        (epp_doc(b"<hello/><hello/>"), "unexpected element: hello"),
    ],
)  # fmt: skip
def test_refused_documents_get_2001_and_the_session_goes_on(connect, bystander, nothing_written, payload, reason):
    client = connect()
    client.send(payload)
    reply = client.read()
    assert reply.code == 2001
    assert reply.reasons[0].startswith(reason)
    assert b"root:" not in reply.raw and b"lollol" not in reply.raw  # nothing resolved, nothing echoed
    assert client.hello().greeting is not None  # the connection is still usable
    assert_undisturbed(bystander)
    assert not LoginAttempt.objects.exclude(client_id="HOSTER-KZ").exists()


def test_commands_before_login_are_2002(connect, epp_registrar, nothing_written):
    client = connect()
    reply = client.request(epp_client.command("poll", op="req", cltrid="EARLY-1"))
    assert reply.code == 2002
    assert reply.reasons == ["poll: log in with <login> first"]
    assert reply.client_trid == "EARLY-1"
    assert client.login("PS-KZ", PASSWORD).code == 1000


def test_an_unknown_command_is_2000(epp):
    epp.send(epp_doc(b"<command><frobnicate/><clTRID>ODD-1</clTRID></command>"))
    assert epp.read().code == 2000


def test_an_object_namespace_the_server_does_not_offer_is_2307(epp, nothing_written):
    body = b'<command><check><w:check xmlns:w="urn:example:widget-1.0"><w:id>1</w:id></w:check></check></command>'
    epp.send(epp_doc(body))
    assert epp.read().code == 2307


def test_an_object_service_not_chosen_at_login_is_2002(connect, epp_registrar, nothing_written):
    client = connect()
    domain_only = ("urn:ietf:params:xml:ns:domain-1.0",)
    assert client.login("PS-KZ", PASSWORD, objects=domain_only).code == 1000
    body = b'<command><check><host:check xmlns:host="urn:ietf:params:xml:ns:host-1.0"><host:name>ns1.ps.kz</host:name></host:check></check></command>'
    client.send(epp_doc(body))
    assert client.read().code == 2002


def test_an_unknown_extension_is_2103(epp, nothing_written):
    body = (
        b'<command><check><domain:check xmlns:domain="urn:ietf:params:xml:ns:domain-1.0"><domain:name>a.kz'
        b'</domain:name></domain:check></check><extension><x:y xmlns:x="urn:example:ext-1.0"/></extension></command>'
    )
    epp.send(epp_doc(body))
    assert epp.read().code == 2103


def test_a_frame_longer_than_the_limit_is_refused_from_its_header_and_closed(connect, bystander):
    client = connect()
    client.send_raw((10 * 1024 * 1024).to_bytes(4, "big") + b"<epp")  # claims 10 MiB; the limit is 16 KiB
    reply = client.read()
    assert reply.code == 2500
    assert "longer than the limit of 16384" in reply.reasons[0]
    with pytest.raises((epp_client.EppClientError, OSError)):
        client.read_frame()
    assert_undisturbed(bystander)


@pytest.mark.parametrize("length", [0, 3, 4])
def test_a_header_too_small_to_hold_a_document_closes_the_connection(connect, bystander, length):
    client = connect()
    client.send_raw(length.to_bytes(4, "big"))
    assert client.read().code == 2500
    with pytest.raises((epp_client.EppClientError, OSError)):
        client.read_frame()
    assert_undisturbed(bystander)


def test_a_frame_shorter_than_its_header_says_times_out_and_closes(connect, bystander, nothing_written):
    client = connect()
    payload = epp_client.hello()
    client.send_raw((len(payload) + 4 + 100).to_bytes(4, "big") + payload)  # 100 bytes never come
    reply = client.read()  # after the half-frame timeout (0.5 s here, 30 s by default)
    assert reply.code == 2500
    assert reply.reasons[0].startswith("timed out: frame incomplete after 0.5 seconds")
    with pytest.raises((epp_client.EppClientError, OSError)):
        client.read_frame()
    assert_undisturbed(bystander)


def test_a_slow_client_that_sends_half_a_header_is_cut(connect, bystander):
    client = connect()
    client.send_raw(b"\x00\x00")
    assert client.read().code == 2500
    assert_undisturbed(bystander)


def test_an_idle_session_is_closed(epp, bystander):
    reply = epp.read()  # nothing sent: after the idle timeout (1 s here, 10 minutes by default)
    assert reply.code == 2500
    assert reply.reasons[0] == "timed out: no command for 1 seconds"
    with pytest.raises((epp_client.EppClientError, OSError)):
        epp.read_frame()


def test_a_client_that_never_reads_is_dropped(epp_server, connect, bystander):
    epp_server.config.send_buffer = 4096
    client = connect(receive_buffer=4096)
    before = epp_server.sessions_open
    hello = frame(epp_client.hello())
    client.sock.settimeout(5)
    try:
        for _ in range(2000):  # ~1 KiB greeting each: far more than both buffers hold
            client.send_raw(hello)
    except OSError:
        pass  # the server stopped reading (its write is stuck) or already dropped us
    deadline = time.monotonic() + 10
    while epp_server.sessions_open >= before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert epp_server.sessions_open == before - 1
    assert_undisturbed(bystander)


def test_a_plain_tcp_client_without_tls_is_dropped(epp_server, bystander):
    with socket.create_connection(("127.0.0.1", epp_server.port), timeout=5) as raw:
        raw.sendall(frame(epp_client.hello()))
        try:
            data = raw.recv(1024)
        except ConnectionResetError:
            data = b""
        assert b"greeting" not in data
    assert_undisturbed(bystander)
