"""Issue 9 §4: port 43 keeps answering honest clients under a flood of idle connections.

Real sockets bound to loopback source addresses (127.0.N.M: /24 networks of their own), a real server
on an ephemeral port. Timeouts are checked by running the server's sweep at a chosen time, not by
waiting for it.
"""

from __future__ import annotations

import socket
import threading

import pytest

from kzreg.whois.server import SWEEP
from tests.whois.conftest import read_all

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
QUIET = {"idle_timeout": 60.0, "busy_idle_timeout": 60.0, "read_timeout": 60.0}  # timeouts out of the way


def connect_from(server, source: str) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def query_from(server, source: str, text: str) -> str:
    with connect_from(server, source) as sock:
        sock.sendall((text + "\r\n").encode())
        return read_all(sock).decode()


def still_open(sock: socket.socket) -> bool:
    """Nothing to read yet and not closed by the server."""
    sock.setblocking(False)
    try:
        sock.recv(1, socket.MSG_PEEK)  # data or the end: the server has answered or closed
        return False
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)
        sock.settimeout(10)


def until(server, condition, what: str) -> None:
    """Waits (bounded) until `condition(state)` holds in the server's loop."""
    for _ in range(1000):
        box: list = []
        server.call(lambda into: into.append(condition(server.state)), box)
        if box[0]:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"server never reached: {what}")


def test_flood_of_idle_connections_from_several_networks_an_honest_client_is_still_answered(
    whois_server_factory, published
):
    """The issue's attack in small: three networks hold idle connections up to their own cap and past
    the server's; before, every new client got "Too many connections". Now each honest query sheds the
    oldest idle connection of the network holding the most, so the attackers even out."""
    server = whois_server_factory(max_connections=20, max_per_network=8, rate=0, **QUIET)
    flood = {n: [connect_from(server, f"127.0.{n}.{2 + i}") for i in range(8)] for n in (1, 2, 3)}
    until(server, lambda s: s.slots.total == 20 and s.slots.shed_count == 4, "20 open after 4 shed")
    answers = [query_from(server, "127.0.9.1", "example.kz") for _ in range(5)]
    assert all("Domain Name............: example.kz" in a for a in answers)
    shed = {n: [sock for sock in socks if not still_open(sock)] for n, socks in flood.items()}
    for n, socks in flood.items():  # the oldest of each network went first
        assert socks[: len(shed[n])] == shed[n], f"network {n} lost younger connections first"
        for sock in shed[n]:
            assert read_all(sock).decode().startswith("% Too many connections; try again later.")
    counts = sorted(len(socks) - len(shed[n]) for n, socks in flood.items())
    assert sum(counts) == 24 - server.state.slots.shed_count <= 19  # at least one shed for the honest client
    assert counts[-1] - counts[0] <= 1  # 6, 6, 7: the network holding the most sheds
    for sock in (s for socks in flood.values() for s in socks):
        sock.close()


def test_the_oldest_idle_connection_is_shed_never_one_being_answered(whois_server_factory, published):
    """A connection whose query was read keeps its slot while the registry is slow; the oldest idle
    one goes instead, and the younger idle one stays."""
    server = whois_server_factory(max_connections=3, rate=0, database_thread=True, **QUIET)
    gate = threading.Event()
    healthy = server.state.lookup.look_up_live

    def slow(queries, at):  # type: ignore[no-untyped-def]
        gate.wait(10)
        return healthy(queries, at)

    server.state.lookup.look_up_live = slow
    answering = connect_from(server, "127.0.0.2")
    answering.sendall(b"example.kz\r\n")
    until(server, lambda s: s.slots.total == 1 and not s.slots.sheddable, "the query read")
    oldest_idle, younger_idle = connect_from(server, "127.0.0.3"), connect_from(server, "127.0.0.4")
    until(server, lambda s: s.slots.total == 3, "three open")
    newcomer = connect_from(server, "127.0.0.5")  # the server is full: the oldest idle makes room
    assert read_all(oldest_idle).decode().startswith("% Too many connections; try again later.")
    assert still_open(answering) and still_open(younger_idle)
    gate.set()
    assert "Domain Name............: example.kz" in read_all(answering).decode()
    newcomer.sendall(b"example.kz\r\n")
    assert "Domain Name............: example.kz" in read_all(newcomer).decode()
    for sock in (answering, oldest_idle, younger_idle, newcomer):
        sock.close()


def test_a_server_full_of_answering_connections_refuses_rather_than_cuts_one(whois_server_factory, published):
    server = whois_server_factory(max_connections=2, rate=0, database_thread=True, **QUIET)
    gate = threading.Event()
    healthy = server.state.lookup.look_up_live
    server.state.lookup.look_up_live = lambda queries, at: (gate.wait(10), healthy(queries, at))[1]
    answering = [connect_from(server, "127.0.0.2"), connect_from(server, "127.0.0.3")]
    for sock in answering:
        sock.sendall(b"example.kz\r\n")
    until(server, lambda s: s.slots.total == 2 and not s.slots.sheddable, "two queries read")
    assert query_from(server, "127.0.1.1", "example.kz").startswith("% Too many connections; try again later.")
    gate.set()
    for sock in answering:
        assert "Domain Name............: example.kz" in read_all(sock).decode()
        sock.close()


@pytest.mark.parametrize(("prefix", "shed"), [(24, True), (32, False)])
def test_a_network_at_its_own_cap_sheds_its_own_oldest_idle(whois_server_factory, published, prefix, shed):
    """127.0.0.2 and 127.0.0.3 are one network at /24 (the default), two at /32 (the old behaviour)."""
    server = whois_server_factory(max_per_network=2, ipv4_prefix=prefix, rate=0, **QUIET)
    first = connect_from(server, "127.0.0.2")
    neighbour = connect_from(server, "127.0.1.1")  # older than `second`, but another network
    second = connect_from(server, "127.0.0.3")
    until(server, lambda s: s.slots.total == 3, "three open")
    assert "Domain Name............: example.kz" in query_from(server, "127.0.0.4", "example.kz")
    if shed:
        assert read_all(first).decode().startswith("% Too many connections; try again later.")
    else:
        assert still_open(first)
    assert still_open(neighbour) and still_open(second)
    for sock in (first, neighbour, second):
        sock.close()


def test_rate_limit_counts_a_network_not_an_address(whois_server_factory, published):
    server = whois_server_factory(rate=1.0, burst=2, ipv4_prefix=24)
    assert "Domain Name" in query_from(server, "127.0.0.2", "example.kz")
    assert "Domain Name" in query_from(server, "127.0.0.3", "example.kz")
    limited = query_from(server, "127.0.0.4", "example.kz")  # a third address of the same /24
    assert limited.startswith("% Query rate limit exceeded for 127.0.0.0/24; try again in 1 s.")
    assert "Domain Name" in query_from(server, "127.0.1.1", "example.kz")  # another /24 has its own
    server.clock.advance(1.0)
    assert "Domain Name" in query_from(server, "127.0.0.4", "example.kz")


def test_silent_connections_time_out_after_the_idle_timeout_started_lines_after_the_read_timeout(
    whois_server_factory, published
):
    """Before, a connection that sent nothing held its slot for the whole 10-s read timeout."""
    server = whois_server_factory(idle_timeout=20.0, busy_idle_timeout=5.0, read_timeout=40.0, max_connections=100)
    silent, started = connect_from(server, "127.0.0.2"), connect_from(server, "127.0.0.3")
    started.sendall(b"exam")
    until(server, lambda s: sum(p.started for p in s.slots.sheddable) == 1, "the partial line read")
    opened = max(p.opened for p in server.state.slots.sheddable)  # both opened after the same sweep
    server.call(server.state.close_idle, opened + 20.0 + SWEEP - 0.01)
    assert still_open(silent) and still_open(started)
    server.call(server.state.close_idle, opened + 20.0 + SWEEP)
    assert read_all(silent).decode().startswith("% No query received in 20.0 s; closing.")
    server.call(server.state.close_idle, opened + 40.0 + SWEEP - 0.01)
    assert still_open(started)
    server.call(server.state.close_idle, opened + 40.0 + SWEEP)
    assert read_all(started).decode().startswith("% No query received in 40.0 s; closing.")
    for sock in (silent, started):
        sock.close()


def test_a_busy_server_gives_silent_connections_the_shorter_timeout(whois_server_factory, published):
    """Over half of max_connections open: the busy idle timeout applies."""
    server = whois_server_factory(idle_timeout=20.0, busy_idle_timeout=5.0, read_timeout=40.0, max_connections=4)
    socks = [connect_from(server, "127.0.0.2"), connect_from(server, "127.0.0.3")]
    until(server, lambda s: s.slots.total == 2, "two open")
    opened = max(p.opened for p in server.state.slots.sheddable)
    server.call(server.state.close_idle, opened + 5.0 + SWEEP)  # 2 of 4: not busy
    assert all(still_open(sock) for sock in socks)
    socks.append(connect_from(server, "127.0.0.4"))
    until(server, lambda s: s.slots.total == 3, "three open")
    opened = max(p.opened for p in server.state.slots.sheddable)
    server.call(server.state.close_idle, opened + 5.0 + SWEEP)  # 3 of 4: busy
    for sock in socks:
        assert read_all(sock).decode().startswith("% No query received in 5.0 s; closing.")
        sock.close()


def test_refused_connections_that_linger_are_shed_too_and_cut_after_the_linger(whois_server_factory, published):
    """A rate-limited client that keeps its refused connections open must not fill the server either."""
    server = whois_server_factory(max_connections=3, rate=1.0, burst=1, **QUIET)
    assert "Domain Name" in query_from(server, "127.0.0.2", "example.kz")  # the network's one token
    refused = [connect_from(server, f"127.0.0.{3 + i}") for i in range(3)]  # held open, never closed
    for sock in refused:
        assert sock.recv(200).startswith(b"% Query rate limit exceeded for 127.0.0.0/24")
    until(server, lambda s: s.slots.total == 3 and len(s.slots.lingering) == 3, "three refused, lingering")
    assert "Domain Name" in query_from(server, "127.0.1.1", "example.kz")  # before: "Too many connections"
    assert server.state.slots.shed_count == 1
    since = max(server.state.slots.lingering.values())
    server.call(server.state.slots.cut_lingering, since - 0.01)
    assert len(server.state.slots.lingering) == 2
    server.call(server.state.slots.cut_lingering, since)
    until(server, lambda s: s.slots.total == 0, "the refused ones cut")
    for sock in refused:
        sock.close()


def test_an_ipv6_client_is_counted_by_its_64(whois_server_factory, published):
    """A real IPv6 connection (::1): the rate limit names and counts the /64."""
    server = whois_server_factory(host="::1", rate=1.0, burst=1)

    def ask() -> str:
        with socket.create_connection(("::1", server.port), timeout=10) as sock:
            sock.sendall(b"example.kz\r\n")
            return read_all(sock).decode()

    assert "Domain Name............: example.kz" in ask()
    assert ask().startswith("% Query rate limit exceeded for ::/64; try again in 1 s.")
