"""The EPP server: TLS 1.2+ over TCP (RFC 5734), one event loop per process and threads for slow commands.

A new connection is served by a thread of `CommandThreads` until it has logged in: the TLS handshake, the
greeting and the frames up to a successful login, blocking, as a thread per session did. Then it joins the
process's loop (`selectors`: epoll on Linux) over the listening socket and every logged-in connection's
non-blocking TLS socket, which reads and frames what arrives and answers a `<check>`, `<hello>`,
`<logout>` and every refusal that needs no handler right there, in the loop's thread. A command that may
take long (an operation's writes and commit, an `<info>`, a `<poll>`) goes to a command thread; its
session reads nothing more until that answer is written, so a session's commands are answered in order.
Each thread (and the loop) keeps its Django database connection from one command to the next.

Why: with a thread per session, every frame, every answer and every database reply woke a thread that then
waited for the interpreter lock another session's thread held, and a check cost over TLS about twice its
work in process; the loop wakes once for whatever is ready on all its connections and hands no lock over
for a check (ADR 0014, docs/benchmarks/eppcheck.md). Several processes may share the port
(`SO_REUSEPORT`, `KZREG_EPP_WORKERS`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import ipaddress
import logging
import os
import queue
import selectors
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django import db
from django.db.backends.base.base import BaseDatabaseWrapper

from kzreg.epp import framing
from kzreg.epp.session import EppSession, Pending, Reply, ServerContext, checks_read_together
from kzreg.epp.session_codes import EppCode

log = logging.getLogger("kzreg.epp")


def resumed_certificate_expiry(sock: ssl.SSLSocket) -> dt.datetime | None:
    """When the client certificate of a resumed TLS session expires (None after a full handshake).

    A full handshake verified the certificate's dates just now; a resumed one carries the certificate its
    session was made with, up to the ticket's lifetime ago, so the login checks its expiry (ADR 0009).
    """
    if not sock.session_reused:
        return None
    info = sock.getpeercert()
    if not info or "notAfter" not in info:
        return None
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(str(info["notAfter"])), dt.UTC)


@dataclass
class ServerConfig:
    cert: Path
    key: Path
    client_ca: Path
    host: str = "127.0.0.1"
    port: int = 7000
    limits: framing.Limits = field(default_factory=framing.Limits)
    max_sessions: int = 256
    reuse_port: bool = False
    send_buffer: int | None = None  # SO_SNDBUF of each connection (tests shrink it)


def tls_context(config: ServerConfig) -> ssl.SSLContext:
    """TLS 1.2 or later; a client certificate is requested (not required, so that a login without one is
    answered 2200 and logged) and, when given, must chain to the client CA.

    Sessions may be resumed (TLS 1.3 tickets, OpenSSL's defaults: encrypted under a key made with the
    context, valid two hours, a fresh ECDHE exchange on resumption): a resumed session keeps the client
    certificate it was made with, which the login pins as on a full handshake. One ticket per handshake
    (OpenSSL sends two; kzreg's client keeps the latest). `kzreg epp serve --workers N` makes the context
    before forking, so every worker accepts the others' tickets (docs/epp.md "TLS sessions")."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.cert, config.key)
    context.load_verify_locations(cafile=str(config.client_ca))
    context.verify_mode = ssl.CERT_OPTIONAL
    context.num_tickets = 1
    return context


def _peer_address(address: tuple) -> str:
    """The client's IP address as text; an IPv4-mapped IPv6 address as IPv4."""
    ip = ipaddress.ip_address(address[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip)


def _close_if_broken(connection: BaseDatabaseWrapper) -> None:
    """After a session, closes the thread's database connection if it is broken. Django's `is_usable` asks
    the database (`SELECT 1`: a round trip per session, so per login), so it is asked only when the session
    saw a database error (Django's own rule for requests, `close_if_unusable_or_obsolete`), the driver
    knows the connection is lost, or it is not idle (psycopg's transaction status: a transaction left open)."""
    raw = connection.connection
    if raw is None:
        return
    lost = getattr(raw, "broken", False) or getattr(raw, "closed", False)
    idle = getattr(getattr(raw, "info", None), "transaction_status", 0) == 0  # psycopg's IDLE; SQLite: no status
    if connection.errors_occurred or lost or not idle:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()


class CommandThreads:
    """Threads that run the commands the loop hands over (`submit`), each keeping its database connection
    from one command to the next. A thread is started when none is idle (up to `limit`), and ends after
    `idle_timeout` seconds without work, closing its own connection."""

    def __init__(self, limit: int, idle_timeout: float = 60.0):
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.work: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0
        self.threads: set[threading.Thread] = set()

    def submit(self, job: Callable[[], None]) -> None:
        with self.lock:
            if self.idle == 0 and len(self.threads) < self.limit:
                thread = threading.Thread(target=self._run, name="epp-command", daemon=True)
                self.threads.add(thread)
                self.idle += 1
                thread.start()
            self.idle -= 1
        self.work.put(job)

    def _run(self) -> None:
        try:
            while True:
                try:
                    job = self.work.get(timeout=self.idle_timeout)
                except queue.Empty:
                    with self.lock:
                        if self.idle > 0:  # not counted as taken: nobody waits for this thread
                            self.idle -= 1
                            return
                    continue
                if job is None:
                    return
                try:
                    job()
                finally:
                    _close_if_broken(db.connection)
                    with self.lock:
                        self.idle += 1
        finally:
            db.connection.close()
            with self.lock:
                self.threads.discard(threading.current_thread())

    def stop(self, timeout: float = 5.0) -> None:
        with self.lock:
            threads = list(self.threads)
        for _ in threads:
            self.work.put(None)
        for thread in threads:
            thread.join(timeout=timeout)


# Commands the loop hands to a thread: they may wait long (a login's password hash, an operation's writes and
# commit) or read more than one statement. Everything else (`<check>` of any object, `<logout>`, refusals that
# need no handler) is answered in the loop.
THREADED_VERBS = frozenset({"login", "info", "create", "update", "delete", "renew", "transfer", "poll"})

_OPEN, _BUSY, _WRITING, _QUEUED, _CLOSED = range(5)
_IDLE, _FRAME, _WRITE = "idle", "frame", "write"  # what a connection's deadline is for


class _Connection:
    """One client's socket and session, touched only by the loop's thread (a command thread gets the session
    while the connection is `_BUSY`, and the loop reads nothing of it until the answer is back)."""

    __slots__ = ("close_after", "deadline", "events", "fd", "inbox", "outbox", "over_limit", "peer", "session",
                 "sock", "state", "waiting_for")  # fmt: skip

    def __init__(self, sock: ssl.SSLSocket, peer: str, over_limit: bool):
        self.sock = sock
        self.fd = sock.fileno()
        self.peer = peer
        self.over_limit = over_limit
        self.state = _BUSY  # its TLS handshake and login, in a command thread
        self.session: EppSession | None = None
        self.inbox = bytearray()
        self.outbox = b""
        self.close_after = False
        self.deadline = 0.0
        self.waiting_for = ""
        self.events = 0  # what the selector watches for (0: not registered)


class EppServer:
    def __init__(self, config: ServerConfig, context: ServerContext | None = None, tls: ssl.SSLContext | None = None):
        """`tls`: a context made beforehand (`tls_context(config)`, shared by forked workers); else one is made."""
        self.config = config
        self.context = context or ServerContext()
        self.tls = tls or tls_context(config)
        self.listener: socket.socket | None = None
        self.connections: dict[int, _Connection] = {}  # by file descriptor
        self.lock = threading.Lock()  # guards `connections` for readers in other threads
        self.stopping = threading.Event()
        self.accept_thread: threading.Thread | None = None
        self.threads = CommandThreads(config.max_sessions)
        self.selector: selectors.BaseSelector | None = None
        self.answered: deque[tuple[_Connection, Reply | None]] = deque()  # from the command threads
        self.handshaken: deque[tuple[_Connection, EppSession | None]] = deque()  # likewise
        self.checks: list[tuple[_Connection, Pending]] = []  # the checks that came in one turn of the loop
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)
        self._next_deadline = 0.0

    @property
    def port(self) -> int:
        assert self.listener is not None
        return int(self.listener.getsockname()[1])

    @property
    def sessions_open(self) -> int:
        with self.lock:
            return len(self.connections)

    def bind(self) -> int:
        family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if self.config.reuse_port:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((self.config.host, self.config.port))
        listener.listen(128)
        self.listener = listener
        return self.port

    def start(self) -> int:
        """Binds and runs the loop in a background thread (tests, the benchmark); returns the port."""
        port = self.bind()
        self.accept_thread = threading.Thread(target=self.serve_forever, name="epp-loop", daemon=True)
        self.accept_thread.start()
        return port

    def stop(self) -> None:
        self.stopping.set()
        self._wake()
        if self.accept_thread is not None and self.accept_thread is not threading.current_thread():
            self.accept_thread.join(timeout=5)
        self.threads.stop()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full: the loop is awake already
            self._wake_write.send(b"\0")

    # ---- the loop ----

    def serve_forever(self) -> None:
        if self.listener is None:
            self.bind()
        assert self.listener is not None
        self.listener.setblocking(False)
        self.selector = selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ, None)
        selector.register(self._wake_read, selectors.EVENT_READ, self._wake_read)
        try:
            while not self.stopping.is_set():
                now = time.monotonic()
                timeout = min(max(self._next_deadline - now, 0.0), 1.0)
                for key, events in selector.select(timeout):
                    data = key.data
                    if data is None:
                        self._accept()
                    elif data is self._wake_read:
                        with contextlib.suppress(OSError):
                            self._wake_read.recv(4096)
                    else:
                        self._ready(data, events)
                if self.checks:
                    self._answer_checks()
                while self.handshaken:
                    self._opened(*self.handshaken.popleft())
                while self.answered:
                    connection, reply = self.answered.popleft()
                    self._answered(connection, reply)
                if time.monotonic() >= self._next_deadline:
                    self._expire()
        finally:
            self._close_all()

    def _close_all(self) -> None:
        for connection in list(self.connections.values()):
            if connection.state == _BUSY:  # a thread may be blocked reading it (before its login): wake it
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(connection.sock, socket.SHUT_RDWR)
            self._close(connection)
        if self.selector is not None:
            self.selector.close()
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.close()
        for sock in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        assert self.listener is not None
        while True:
            try:
                raw, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:
                log.warning("accept failed: %s", error)
                return
            try:
                peer = _peer_address(address)
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.config.send_buffer:
                    raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.config.send_buffer)
                raw.setblocking(False)
                sock = self.tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
            except (OSError, ValueError) as error:
                log.info("accept: %s", error)
                with contextlib.suppress(OSError):
                    raw.close()
                continue
            with self.lock:
                over_limit = len(self.connections) >= self.config.max_sessions
                connection = _Connection(sock, peer, over_limit)
                self.connections[connection.fd] = connection
            connection.state = _BUSY
            self.threads.submit(functools.partial(self._handshake, connection))

    def _ready(self, connection: _Connection, events: int) -> None:
        try:
            if connection.state == _WRITING:
                if self._flush(connection):
                    self._answer_frames(connection)
            elif connection.state == _OPEN:
                self._receive(connection)
                if connection.state == _OPEN:
                    self._answer_frames(connection, self.checks)
        except Exception:
            log.exception("peer=%s: the connection failed", connection.peer)
            self._close(connection)

    def _answer_checks(self) -> None:
        """Answers the checks that came in this turn of the loop, their domain names read with one statement
        (`checks_read_together`) when there are several."""
        checks, self.checks = self.checks, []
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(checks_read_together([pending for _, pending in checks]))
            except Exception:  # each check reads for itself (and its handler answers the error)
                log.exception("reading %d checks together failed", len(checks))
            for connection, pending in checks:
                if connection.state != _QUEUED:
                    continue
                connection.state = _OPEN
                try:
                    assert connection.session is not None
                    reply = connection.session.run(pending)
                    if self._send(connection, reply.frame, reply.close):
                        self._answer_frames(connection)
                except Exception:
                    log.exception("peer=%s: the connection failed", connection.peer)
                    self._close(connection)

    def _watch(self, connection: _Connection, events: int) -> None:
        """Has the selector watch the connection's socket for `events` (0: for nothing)."""
        if events == connection.events:
            return
        assert self.selector is not None
        if connection.events == 0:
            self.selector.register(connection.sock, events, connection)
        elif events == 0:
            self.selector.unregister(connection.sock)
        else:
            self.selector.modify(connection.sock, events, connection)
        connection.events = events

    def _set_deadline(self, connection: _Connection, waiting_for: str, seconds: float) -> None:
        connection.waiting_for = waiting_for
        connection.deadline = deadline = time.monotonic() + seconds
        if deadline < self._next_deadline:
            self._next_deadline = deadline

    def _expire(self) -> None:
        """Acts on every connection whose deadline passed; sets when to look again."""
        _close_if_broken(db.connection)  # the loop's own, after a failed command (looked at once a second)
        now = time.monotonic()
        following = now + 1.0
        for connection in list(self.connections.values()):
            if connection.state in (_BUSY, _QUEUED, _CLOSED) or not connection.waiting_for:
                continue
            if connection.deadline <= now:
                self._timed_out(connection)
            elif connection.deadline < following:
                following = connection.deadline
        self._next_deadline = following

    def _timed_out(self, connection: _Connection) -> None:
        limits = self.config.limits
        waiting_for = connection.waiting_for
        if waiting_for == _WRITE:
            reason = f"the client did not read a response for {limits.write_timeout:g} seconds"
            log.info("peer=%s dropped: %s", connection.peer, reason)
            self._close(connection)
            return
        if waiting_for == _FRAME:
            error: framing.FrameError = framing.PartialFrame(
                f"frame incomplete after {limits.frame_timeout:g} seconds ({len(connection.inbox)} of "
                f"{self._wanted(connection)} bytes)"
            )
        else:
            error = framing.IdleTimeout(f"no command for {limits.idle_timeout:g} seconds")
        self._end_with(connection, error)

    @staticmethod
    def _wanted(connection: _Connection) -> int:
        inbox = connection.inbox
        return framing.HEADER.unpack_from(inbox)[0] if len(inbox) >= framing.HEADER_SIZE else framing.HEADER_SIZE

    def _end_with(self, connection: _Connection, error: framing.FrameError) -> None:
        """Closes a connection the framing cannot go on with, answering 2500 first when it may."""
        log.info("peer=%s closing: %s", connection.peer, error.reason)
        if not error.answerable or connection.session is None:
            self._close(connection)
            return
        timeout = isinstance(error, framing.IdleTimeout | framing.PartialFrame)
        reply = connection.session.closing(2500, EppCode.TIMEOUT if timeout else EppCode.FRAME, reason=error.reason)
        connection.inbox.clear()
        connection.state = _OPEN  # a frame waiting for the client to read is replaced: the connection ends
        self._send(connection, reply.frame, close=True)

    def _handshake(self, connection: _Connection) -> None:
        """In a command thread, a new connection until its login: the TLS handshake (blocking, under the
        handshake timeout; OpenSSL lets go of the interpreter lock, so handshakes run side by side and none
        holds the loop), the greeting, and the frames up to a successful login, answered here as a thread
        per session did (no hand-over to the loop and back per command: a login is a few database round
        trips and a commit). Then the connection goes to the loop, with what the client sent after."""
        sock = connection.sock
        limits = self.config.limits
        session: EppSession | None = None
        try:
            sock.settimeout(limits.handshake_timeout)
            try:
                sock.do_handshake()
            except (ssl.SSLError, OSError, ValueError) as error:
                log.info("peer=%s TLS handshake failed: %s", connection.peer, error)
                return
            certificate = sock.getpeercert(binary_form=True)
            session = EppSession(self.context, connection.peer, certificate, resumed_certificate_expiry(sock))
            if connection.over_limit:
                reply = session.closing(2502, EppCode.FRAME, reason="too many sessions")
                framing.write(sock, reply.frame, limits.write_timeout)
                session = None
                return
            reader = framing.FrameReader(sock, limits)
            framing.write(sock, session.greeting(), limits.write_timeout)
            while session.session is None:
                try:
                    payload = reader.read()
                except framing.FrameError as error:
                    log.info("peer=%s closing: %s", session.peer, error.reason)
                    if error.answerable:
                        timeout = isinstance(error, framing.IdleTimeout | framing.PartialFrame)
                        code = EppCode.TIMEOUT if timeout else EppCode.FRAME
                        framing.write(
                            sock, session.closing(2500, code, reason=error.reason).frame, limits.write_timeout
                        )
                    session = None
                    return
                reply = session.handle(payload)
                framing.write(sock, reply.frame, limits.write_timeout)
                if reply.close or self.stopping.is_set():
                    session = None
                    return
            connection.inbox = reader.buffer
            sock.setblocking(False)
        except framing.FrameError as error:
            log.info("peer=%s dropped: %s", connection.peer, error.reason)
            session = None
        except Exception:
            log.exception("peer=%s: the connection failed before its login", connection.peer)
            session = None
        finally:
            self.handshaken.append((connection, session))
            self._wake()

    def _opened(self, connection: _Connection, session: EppSession | None) -> None:
        """In the loop, after the login: the session's commands from now on (None: the thread ended it)."""
        if connection.state != _BUSY:  # closed meanwhile (the server stopping)
            return
        if session is None:
            self._close(connection)
            return
        connection.session = session
        connection.state = _OPEN
        try:
            self._answer_frames(connection)
        except Exception:
            log.exception("peer=%s: the connection failed", connection.peer)
            self._close(connection)

    def _receive(self, connection: _Connection) -> None:
        """Reads what the socket has (and what TLS holds decrypted), then answers the frames it completes."""
        sock = connection.sock
        try:
            while True:
                chunk = sock.recv(framing.CHUNK)
                if not chunk:
                    log.info("peer=%s closing: the client closed the connection", connection.peer)
                    self._close(connection)
                    return
                connection.inbox += chunk
                if not sock.pending():
                    break
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        except (ssl.SSLError, OSError) as error:
            log.info("peer=%s closing: connection error: %s", connection.peer, error.__class__.__name__)
            self._close(connection)

    def _answer_frames(self, connection: _Connection, checks: list[tuple[_Connection, Pending]] | None = None) -> None:
        """Answers the whole frames in the connection's inbox, in order, until one goes to a thread or an
        answer waits for the client to read; then watches for what comes next. With `checks`, a `<check>` is
        put there instead, to be answered with the others that came in the same turn of the loop."""
        session = connection.session
        assert session is not None
        limits = self.config.limits
        while connection.state == _OPEN:
            try:
                payload = framing.take_frame(connection.inbox, limits.max_frame)
            except framing.BadHeader as error:
                self._end_with(connection, error)
                return
            if payload is None:
                if connection.inbox:
                    if connection.waiting_for != _FRAME:  # a frame's first bytes: it must be whole in time
                        self._set_deadline(connection, _FRAME, limits.frame_timeout)
                elif connection.waiting_for != _IDLE:
                    self._set_deadline(connection, _IDLE, limits.idle_timeout)
                self._watch(connection, selectors.EVENT_READ)
                return
            step = session.prepare(payload)
            if isinstance(step, Pending) and step.verb in THREADED_VERBS:
                connection.state = _BUSY
                self._watch(connection, 0)
                self.threads.submit(functools.partial(self._run, connection, step))
                return
            if checks is not None and isinstance(step, Pending) and step.verb == "check":
                connection.state = _QUEUED
                checks.append((connection, step))
                return
            reply = step if isinstance(step, Reply) else session.run(step)
            if not self._send(connection, reply.frame, reply.close):
                return

    def _run(self, connection: _Connection, pending: Pending) -> None:
        """In a command thread: the command's answer, handed back to the loop."""
        assert connection.session is not None
        reply: Reply | None = None
        try:
            reply = connection.session.run(pending)
        except Exception:
            log.exception("peer=%s: a command failed outside its handler", connection.peer)
        self.answered.append((connection, reply))
        self._wake()

    def _answered(self, connection: _Connection, reply: Reply | None) -> None:
        if connection.state != _BUSY:  # closed meanwhile (the server stopping)
            return
        connection.state = _OPEN
        if reply is None:
            self._close(connection)
            return
        try:
            if self._send(connection, reply.frame, reply.close):
                self._answer_frames(connection)
        except Exception:
            log.exception("peer=%s: the connection failed", connection.peer)
            self._close(connection)

    def _send(self, connection: _Connection, payload: bytes, close: bool = False) -> bool:
        """Writes a frame, or as much as the socket takes now and the rest when it can (under the write
        deadline), then closes the connection when `close`. True when it was written whole and the
        connection goes on (the caller answers what else is waiting)."""
        if connection.state != _OPEN:
            return False
        connection.outbox = framing.encode(payload)
        connection.close_after = close
        connection.state = _WRITING
        connection.waiting_for = ""
        return self._flush(connection)

    def _flush(self, connection: _Connection) -> bool:
        try:
            connection.sock.send(connection.outbox)  # all of it or nothing new (TLS without partial writes)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError, BlockingIOError):
            if connection.waiting_for != _WRITE:
                self._set_deadline(connection, _WRITE, self.config.limits.write_timeout)
            self._watch(connection, selectors.EVENT_WRITE)
            return False
        except (ssl.SSLError, OSError) as error:
            log.info("peer=%s dropped: connection error while writing: %s", connection.peer, error.__class__.__name__)
            self._close(connection)
            return False
        connection.outbox = b""
        if connection.close_after:
            self._close(connection)
            return False
        connection.state = _OPEN
        connection.waiting_for = ""
        return True

    def _close(self, connection: _Connection) -> None:
        if connection.state == _CLOSED:
            return
        connection.state = _CLOSED
        if connection.events and self.selector is not None:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.selector.unregister(connection.sock)
            connection.events = 0
        with self.lock:
            self.connections.pop(connection.fd, None)
        with contextlib.suppress(OSError):
            connection.sock.close()


def worker_count() -> int:
    return max(1, int(os.environ.get("KZREG_EPP_WORKERS") or 1))
