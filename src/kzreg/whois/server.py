"""The port-43 WHOIS server (RFC 3912): one query line in, the answer out, then the server closes.

A thin protocol class over `Lookup`. Defences, each so that one client cannot disturb the others:
a token bucket per client network (IPv4 /24, IPv6 /64 by default: `kzreg.whois.networks`; a clear
notice, no lookup), a query length limit, a short timeout for the first byte (shorter still when the
server is busy) and a longer one for the whole line, caps on open connections in all and per network
where a new connection sheds the oldest idle one instead of being refused (`kzreg.whois.slots`), and
a write timeout for clients that never read. Lookups run in the event loop itself: the cache and the
answer store are local reads, cheaper than a hand-off to a thread; only a lookup in a PostgreSQL
registry (a name without a fresh stored answer, handles, hosts) goes to the one database thread.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from kzreg.core import clock
from kzreg.whois.limits import Limits, RateLimiter
from kzreg.whois.lookup import Answer, Lookup
from kzreg.whois.networks import network_key
from kzreg.whois.query import Query
from kzreg.whois.slots import Slots
from kzreg.whois.texts import Notice, notice_text

log = logging.getLogger("kzreg.whois")
LINGER = 2.0  # seconds a refused connection is drained before it is cut
BUSY = notice_text(Notice.BUSY).encode("utf-8")
SWEEP = 0.25  # seconds between checks for connections that sent nothing
BUSY_SHARE = 0.5  # above this share of max_connections open, the busy idle timeout applies


@lru_cache(maxsize=4096)
def rate_notice(network: str, seconds: int) -> bytes:
    """The rate-limit notice, made once per network and wait: a flood is refused at the cost of a lookup."""
    return notice_text(Notice.RATE_LIMITED, address=network, seconds=seconds).encode("utf-8")


Batch = list[tuple["WhoisProtocol", str]]


class ServerState:
    """What all connections of one server share."""

    def __init__(self, lookup: Lookup, limits: Limits, limiter: RateLimiter):
        self.lookup = lookup
        self.limits = limits
        self.limiter = limiter
        self.network = network_key(limits.ipv4_prefix, limits.ipv6_prefix)
        self.slots = Slots(limits.max_connections, limits.max_per_network)
        self.busy_above = int(limits.max_connections * BUSY_SHARE)
        self.answered = 0
        self.now = 0.0  # the loop's time at the last sweep: connections note it instead of starting a timer
        self.sweeper: asyncio.TimerHandle | None = None
        self.pending: Batch = []
        # PostgreSQL: one thread owns the database connection (live lookups, the change poll); the cache
        # and the answer store stay in the loop.
        self.database_thread: ThreadPoolExecutor | None = None

    def ask(self, protocol: WhoisProtocol, text: str) -> None:
        """Queues a query; the queries read in one turn of the event loop are answered together."""
        self.pending.append((protocol, text))
        if len(self.pending) == 1:
            asyncio.get_running_loop().call_soon(self.answer_pending)

    def answer_pending(self) -> None:
        """Answers the queued queries from the cache and the answer store, here in the loop; what needs
        the registry database is looked up here too (SQLite), or (PostgreSQL) in the database thread, so
        that the loop keeps serving during the round trip."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        lookup, at = self.lookup, clock.now()
        try:
            answers, live = lookup.answer_known([text for _, text in batch], at)
            if live and self.database_thread is None:
                lookup.settle(answers, live, lookup.look_up_live(list(live), at))
                live = {}
        except Exception:  # a database hiccup must not kill the server or show a traceback
            self.lookup_failed(batch)
            return
        if not live:
            self.reply(batch, answers)
            return
        future = asyncio.get_running_loop().run_in_executor(self.database_thread, lookup.look_up_live, list(live), at)
        future.add_done_callback(lambda done: self.live_done(batch, answers, live, done))

    def live_done(
        self, batch: Batch, answers: list[Answer | None], live: dict[Query, list[int]], done: asyncio.Future
    ) -> None:
        try:
            self.lookup.settle(answers, live, done.result())
        except Exception:
            self.lookup_failed(batch)
            return
        self.reply(batch, answers)

    def lookup_failed(self, batch: Batch) -> None:
        log.exception("WHOIS lookup failed for %r", [text for _, text in batch])
        for protocol, _ in batch:
            protocol.finish(BUSY)
        self.answered += len(batch)

    def reply(self, batch: Batch, answers: list[Answer | None]) -> None:
        self.answered += len(batch)
        for (protocol, _), answer in zip(batch, answers, strict=True):
            protocol.finish(answer.data)  # type: ignore[union-attr]  # every position is filled

    def sweep(self) -> None:
        """Every SWEEP seconds: close connections that sent no query within their read timeout.

        One timer for the whole process instead of one per connection (a timer costs more than the
        rest of a cached answer). A connection notes the last sweep's time, up to SWEEP before it opened,
        so a timeout counts from there plus SWEEP: it ends up to two sweeps late, never early."""
        loop = asyncio.get_running_loop()
        self.now = loop.time()
        self.close_idle(self.now)
        self.slots.cut_lingering(self.now - LINGER)
        self.sweeper = loop.call_later(SWEEP, self.sweep)

    def idle_timeout(self) -> float:
        """Seconds a connection may stay silent: fewer while the server is busy."""
        limits = self.limits
        return limits.busy_idle_timeout if self.slots.total > self.busy_above else limits.idle_timeout

    def close_idle(self, now: float) -> None:
        """Times out silent connections after the idle timeout, started lines after the read timeout.
        Walks the sheddable connections oldest first and stops at the first too young for either."""
        silent, whole = self.idle_timeout(), self.limits.read_timeout
        first = min(silent, whole) + SWEEP
        expired = []
        for protocol in self.slots.sheddable:
            if protocol.done:
                continue  # refused (draining) or closing
            age = now - protocol.opened
            if age < first:
                break
            if age >= (whole if protocol.started else silent) + SWEEP:
                expired.append(protocol)
        for protocol in expired:
            protocol.read_timed_out(whole if protocol.started else silent)


class WhoisProtocol(asyncio.Protocol):
    def __init__(self, state: ServerState):
        self.state = state
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.key = ""  # the client's network
        self.opened = state.now
        self.counted = False  # holds a connection slot
        self.started = False  # some of the query has arrived
        self.asked = False  # the query is read and waits for its batch
        self.done = False
        self.lingering = False

    # connection life
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not asyncio.Transport
        peer = transport.get_extra_info("peername")
        state = self.state
        self.key = state.network(peer[0] if peer else "")
        wait = state.limiter.allow(self.key)
        if wait:  # refused: it takes a slot (to drain) but sheds no one
            state.slots.admit(self, shed=False)
            self.refuse(rate_notice(self.key, RateLimiter.whole_seconds(wait)))
        elif not state.slots.admit(self):
            self.refuse(BUSY)

    def connection_lost(self, exc: Exception | None) -> None:
        self.done = True
        self.state.slots.release(self)

    def shed(self) -> None:
        """Another connection needs the slot: a refused one is cut, an idle one told and closed."""
        if self.lingering:
            if self.transport is not None:
                self.transport.abort()
            return
        self.finish(BUSY)

    # reading the query
    def data_received(self, data: bytes) -> None:
        if self.done or self.asked:
            return
        self.started = True
        self.buffer += data
        end = self.buffer.find(b"\n")
        if end >= 0:
            self.answer(bytes(self.buffer[:end]))
        elif len(self.buffer) >= self.state.limits.max_query:
            self.refuse(notice_text(Notice.TOO_LONG, limit=self.state.limits.max_query).encode("utf-8"))

    def eof_received(self) -> bool:
        """A client that half-closes after its query without a line end still gets its answer."""
        if not (self.done or self.asked):
            self.answer(bytes(self.buffer))
        return not self.lingering  # a refused client has read our notice: close now

    def read_timed_out(self, seconds: float) -> None:
        if not (self.done or self.asked):
            self.finish(notice_text(Notice.TIMEOUT, seconds=seconds))

    def answer(self, line: bytes) -> None:
        if len(line) + 1 > self.state.limits.max_query:
            self.finish(notice_text(Notice.TOO_LONG, limit=self.state.limits.max_query))
            return
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError:
            self.finish(notice_text(Notice.INVALID))
            return
        self.asked = True
        self.state.slots.answering(self)
        self.state.ask(self, text)

    def refuse(self, notice: bytes) -> None:
        """Send the notice and half-close, but read (and drop) what the client still sends for a moment:
        closing with unread input would reset the connection and lose the notice on the way. The sweep
        cuts it after LINGER (no timer per refusal: a flood is mostly refusals); until then its slot
        can be shed."""
        if self.done or self.transport is None:
            return
        self.done = self.lingering = True
        self.transport.write(notice)
        self.transport.write_eof()
        self.state.slots.linger(self, self.state.now)

    def finish(self, reply: str | bytes) -> None:
        """Send the reply and close; a client that never reads is cut off after the write timeout."""
        if self.done or self.transport is None:
            return
        self.done = True
        self.transport.write(reply if isinstance(reply, bytes) else reply.encode("utf-8"))
        self.transport.close()
        if self.transport.get_write_buffer_size():
            asyncio.get_running_loop().call_later(self.state.limits.write_timeout, self.transport.abort)


async def start_server(
    lookup: Lookup,
    limits: Limits,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Callable[[], float] | None = None,
    reuse_port: bool = False,
    database_thread: bool = False,
) -> tuple[asyncio.Server, ServerState]:
    """A listening server (port 0 = an ephemeral port, for tests) and its shared state."""
    limiter = RateLimiter(limits.rate, limits.burst, limits.tracked_addresses, **({"clock": clock} if clock else {}))
    state = ServerState(lookup, limits, limiter)
    if database_thread:
        state.database_thread = ThreadPoolExecutor(1, thread_name_prefix="whois-db")
    state.sweep()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: WhoisProtocol(state), host, port, reuse_port=reuse_port, backlog=1024, family=socket.AF_UNSPEC
    )
    return server, state
