"""The EPP server: TLS 1.2+ over TCP (RFC 5734), one thread per connection.

Each connection's thread does the TLS handshake (a client certificate is asked for; see
docs/epp.md "Access and login" for how it is checked), writes the greeting, then reads frames and answers
them in order through `EppSession`. The thread keeps its Django database connection from one session
to the next, and a command costs no hand-off between threads: measured against the same sessions behind
asyncio (uvloop) with a thread pool, it answers more checks and half again as many logins per second with
less CPU (docs/benchmarks.md, `bench/bench_epp.py --asyncio`). Several processes may share the port
(`SO_REUSEPORT`, `KZREG_EPP_WORKERS`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
import os
import queue
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django import db
from django.db.backends.base.base import BaseDatabaseWrapper

from kzreg.epp import framing
from kzreg.epp.session import EppSession, ServerContext
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


class SessionThreads:
    """Threads that serve one connection at a time and keep their database connection from one session to
    the next, so a new EPP session costs no new database connection. A thread is started when none is idle
    (up to `limit`), and ends after `idle_timeout` seconds without a connection, closing its own."""

    def __init__(self, serve: Callable[[socket.socket, tuple], None], limit: int, idle_timeout: float = 60.0):
        self.serve = serve
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.work: queue.SimpleQueue[tuple[socket.socket, tuple] | None] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0
        self.threads: set[threading.Thread] = set()

    def submit(self, sock: socket.socket, address: tuple) -> None:
        with self.lock:
            if self.idle == 0 and len(self.threads) < self.limit:
                thread = threading.Thread(target=self._run, name="epp-session", daemon=True)
                self.threads.add(thread)
                self.idle += 1
                thread.start()
            self.idle -= 1
        self.work.put((sock, address))

    def _run(self) -> None:
        try:
            while True:
                try:
                    item = self.work.get(timeout=self.idle_timeout)
                except queue.Empty:
                    with self.lock:
                        if self.idle > 0:  # not counted as taken: nobody waits for this thread
                            self.idle -= 1
                            return
                    continue
                if item is None:
                    return
                try:
                    self.serve(*item)
                finally:
                    with self.lock:
                        self.idle += 1
                    _close_if_broken(db.connection)
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


class EppServer:
    def __init__(self, config: ServerConfig, context: ServerContext | None = None, tls: ssl.SSLContext | None = None):
        """`tls`: a context made beforehand (`tls_context(config)`, shared by forked workers); else one is made."""
        self.config = config
        self.context = context or ServerContext()
        self.tls = tls or tls_context(config)
        self.listener: socket.socket | None = None
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.accept_thread: threading.Thread | None = None
        self.threads = SessionThreads(self._serve, config.max_sessions)

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

    def serve_forever(self) -> None:
        if self.listener is None:
            self.bind()
        assert self.listener is not None
        while not self.stopping.is_set():
            try:
                sock, address = self.listener.accept()
            except OSError:
                if self.stopping.is_set():
                    break
                raise
            with self.lock:
                over_limit = len(self.connections) >= self.config.max_sessions
                self.connections.add(sock)
            if over_limit:  # answered 2502 in a thread of its own, not queued behind the sessions
                threading.Thread(target=self._serve, args=(sock, address, True), daemon=True).start()
            else:
                self.threads.submit(sock, address)

    def start(self) -> int:
        """Binds and accepts in a background thread (tests, the benchmark); returns the port."""
        port = self.bind()
        self.accept_thread = threading.Thread(target=self.serve_forever, name="epp-accept", daemon=True)
        self.accept_thread.start()
        return port

    def stop(self) -> None:
        self.stopping.set()
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
        with self.lock:
            for sock in list(self.connections):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        if self.accept_thread is not None:
            self.accept_thread.join(timeout=5)
        self.threads.stop()

    def _serve(self, raw: socket.socket, address: tuple, over_limit: bool = False) -> None:
        peer = _peer_address(address)
        limits = self.config.limits
        tracked: socket.socket = raw
        try:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.config.send_buffer:
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.config.send_buffer)
            raw.settimeout(limits.handshake_timeout)
            # Wrapping detaches `raw` (its descriptor moves to the TLS socket), so the TLS socket takes its
            # place among the connections before the handshake: `stop()` shuts down what is still open.
            sock = self.tls.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
            tracked = sock
            with self.lock:
                self.connections.discard(raw)
                self.connections.add(sock)
            try:
                sock.do_handshake()
            except (ssl.SSLError, OSError) as error:
                log.info("peer=%s TLS handshake failed: %s", peer, error)
                return
            certificate = sock.getpeercert(binary_form=True)
            session = EppSession(self.context, peer, certificate, resumed_certificate_expiry(sock))
            if over_limit:
                reply = session.closing(2502, EppCode.FRAME, reason="too many sessions")
                framing.write(sock, reply.frame, limits.write_timeout)
                return
            self._converse(sock, session)
        finally:
            with self.lock:
                self.connections.discard(tracked)
            with contextlib.suppress(OSError):
                tracked.close()

    def _converse(self, sock: ssl.SSLSocket, session: EppSession) -> None:
        limits = self.config.limits
        reader = framing.FrameReader(sock, limits)
        try:
            framing.write(sock, session.greeting(), limits.write_timeout)
            while not self.stopping.is_set():
                try:
                    payload = reader.read()
                except framing.FrameError as error:
                    log.info("peer=%s closing: %s", session.peer, error.reason)
                    if error.answerable:
                        timeout = isinstance(error, framing.IdleTimeout | framing.PartialFrame)
                        reply = session.closing(
                            2500, EppCode.TIMEOUT if timeout else EppCode.FRAME, reason=error.reason
                        )
                        framing.write(sock, reply.frame, limits.write_timeout)
                    return
                reply = session.handle(payload)
                framing.write(sock, reply.frame, limits.write_timeout)
                if reply.close:
                    return
        except framing.FrameError as error:
            log.info("peer=%s dropped: %s", session.peer, error.reason)


def worker_count() -> int:
    return max(1, int(os.environ.get("KZREG_EPP_WORKERS") or 1))
