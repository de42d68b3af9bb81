"""WHOIS fixtures: domains made through the operations, and a real port-43 server on an ephemeral port."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field

import pytest

from kzreg.registry.reads.connection import open_raw_database
from kzreg.registry.zones import forget_zones
from kzreg.whois.answers import StoredAnswers
from kzreg.whois.limits import Limits
from kzreg.whois.lookup import Lookup
from kzreg.whois.server import ServerState, start_server
from tests.conftest import person


class FakeClock:
    """Monotonic seconds that only move when a test says so (for the rate limiter)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RunningServer:
    port: int
    state: ServerState
    loop: asyncio.AbstractEventLoop
    clock: FakeClock
    protocols: list = field(default_factory=list)

    def query(self, text: str | bytes, timeout: float = 10) -> str:
        """One RFC 3912 exchange: send the line, read until the server closes."""
        data = text if isinstance(text, bytes) else (text + "\r\n").encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(data)
            return read_all(sock).decode("utf-8")

    def call(self, fn, *args):  # type: ignore[no-untyped-def]
        """Runs `fn(*args)` in the server's loop and waits for it (e.g. to fire a timer now)."""
        done = threading.Event()

        def run() -> None:
            try:
                fn(*args)
            finally:
                done.set()

        self.loop.call_soon_threadsafe(run)
        assert done.wait(10)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(autouse=True)
def fresh_page_limit():
    """The web page's buckets live in the process: each test starts with full ones."""
    from kzreg.whois import pagelimit

    pagelimit.reset()
    yield
    pagelimit.reset()


@pytest.fixture(autouse=True)
def answer_store(settings, tmp_path):
    """Each test has its own answer store file (the store lives outside the test database)."""
    settings.KZREG_ANSWER_STORE = str(tmp_path / "answers.sqlite3")
    return tmp_path / "answers.sqlite3"


@pytest.fixture
def whois_server_factory(transactional_db):
    """`start(**limits)` → a RunningServer in a thread with its own event loop and DB connection."""
    started: list[tuple[asyncio.AbstractEventLoop, threading.Thread]] = []
    forget_zones()

    def start(
        cache_size: int = 0, stored: bool = False, database_thread: bool = False, host: str = "127.0.0.1", **limits
    ) -> RunningServer:
        loop = asyncio.new_event_loop()
        clock = FakeClock()
        ready = threading.Event()
        box: dict = {}

        async def main() -> None:
            db = open_raw_database()
            answers = StoredAnswers() if stored else None
            if answers is not None:
                answers.reload_state()
            server, state = await start_server(
                Lookup(db, cache_size=cache_size, stored=answers), Limits(**limits), host, 0, clock=clock,
                database_thread=database_thread,
            )  # fmt: skip
            box.update(server=server, state=state, db=db, port=server.sockets[0].getsockname()[1])
            ready.set()

        def run() -> None:
            loop.run_until_complete(main())
            loop.run_forever()
            box["server"].close()
            loop.run_until_complete(box["server"].wait_closed())
            if box["state"].database_thread is not None:
                box["state"].database_thread.shutdown(wait=True)
            box["db"].close()
            loop.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        assert ready.wait(30), "WHOIS server did not start"
        started.append((loop, thread))
        return RunningServer(box["port"], box["state"], loop, clock)

    yield start
    for loop, thread in started:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    forget_zones()


@pytest.fixture
def published(make_domain, frozen_clock):
    """Three domains: an organisation's, one on hold, and a Cyrillic one whose admin consented to publication."""
    from kzreg.core.actor import Actor, Channel
    from kzreg.registry import commands as c
    from kzreg.registry.operations import set_domain_status

    staff = Actor.registry_staff("tester", Channel.CLI)
    plain = make_domain("example.kz")
    held = make_domain("held.kz")
    set_domain_status(c.SetDomainStatus("held.kz", "hold", "court order"), staff)
    idn = make_domain("мысал.қаз", admin=person(2, disclose=True))
    return {"plain": plain, "held": held, "idn": idn}
