"""The server's loop (ADR 0014): checks answered in the loop while a slow command waits in a thread, frames
sent together answered in order across the loop and the threads, and the checks of several sessions
answered from one read of their names (`checks_read_together`, `domains_read_together`)."""

from __future__ import annotations

import threading
import time

import pytest

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.epp.client import login_command
from kzreg.epp.session import EppSession, Pending, ServerContext, checks_read_together
from kzreg.registry.reads import objects
from tests.epp.conftest import PASSWORD
from tests.epp.objects import create_domain, make_contacts, send, zones  # noqa: F401

D = f"{{{ns.DOMAIN}}}"


def _frame(payload: bytes) -> bytes:
    return (len(payload) + 4).to_bytes(4, "big") + payload


def _avail(reply) -> dict[str, str]:
    return {cd.find(f"{D}name").text: cd.find(f"{D}name").get("avail") for cd in reply.res_data.findall(f"{D}cd")}


@pytest.fixture
def registered(epp):
    ids = make_contacts(epp)
    reply = create_domain(epp, "almaty-net.kz", ids)
    assert reply.code == 1000, reply.raw
    return "almaty-net.kz"


def test_a_slow_login_in_a_thread_does_not_hold_another_sessions_checks(connect, epp, epp_context, monkeypatch):
    """A login goes to a command thread: while one takes two seconds, another session's checks are answered
    by the loop at once."""
    entered, release = threading.Event(), threading.Event()
    original = epp_context.gatekeeper.login

    def slow_login(claim):
        entered.set()
        release.wait(5)
        return original(claim)

    monkeypatch.setattr(epp_context.gatekeeper, "login", slow_login)
    slow = connect()
    slow.send_raw(_frame(login_command("PS-KZ", PASSWORD, cltrid="SLOW-1")))
    assert entered.wait(5)
    started = time.monotonic()
    for i in range(3):
        reply = send(epp, r.domain_check(f"free-{i}.kz"), cltrid=f"FAST-{i}")
        assert reply.code == 1000 and _avail(reply) == {f"free-{i}.kz": "1"}
    assert time.monotonic() - started < 2  # the login still waits: the checks did not queue behind it
    release.set()
    answer = slow.read()
    assert answer.code == 1000 and answer.client_trid == "SLOW-1"


def test_frames_sent_together_are_answered_in_order_across_the_loop_and_the_threads(epp, registered):
    """A check (the loop), an info (a thread), a check again, in one write: three answers, in order."""
    frames = [
        r.domain_check("almaty-net.kz").frame("ORDER-1"),
        r.domain_info("almaty-net.kz").frame("ORDER-2"),
        r.domain_check("free-name.kz").frame("ORDER-3"),
    ]
    epp.send_raw(b"".join(_frame(f) for f in frames))
    first, second, third = epp.read(), epp.read(), epp.read()
    assert [first.client_trid, second.client_trid, third.client_trid] == ["ORDER-1", "ORDER-2", "ORDER-3"]
    assert _avail(first) == {"almaty-net.kz": "0"}
    assert second.code == 1000 and second.res_data.findtext(f"{D}name") == "almaty-net.kz"
    assert _avail(third) == {"free-name.kz": "1"}


@pytest.fixture
def reads(monkeypatch) -> list[set[str]]:
    """The names of every read `check_domains` and the read-ahead make (`objects._existing`)."""
    seen: list[set[str]] = []
    original = objects._existing

    def spy(model, field_name, keys, live_only=False):
        keys = set(keys)
        seen.append(keys)
        return original(model, field_name, keys, live_only)

    monkeypatch.setattr(objects, "_existing", spy)
    return seen


def test_what_the_client_sent_after_its_login_goes_with_it_to_the_loop(connect, epp_registrar):
    """Until its login a connection is served by a thread; a check sent in the same write as the login is
    answered after it, by the loop, in order."""
    client = connect()
    login = login_command("PS-KZ", PASSWORD, cltrid="PIPE-1")
    client.send_raw(_frame(login) + _frame(r.domain_check("free-name.kz").frame("PIPE-2")))
    first, second = client.read(), client.read()
    assert (first.code, first.client_trid) == (1000, "PIPE-1")
    assert (second.code, second.client_trid) == (1000, "PIPE-2") and _avail(second) == {"free-name.kz": "1"}


def test_several_sessions_checks_are_answered_from_one_read(epp, registered, reads):
    """`checks_read_together` reads the names of every domain check given with one statement; each check's
    handler then answers from it without a statement of its own, as it would have alone."""
    sessions = [EppSession(ServerContext(), "127.0.0.1", None) for _ in range(3)]
    asked = [("almaty-net.kz", "free-1.kz"), ("FREE-2.KZ.",), ("almaty-net.kz",)]
    pending = [s.prepare(r.domain_check(*names).frame(f"TOGETHER-{i}")) for i, (s, names) in enumerate(zip(sessions, asked, strict=True))]  # fmt: skip
    assert all(isinstance(p, Pending) and p.verb == "check" for p in pending)
    with checks_read_together(pending):  # type: ignore[arg-type]
        answers = [objects.check_domains(names) for names in asked]
    assert reads == [{"almaty-net.kz", "free-1.kz", "free-2.kz"}]
    assert [[(a.key, a.available) for a in answer] for answer in answers] == [
        [("almaty-net.kz", False), ("free-1.kz", True)], [("free-2.kz", True)], [("almaty-net.kz", False)],
    ]  # fmt: skip
    assert answers[0][0].reason == answers[2][0].reason  # the same reason as a check alone gives
    assert [a.available for a in objects.check_domains(["almaty-net.kz"])] == [False]  # after the block: its own read
    assert reads[1:] == [{"almaty-net.kz"}]


def test_a_name_not_read_ahead_is_read_by_its_own_check(epp, registered, reads):
    """An IDN name (stored as its A-label) or any name outside the read-ahead is read as outside the block."""
    with objects.domains_read_together(["almaty-net.kz", "алматы.қаз"]):
        result = objects.check_domains(["алматы.қаз", "almaty-net.kz"])
        objects.check_domains(["almaty-net.kz"])
    assert reads == [{"almaty-net.kz"}, {result[0].key, "almaty-net.kz"}]  # the read-ahead, then the IDN check
    assert [(a.available, a.key) for a in result][1] == (False, "almaty-net.kz")
    assert result[0].available is True and result[0].key.startswith("xn--")


def test_one_check_alone_reads_nothing_ahead(epp, reads):
    session = EppSession(ServerContext(), "127.0.0.1", None)
    pending = session.prepare(r.domain_check("free-name.kz").frame("ALONE-1"))
    with checks_read_together([pending]):  # type: ignore[list-item]
        pass
    assert reads == []


def test_stopping_the_server_ends_a_session_that_has_not_logged_in(connect, epp_server):
    """A connection before its login is read by a command thread: `stop()` shuts its socket down, which wakes
    that read, so the server stops (and the client sees the close) at once, not after the read's step (2 s
    here: closing the socket alone does not wake a read blocked on it)."""
    from kzreg.epp import client as epp_client

    client = connect()  # greeting read; no login
    started = time.monotonic()
    epp_server.stop()  # waits for the command threads to end
    with pytest.raises((epp_client.EppClientError, OSError)):
        client.read_frame()
    assert time.monotonic() - started < 1.5
