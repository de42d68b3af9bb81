"""The port-43 server (P1, RFC 3912): a real client, and clients that misbehave not disturbing others."""

from __future__ import annotations

import socket
import subprocess
import threading

import pytest

from kzreg.whois.server import SWEEP
from tests.whois.conftest import read_all

# Server tests commit their data (the server reads through its own connection); serialized rollback
# brings back the zones the migrations created, and the zone cache is dropped around each test.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_p1_debian_whois_client_reads_a_domain(whois_server_factory, published):
    server = whois_server_factory()
    out = subprocess.run(
        ["whois", "-h", "127.0.0.1", "-p", str(server.port), "EXAMPLE.KZ"],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    assert "Domain Name............: example.kz" in out
    assert "Current Registar: PS-KZ" in out


def test_p1_debian_whois_client_with_u_label(whois_server_factory, published):
    server = whois_server_factory()
    out = subprocess.run(
        ["whois", "-h", "127.0.0.1", "-p", str(server.port), "мысал.қаз"],
        capture_output=True, text=True, timeout=30, check=True, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
    ).stdout  # fmt: skip
    assert "A-label................: xn--80awbu3c.xn--80ao21a" in out


def test_p1_debian_whois_client_not_found(whois_server_factory, db):
    server = whois_server_factory()
    out = subprocess.run(
        ["whois", "-h", "127.0.0.1", "-p", str(server.port), "free.kz"], capture_output=True, text=True, timeout=30
    ).stdout
    assert "*** Nothing found for this query." in out


def test_binary_garbage_gets_a_notice_and_the_next_client_is_served(whois_server_factory, published):
    server = whois_server_factory()
    assert server.query(b"\x00\xff\xfe\x80garbage\r\n").startswith("% Invalid query")
    assert server.query(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n").startswith("% Invalid query")
    assert "Domain Name............: example.kz" in server.query("example.kz")


def test_over_long_query_is_cut_off_without_waiting_for_a_line_end(whois_server_factory, db):
    server = whois_server_factory(max_query=64)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"a" * 100)  # no newline; the server must not wait for one
        reply = read_all(sock).decode()
    assert reply.startswith("% Query too long: at most 64 bytes")
    assert len(reply.splitlines()) == 3


def test_query_without_line_end_then_half_close_is_answered(whois_server_factory, published):
    server = whois_server_factory()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"example.kz")
        sock.shutdown(socket.SHUT_WR)
        assert "Domain Name............: example.kz" in read_all(sock).decode()


def test_half_open_connection_is_closed_by_the_read_timeout_and_others_are_served(whois_server_factory, published):
    server = whois_server_factory(read_timeout=10.0)
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    idle.sendall(b"exam")  # a partial query, then silence
    assert "Domain Name............: example.kz" in server.query("example.kz")  # not blocked by the idle one
    waiting = [p for p in wait_for_open(server, 1)]
    assert len(waiting) == 1
    deadline = waiting[0].opened + 10.0 + SWEEP  # counted from the sweep before the connection opened
    server.call(server.state.close_idle, deadline - 0.1)  # the sweep before the deadline ...
    assert not waiting[0].done
    server.call(server.state.close_idle, deadline)  # ... and the one after it
    reply = read_all(idle).decode()
    idle.close()
    assert reply.startswith("% No query received in 10.0 s; closing.")


def collect_open(server, into: list) -> None:
    """The connections still waiting for their query line (the sheddable ones not yet closing)."""
    into.extend(p for p in list(server.state.slots.sheddable) if not p.done)


def wait_for_open(server, count: int) -> list:
    """The protocols of open connections, once the server has accepted `count` of them (bounded wait)."""
    for _ in range(500):
        found: list = []
        server.call(collect_open, server, found)
        if len(found) >= count:
            return found
        threading.Event().wait(0.01)
    raise AssertionError(f"server never had {count} open connections")


def test_rate_limit_per_network_with_a_clear_message_then_recovery(whois_server_factory, published):
    server = whois_server_factory(rate=1.0, burst=3)
    for _ in range(3):
        assert "Domain Name" in server.query("example.kz")
    limited = server.query("example.kz")
    assert limited.startswith("% Query rate limit exceeded for 127.0.0.0/24; try again in 1 s.")
    assert "Превышен лимит запросов" in limited and "сұраулар шегі" in limited
    server.clock.advance(1.0)
    assert "Domain Name" in server.query("example.kz")


def test_at_the_connection_cap_a_new_client_sheds_the_oldest_idle_one(whois_server_factory, published):
    """Issue 9 §4: a server full of idle connections used to refuse every new client ("Too many
    connections"); now the newcomer takes the oldest idle connection's slot, which is told why."""
    server = whois_server_factory(max_connections=4, read_timeout=60.0, idle_timeout=60.0)
    idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(4)]
    wait_for_open(server, 4)
    assert "Domain Name............: example.kz" in server.query("example.kz")
    assert read_all(idle[0]).decode().startswith("% Too many connections; try again later.")
    for sock in idle[1:]:  # the younger idle ones are still open
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            sock.recv(1)
        sock.setblocking(True)
    for sock in idle:
        sock.close()
    assert server.state.slots.shed_count == 1


def test_flood_of_garbage_connections_does_not_disturb_a_real_client(whois_server_factory, published):
    server = whois_server_factory(rate=0)
    errors: list[BaseException] = []

    def flood() -> None:
        try:
            for i in range(40):
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                    sock.sendall(bytes([i % 256]) * 50 + b"\n")
                    read_all(sock)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=flood) for _ in range(8)]
    for thread in threads:
        thread.start()
    answers = [server.query("example.kz") for _ in range(20)]
    for thread in threads:
        thread.join(60)
    assert not errors
    assert all("Domain Name............: example.kz" in a for a in answers)
    assert server.state.slots.total == 0 or wait_closed(server)


def wait_closed(server) -> bool:
    for _ in range(500):
        if server.state.slots.total == 0:
            return True
        threading.Event().wait(0.01)
    return False


@pytest.mark.parametrize("database_thread", [False, True], ids=["in-loop", "database-thread"])
def test_p1_many_concurrent_clients_get_the_stored_answers(whois_server_factory, published, database_thread):
    """Issue 4: concurrent queries are batched, answered from the pre-rendered rows, each its own text;
    also with lookups in the database thread (what the server does on PostgreSQL)."""
    from kzreg.whois.answers import build_all

    build_all()
    server = whois_server_factory(stored=True, cache_size=100, rate=0, database_thread=database_thread)
    names = ["example.kz", "held.kz", "мысал.қаз", "free.kz"] * 10
    replies: dict[int, str] = {}

    def ask(i: int) -> None:
        replies[i] = server.query(names[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(names))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(replies) == len(names)
    for i, name in enumerate(names):
        if name == "free.kz":
            assert "*** Nothing found for this query." in replies[i]
        else:
            assert f"Domain Name............: {name}" in replies[i]
    assert server.state.lookup.stored.reads >= 3 and server.state.answered == len(names)


@pytest.mark.parametrize("database_thread", [False, True], ids=["in-loop", "database-thread"])
def test_database_failure_gets_a_notice_and_the_server_serves_on(whois_server_factory, published, database_thread):
    """A failed registry lookup (in the loop, or in the database thread on PostgreSQL) is answered with
    the busy notice, never a traceback; the next query is served normally."""
    server = whois_server_factory(rate=0, database_thread=database_thread)
    lookup = server.state.lookup
    healthy = lookup.look_up_live
    failures = []

    def failing(queries, at):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(queries)
            raise OSError("connection lost")
        return healthy(queries, at)

    lookup.look_up_live = failing
    assert server.query("example.kz").startswith("% Too many connections; try again later.")
    assert failures
    assert "Domain Name............: example.kz" in server.query("example.kz")
