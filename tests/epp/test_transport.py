"""RFC 5734 transport over real TLS sockets: the greeting, hello, framing, logout, TLS versions (E1)."""

from __future__ import annotations

import ssl
import time

import pytest

from kzreg.epp import client as epp_client
from kzreg.epp import namespaces
from kzreg.epp.xml import qname

EPP = namespaces.EPP


def test_greeting_offers_versions_languages_objects_and_extensions(connect):
    client = connect()
    greeting = client.greeting.greeting
    assert greeting is not None
    menu = greeting.find(qname(EPP, "svcMenu"))
    assert [e.text for e in menu.iter(qname(EPP, "version"))] == ["1.0"]
    assert [e.text for e in menu.iter(qname(EPP, "lang"))] == ["en", "ru", "kk"]
    assert [e.text for e in menu.iter(qname(EPP, "objURI"))] == list(namespaces.OBJECTS)
    assert [e.text for e in menu.iter(qname(EPP, "extURI"))] == list(namespaces.EXTENSIONS)
    assert greeting.find(qname(EPP, "dcp")) is not None


def test_hello_answers_a_greeting_before_and_after_login(connect, epp_registrar):
    client = connect()
    assert client.hello().greeting is not None
    assert client.login("PS-KZ", "correct-horse-7").code == 1000
    assert client.hello().greeting is not None


def test_logout_answers_1500_and_the_server_closes(epp):
    reply = epp.request(epp_client.command("logout", cltrid="ABC-1"))
    assert reply.code == 1500
    assert reply.client_trid == "ABC-1"
    assert reply.server_trid
    with pytest.raises(epp_client.EppClientError):
        epp.read_frame()


def test_each_command_gets_its_own_server_transaction_id(epp):
    first, second = epp.hello(), epp.request(epp_client.command("logout", cltrid="X-2"))
    assert second.server_trid and second.server_trid.startswith("KZ-")
    assert first.greeting is not None


def test_two_frames_in_one_write_are_answered_in_order(epp):
    one = epp_client.hello()
    two = epp_client.command("logout", cltrid="BATCH-2")
    epp.send_raw(_frame(one) + _frame(two))
    assert epp.read().greeting is not None
    assert epp.read().client_trid == "BATCH-2"


def test_a_frame_split_into_many_writes_is_read_whole(epp):
    frame = _frame(epp_client.command("logout", cltrid="SPLIT-1"))
    for i in range(0, len(frame), 7):
        epp.send_raw(frame[i : i + 7])
    assert epp.read().code == 1500


def test_tls_below_1_2_is_refused_by_the_server_and_1_2_accepted(epp_server, pki, caplog):
    import socket

    caplog.set_level("INFO", logger="kzreg.epp")
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(str(pki.ca))
    old.minimum_version, old.maximum_version = ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", epp_server.port), timeout=5) as raw, pytest.raises(ssl.SSLError):
        old.wrap_socket(raw, server_hostname="localhost")
    deadline = time.monotonic() + 5  # the server's thread logs the refusal after the client saw it
    while time.monotonic() < deadline and not any("TLS handshake failed" in r.getMessage() for r in caplog.records):
        time.sleep(0.01)
    assert any("TLS handshake failed" in r.getMessage() for r in caplog.records if r.name == "kzreg.epp")
    tls12 = ssl.create_default_context(cafile=str(pki.ca))
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    with (
        socket.create_connection(("127.0.0.1", epp_server.port), timeout=5) as raw,
        tls12.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        assert tls.version() == "TLSv1.2"


def test_the_server_certificate_is_valid_for_localhost(connect):
    client = connect()
    assert client.sock is not None
    names = dict(x[0] for x in client.sock.getpeercert()["subject"])
    assert names["commonName"] == "localhost"


def _frame(payload: bytes) -> bytes:
    return (len(payload) + 4).to_bytes(4, "big") + payload


def test_the_schema_check_rejects_a_response_without_its_transaction_ids(epp_schema):
    """The automatic check of every frame is not vacuous: a `<response>` without `<trID>` fails it."""
    from tests.epp.conftest import schema_errors

    bad = (
        b'<?xml version="1.0" encoding="UTF-8"?><epp xmlns="urn:ietf:params:xml:ns:epp-1.0"><response>'
        b'<result code="1000"><msg>Command completed successfully</msg></result></response></epp>'
    )
    assert schema_errors(epp_schema, bad)
    good = bad.replace(b"</response>", b"<trID><svTRID>KZ-1-1</svTRID></trID></response>")
    assert schema_errors(epp_schema, good) == []


def test_an_unexpected_handler_error_is_2400_logged_and_leaks_nothing(epp, monkeypatch, caplog):
    from kzreg.epp import session

    def broken(request, services=None):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(session, "dispatch", broken)
    reply = epp.request(epp_client.command("poll", op="req", cltrid="BOOM-1"))
    assert reply.code == 2400
    assert reply.results[0].message == "Command failed"
    assert b"hunter2" not in reply.raw and b"RuntimeError" not in reply.raw
    failure = next(r for r in caplog.records if r.name == "kzreg.epp" and r.exc_info)
    assert f"svTRID={reply.server_trid} clTRID=BOOM-1" in failure.getMessage()
    assert epp.hello().greeting is not None  # the session goes on


def test_every_command_is_logged_with_both_transaction_ids(epp, caplog):
    caplog.set_level("INFO", logger="kzreg.epp.commands")
    reply = epp.request(epp_client.command("logout", cltrid="LOGGED-1"))
    line = next(
        r.getMessage() for r in caplog.records if r.name == "kzreg.epp.commands" and "LOGGED-1" in r.getMessage()
    )
    assert line.startswith(f"svTRID={reply.server_trid} clTRID=LOGGED-1 clID=PS-KZ peer=127.0.0.1 logout")
    assert line.endswith("1500")


@pytest.mark.slow
def test_workers_share_the_port_and_each_answers(pki, tmp_path):
    """`kzreg epp serve --workers 2`: two processes on one port (SO_REUSEPORT); the kernel spreads the
    connections, seen in the per-process prefix of the svTRIDs."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ, "KZREG_DATA_DIR": str(tmp_path), "KZREG_DATABASE_URL": "",
        "KZREG_EPP_CERT": str(pki.local.server_cert), "KZREG_EPP_KEY": str(pki.local.server_key),
        "KZREG_EPP_CLIENT_CA": str(pki.ca),
    }  # fmt: skip
    server = subprocess.Popen([sys.executable, "-m", "kzreg", "epp", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        prefixes = set()
        for n in range(24):
            client = epp_client.EppClient("127.0.0.1", port, cafile=str(pki.ca), certfile=str(pki.cert("PS-KZ")),
                                          keyfile=str(pki.key("PS-KZ")), timeout=10)  # fmt: skip
            client.connect()
            reply = client.request(epp_client.command("logout", cltrid=f"W-{n}"))  # before login: 2002, no database
            assert reply.code == 2002
            prefixes.add(reply.server_trid.rsplit("-", 1)[0])
            client.close()
        assert len(prefixes) == 2
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert server.returncode == 0, output


def test_a_command_thread_serves_the_next_session_with_its_database_connection(connect, epp_server, epp_registrar):
    """A new session costs no new thread and no new database connection: the loop serves it, and the thread
    that answered the last session's login (`CommandThreads`) answers this one's with the same connection."""
    for _ in range(3):
        client = connect()
        assert client.login("PS-KZ", "correct-horse-7").code == 1000
        client.logout()
        deadline = time.monotonic() + 5
        while epp_server.threads.idle != 1 and time.monotonic() < deadline:  # the thread is back in the pool
            time.sleep(0.01)
    assert len(epp_server.threads.threads) == 1


def test_stopping_the_server_ends_open_sessions(epp, epp_server):
    """`stop()` shuts down the sessions' TLS sockets (wrapping detaches the accepted one): a logged-in
    client sees the connection closed at once, not after its read timeout."""
    assert epp_server.sessions_open == 1
    epp_server.stop()
    started = time.monotonic()
    with pytest.raises(epp_client.EppClientError, match="closed"):
        epp.read_frame()
    assert time.monotonic() - started < 5  # the client's own timeout is 10 s
