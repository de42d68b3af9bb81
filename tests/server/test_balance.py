"""`kzreg web`'s balanced worker (`server.balance`, ADR 0013 "2026-12-05"): kept-alive connections are
spread over the workers least-connections first, on the one listening socket.

The table's rules on a private table, then `kzreg web` itself: two workers, four kept-alive connections,
and the server side of each found in /proc — two per worker, and a fifth connection goes to the worker
holding fewer once two are closed."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kzreg.server import balance
from tests.server.web_process import kzreg_web


def table() -> memoryview:
    return balance.new_table()


def put(shared: memoryview, slot: int, pid: int, connections: int, booting_since: int = 0) -> None:
    at = 1 + slot * balance._FIELDS
    shared[at], shared[at + 1], shared[at + 2] = pid, connections, booting_since
    shared[0] = max(shared[0], slot + 1)


def cells_of(shared: memoryview, slot: int) -> tuple[int, int, int]:
    at = 1 + slot * balance._FIELDS
    return shared[at], shared[at + 1], shared[at + 2]


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_slot_is_free_when_never_used_reserved_by_a_fork_that_did_not_happen_or_its_worker_is_gone():
    shared = table()
    put(shared, 0, os.getpid(), 3)  # a live worker keeps its slot
    put(shared, 1, balance._RESERVED, 0)  # the arbiter reserves one slot at a time: a reservation left is stale
    assert balance.claim_slot(shared) == 1
    put(shared, 1, os.getppid(), 0)
    put(shared, 2, dead_pid(), 5)
    assert balance.claim_slot(shared) == 2
    assert cells_of(shared, 2) == (balance._RESERVED, 0, 0)  # its count zeroed
    assert balance.claim_slot(shared) == 2  # not forked after all: the same slot again
    put(shared, 2, os.getpid(), 0)  # forked: the arbiter wrote the worker's pid
    assert balance.claim_slot(shared) == 3
    assert shared[0] == 4  # the workers look at the slots used so far, not all of them


def test_the_fewest_connections_elsewhere_counts_live_siblings_and_booting_ones_for_a_while():
    shared = table()
    assert balance.fewest_elsewhere(0, shared) is None  # alone: gthread's own limit
    put(shared, 0, os.getpid(), 0)  # its own slot never counts
    put(shared, 1, os.getppid(), 4)
    put(shared, 2, dead_pid(), 0)  # gone: not a sibling
    assert balance.fewest_elsewhere(0, shared) == 4
    now = time.monotonic_ns()
    put(shared, 3, os.getpid(), 0, booting_since=now - 10**9)  # booting for a second: its share is kept
    assert balance.fewest_elsewhere(0, shared, now) == 0
    put(shared, 3, os.getpid(), 0, booting_since=now - balance.BOOT_GRACE_NS - 1)  # stuck booting: left out
    assert balance.fewest_elsewhere(0, shared, now) == 4


def server_sockets(pid: int) -> set[int]:
    """Socket inodes open in process `pid`."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def worker_of(client: http.client.HTTPConnection, port: int, workers: list[int]) -> int:
    """The worker holding the server side of `client`'s connection (/proc/net/tcp: local port `port`,
    remote port the client's)."""
    assert client.sock is not None
    client_port = client.sock.getsockname()[1]
    with open("/proc/net/tcp") as rows:
        for row in list(rows)[1:]:
            fields = row.split()
            if fields[1].endswith(f":{port:04X}") and fields[2].endswith(f":{client_port:04X}"):
                inode = int(fields[9])
                holders = [pid for pid in workers if inode in server_sockets(pid)]
                assert len(holders) == 1, (holders, workers)
                return holders[0]
    raise AssertionError(f"no server socket for client port {client_port}")


def connections_of(pid: int, port: int) -> int:
    """Connections to `port` whose server side `pid` still holds open (any state but LISTEN)."""
    mine = server_sockets(pid)
    with open("/proc/net/tcp") as rows:
        return sum(
            1
            for fields in (row.split() for row in list(rows)[1:])
            if fields[1].endswith(f":{port:04X}") and fields[3] != "0A" and int(fields[9]) in mine
        )


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def ask(client: http.client.HTTPConnection) -> None:
    client.request("GET", "/api/v1/domains")  # no token: a 401, answered by a worker, kept alive
    response = client.getresponse()
    response.read()
    assert response.status == 401 and not response.will_close


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    with kzreg_web(
        tmp_path_factory.mktemp("balance"), lambda process, _port: len(children(process.pid)) >= 2,
        KZREG_WEB_WORKERS="2", KZREG_WEB_THREADS="2",
    ) as (port, process):  # fmt: skip
        yield port, process.pid


def test_kept_alive_connections_are_spread_evenly_and_a_new_one_goes_to_the_worker_with_fewer(web):
    port, arbiter = web
    workers = children(arbiter)
    assert len(workers) == 2
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
    try:
        for client in clients:  # one after another, as a client's pool opens them
            ask(client)
        held = [worker_of(client, port, workers) for client in clients]
        assert sorted(held.count(pid) for pid in workers) == [2, 2], held
        for client in clients:
            ask(client)  # still kept, still where they were
        assert [worker_of(client, port, workers) for client in clients] == held
        first = held[0]
        for client, holder in zip(clients, held, strict=True):
            if holder == first:
                client.close()  # the first worker now holds none
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and connections_of(first, port):
            time.sleep(0.05)  # the worker counts a connection out just before it closes it
        fifth = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        clients.append(fifth)
        ask(fifth)
        assert worker_of(fifth, port, workers) == first
    finally:
        for client in clients:
            client.close()


def test_a_worker_killed_is_replaced_and_the_split_stays_even(web):
    """The dead worker's slot is found dead and given to its replacement; the new worker gets its share."""
    import signal

    port, arbiter = web
    before = children(arbiter)
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (len(now := children(arbiter)) < 2 or before[0] in now):
        time.sleep(0.1)
    workers = children(arbiter)
    assert len(workers) == 2 and before[0] not in workers
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(4)]
    try:
        for client in clients:  # the replacement may still be loading: it is left its share meanwhile
            ask(client)
        held = [worker_of(client, port, workers) for client in clients]
        assert sorted(held.count(pid) for pid in workers) == [2, 2], held
    finally:
        for client in clients:
            client.close()


def test_the_pid_set_twice_around_the_fork_marks_the_slot_booting_once():
    """gunicorn sets `pid` in the arbiter after the fork and in the child; whichever comes second must not
    mark a worker that already serves as booting again."""
    worker = balance.BalancedThreadWorker.__new__(balance.BalancedThreadWorker)
    worker._slot, worker._connections = balance.claim_slot(), 0
    try:
        worker.pid = os.getpid()
        assert cells_of(balance._CELLS, worker._slot)[2] > 0  # booting
        balance._write(worker._slot, 2, 0)  # what `run` writes once the application is loaded
        worker.pid = os.getpid()
        assert cells_of(balance._CELLS, worker._slot) == (os.getpid(), 0, 0)
    finally:
        balance._write(worker._slot, 0, 0)
