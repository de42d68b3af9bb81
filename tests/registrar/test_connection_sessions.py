"""The EPP registry connection keeps one logged-in session per thread (issue 12, Speed: the API opened a
session per request): connection objects of one thread share it, other threads have their own, a session
the server closed is replaced before a write is sent on it (never an `AnswerLost` for a dead socket), and
the process logs out of every kept session at exit. Against kzreg's own EPP server on 127.0.0.1."""

from __future__ import annotations

import select
import threading
from collections.abc import Iterator

import pytest

from kzreg.epp import client as epp_client
from kzreg.epp import requests as r
from kzreg.registrar.connection.epp import EppConnection, EppSettings, close_kept_sessions
from tests.epp.conftest import PASSWORD
from tests.registrar.sent import epp_commands_sent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def settings_for(epp_server, epp_registrar, pki) -> EppSettings:
    return EppSettings(
        host="127.0.0.1", port=epp_server.port, client_id="PS-KZ", password=PASSWORD, cafile=str(pki.ca),
        certfile=str(pki.cert("PS-KZ")), keyfile=str(pki.key("PS-KZ")), timeout=10, server_hostname="localhost",
    )  # fmt: skip


@pytest.fixture
def commands() -> Iterator[list[str]]:
    """The name of every EPP command this process sends (login, check, logout, …)."""
    with epp_commands_sent(("login", "logout", "check", "info")) as sent:
        yield sent
    close_kept_sessions()


def check_once(settings: EppSettings) -> None:
    conn = EppConnection(settings)
    try:
        assert conn.check(["free-name-for-session.kz"])[0].available
    finally:
        conn.close()


def test_one_login_per_thread_for_many_connection_objects(settings_for, commands):
    for _ in range(3):  # three requests of one worker thread
        check_once(settings_for)
    assert commands.count("login") == 1 and commands.count("check") == 3

    def worker() -> None:
        for _ in range(2):
            check_once(settings_for)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert commands.count("login") == 3 and commands.count("check") == 7  # one more login per new thread


def test_session_closed_by_the_server_is_replaced_before_a_write(settings_for, commands):
    check_once(settings_for)
    kept = EppConnection(settings_for)._client
    assert kept is not None and kept.sock is not None
    assert kept.request(epp_client.command("logout")).code == 1500  # the server ends it, the socket stays open here
    # The server's close reaches this socket a moment after its answer (on a loaded machine, after the next
    # send began): wait for it, so the test asks about a session the server has closed, not a race.
    assert select.select([kept.sock], [], [], 5)[0], "the server did not close the session within 5 s"
    conn = EppConnection(settings_for)
    reply = conn._send(r.domain_check("another-free-name.kz"), writes=True)  # sent as a write would be
    assert reply.ok  # not AnswerLost: the dead session was seen before anything was sent on it
    assert commands.count("login") == 2 and conn._client is not kept


def test_refused_session_is_not_kept(settings_for, commands):
    wrong = EppSettings(**{**settings_for.__dict__, "password": "not-the-password-1"})
    conn = EppConnection(wrong)
    with pytest.raises(Exception, match="login refused"):
        conn.check(["x.kz"])
    check_once(settings_for)
    assert commands.count("login") == 2


def test_sessions_are_logged_out_at_exit_and_on_request(settings_for, commands):
    check_once(settings_for)
    close_kept_sessions()  # what the process does at exit
    assert commands.count("logout") == 1
    conn = EppConnection(settings_for)
    conn.check(["free-again.kz"])
    conn.end_session()
    assert commands.count("login") == 2 and commands.count("logout") == 2
