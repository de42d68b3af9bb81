"""kzreg's EPP client: TLS with a client certificate, RFC 5734 framing, the greeting, login/logout/hello,
and `request()` for any command. Used by the tests, the benchmark and the registrar wing's registry
connection; it speaks to any RFC 5730 server, not only kzreg's.

    with EppClient("localhost", 7000, cafile="ca.crt", certfile="PS-KZ.crt", keyfile="PS-KZ.key") as epp:
        epp.login("PS-KZ", "password", lang="kk")
        reply = epp.request(command("check", domain_check_element))
        reply.code, reply.results[0].message, reply.res_data
"""

from __future__ import annotations

import os
import socket
import ssl
import struct
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType

from lxml import etree

from kzreg.epp import namespaces
from kzreg.epp.xml import E, parse, qname, serialize, sub, text_of

EPP = namespaces.EPP
LOGIN_SEC = namespaces.LOGIN_SEC
# Called with every frame a client receives (the tests validate each one against the schemas).
RECEIVE_HOOKS: list[Callable[[bytes], None]] = []
# Called with every request sent through `EppClient.request` (not `send_raw`/`send`: broken input).
SEND_HOOKS: list[Callable[[bytes], None]] = []


class EppClientError(Exception):
    """The connection failed or the server sent something that is not an EPP frame."""


@dataclass(frozen=True)
class ResultInfo:
    code: int
    message: str
    lang: str
    values: tuple[etree._Element, ...]
    reasons: tuple[str, ...]  # each <extValue>'s <reason>

    @property
    def ok(self) -> bool:
        return self.code < 2000


@dataclass(frozen=True)
class Reply:
    """A parsed `<response>` (or `<greeting>`, then without results)."""

    root: etree._Element
    raw: bytes

    @property
    def response(self) -> etree._Element | None:
        return self.root.find(qname(EPP, "response"))

    @property
    def greeting(self) -> etree._Element | None:
        return self.root.find(qname(EPP, "greeting"))

    @property
    def results(self) -> list[ResultInfo]:
        response = self.response
        if response is None:
            return []
        items = []
        for result in response.iter(qname(EPP, "result")):
            msg = result.find(qname(EPP, "msg"))
            values = tuple(v for x in result.iter(qname(EPP, "value")) for v in x)
            reasons = tuple((r.text or "") for r in result.iter(qname(EPP, "reason")))
            items.append(
                ResultInfo(
                    code=int(result.get("code", "0")),
                    message=(msg.text or "") if msg is not None else "",
                    lang=msg.get("lang", "en") if msg is not None else "en",
                    values=values,
                    reasons=reasons,
                )
            )
        return items

    @property
    def code(self) -> int:
        results = self.results
        return results[0].code if results else 0

    @property
    def codes(self) -> list[int]:
        return [r.code for r in self.results]

    @property
    def ok(self) -> bool:
        return 0 < self.code < 2000

    @property
    def reasons(self) -> list[str]:
        return [reason for r in self.results for reason in r.reasons]

    def _child(self, tag: str) -> etree._Element | None:
        response = self.response
        return response.find(qname(EPP, tag)) if response is not None else None

    @property
    def res_data(self) -> etree._Element | None:
        """The first element inside `<resData>` (e.g. `<domain:chkData>`)."""
        res_data = self._child("resData")
        return res_data[0] if res_data is not None and len(res_data) else None

    @property
    def extensions(self) -> list[etree._Element]:
        extension = self._child("extension")
        return list(extension) if extension is not None else []

    @property
    def message_queue(self) -> etree._Element | None:
        return self._child("msgQ")

    @property
    def client_trid(self) -> str | None:
        trid = self._child("trID")
        return text_of(trid, EPP, "clTRID") if trid is not None else None

    @property
    def server_trid(self) -> str | None:
        trid = self._child("trID")
        return text_of(trid, EPP, "svTRID") if trid is not None else None


def envelope() -> etree._Element:
    return etree.Element(qname(EPP, "epp"), nsmap={None: EPP})


def command(
    verb: str,
    object_element: etree._Element | None = None,
    extensions: Iterable[etree._Element] = (),
    cltrid: str | None = None,
    op: str | None = None,
    **attrs: str,
) -> bytes:
    """`<epp><command><verb [op]>object</verb><extension>…</extension><clTRID/></command></epp>`."""
    root = envelope()
    node = sub(root, EPP, "command")
    verb_element = sub(node, EPP, verb, **attrs)
    if op is not None:
        verb_element.set("op", op)
    if object_element is not None:
        verb_element.append(object_element)
    extensions = list(extensions)
    if extensions:
        extension = sub(node, EPP, "extension")
        for element in extensions:
            extension.append(element)
    if cltrid:
        sub(node, EPP, "clTRID", cltrid)
    return serialize(root)


def hello() -> bytes:
    root = envelope()
    sub(root, EPP, "hello")
    return serialize(root)


def login_command(
    client_id: str,
    password: str,
    *,
    new_password: str | None = None,
    lang: str = "en",
    objects: Iterable[str] = namespaces.OBJECTS,
    extensions: Iterable[str] = namespaces.EXTENSIONS,
    user_agent: str | None = "kzreg-client",
    login_security: bool | None = None,
    cltrid: str | None = None,
) -> bytes:
    """A `<login>`; passwords longer than 16 characters (or `login_security=True`) go in RFC 8807's
    `<loginSec:pw>`/`<loginSec:newPW>` with the placeholder in the core element."""
    secure = login_security if login_security is not None else (
        len(password) > 16 or (new_password is not None and len(new_password) > 16)
    )  # fmt: skip
    root = envelope()
    node = sub(root, EPP, "command")
    login = sub(node, EPP, "login")
    sub(login, EPP, "clID", client_id)
    sub(login, EPP, "pw", "[LOGIN-SECURITY]" if secure else password)
    if new_password is not None:
        sub(login, EPP, "newPW", "[LOGIN-SECURITY]" if secure else new_password)
    options = sub(login, EPP, "options")
    sub(options, EPP, "version", "1.0")
    sub(options, EPP, "lang", lang)
    svcs = sub(login, EPP, "svcs")
    for uri in objects:
        sub(svcs, EPP, "objURI", uri)
    extensions = list(extensions)
    if extensions:
        svc_extension = sub(svcs, EPP, "svcExtension")
        for uri in extensions:
            sub(svc_extension, EPP, "extURI", uri)
    if secure or user_agent:
        extension = sub(node, EPP, "extension")
        login_sec = sub(extension, LOGIN_SEC, "loginSec")
        if user_agent:
            sub(sub(login_sec, LOGIN_SEC, "userAgent"), LOGIN_SEC, "app", user_agent)
        if secure:
            sub(login_sec, LOGIN_SEC, "pw", password)
            if new_password is not None:
                sub(login_sec, LOGIN_SEC, "newPW", new_password)
    if cltrid:
        sub(node, EPP, "clTRID", cltrid)
    return serialize(root)


def _file_key(path: str | None) -> tuple[str | None, int, int]:
    """A file as a cache key: its path, inode and modification time (a replaced certificate is a new key)."""
    if path is None:
        return (None, 0, 0)
    stat = os.stat(path)
    return (path, stat.st_ino, stat.st_mtime_ns)


class TlsCache:
    """The client's TLS contexts, one per configuration (CA, certificate and key files as they are on disk,
    host name checking), and for each context and server a few TLS sessions to resume.

    Making a context (the CA file parsed, the key loaded) cost the benchmark's client about 2 ms under
    OpenSSL 3, as much as the handshake itself, and a registrar's software reconnects with one
    configuration all day. A resumed handshake (TLS 1.3 tickets, with a fresh key exchange) skips the
    certificates' signatures on both sides; the server still gets the client certificate the session was
    made with and pins it at every login (docs/epp.md "TLS sessions"). Each ticket is used once (RFC 8446
    C.4): a connection takes one from the pool and puts back the one the server gives it."""

    def __init__(self, keep: int = 32):
        self.keep = keep
        self.lock = threading.Lock()
        self.contexts: dict[tuple, ssl.SSLContext] = {}
        self.sessions: dict[tuple, deque[ssl.SSLSession]] = {}

    def context(
        self, cafile: str | None, certfile: str | None, keyfile: str | None, check_hostname: bool
    ) -> ssl.SSLContext:
        key = (_file_key(cafile), _file_key(certfile), _file_key(keyfile or certfile), check_hostname)
        with self.lock:
            context = self.contexts.get(key)
        if context is not None:
            return context
        context = ssl.create_default_context(cafile=cafile)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if not check_hostname:
            context.check_hostname = False
        if certfile:
            context.load_cert_chain(certfile, keyfile)
        with self.lock:
            return self.contexts.setdefault(key, context)

    def take(self, context: ssl.SSLContext, server: tuple[str, int, str | None]) -> ssl.SSLSession | None:
        with self.lock:
            pool = self.sessions.get((id(context), *server))
            return pool.pop() if pool else None

    def give(self, context: ssl.SSLContext, server: tuple[str, int, str | None], session: ssl.SSLSession) -> None:
        with self.lock:
            pool = self.sessions.setdefault((id(context), *server), deque(maxlen=self.keep))
            pool.append(session)


TLS_CACHE = TlsCache()


class EppClient:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        cafile: str | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        server_hostname: str | None = "localhost",
        timeout: float = 30.0,
        receive_buffer: int | None = None,
        resume: bool = True,
    ):
        """`resume=False`: always a full TLS handshake (no session taken from or given to `TLS_CACHE`)."""
        self.host, self.port, self.timeout = host, port, timeout
        self.server_hostname = server_hostname
        self.receive_buffer = receive_buffer
        self.resume = resume
        self.tls = TLS_CACHE.context(cafile, certfile, keyfile, check_hostname=server_hostname is not None)
        self.sock: ssl.SSLSocket | None = None
        self.greeting: Reply | None = None
        self._buffer = bytearray()

    def __enter__(self) -> EppClient:
        if self.sock is None:
            self.connect()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def connect(self) -> Reply:
        """Opens the TLS connection and reads the greeting."""
        raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.receive_buffer:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        server = (self.host, self.port, self.server_hostname)
        session = TLS_CACHE.take(self.tls, server) if self.resume else None
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.server_hostname, session=session)
        except BaseException:
            raw.close()
            raise
        self.greeting = self.read()
        # TLS 1.3 tickets come after the handshake, so the session is taken once the greeting has been read.
        if self.resume and self.sock.session is not None and self.sock.session.has_ticket:
            TLS_CACHE.give(self.tls, server, self.sock.session)
        return self.greeting

    @property
    def resumed(self) -> bool:
        """Whether this connection's TLS session was resumed (an abbreviated handshake)."""
        return self.sock is not None and bool(self.sock.session_reused)

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    # frames
    def send_raw(self, data: bytes) -> None:
        """Writes bytes as they are (tests send broken frames with it)."""
        assert self.sock is not None, "not connected"
        self.sock.sendall(data)

    def send(self, payload: bytes) -> None:
        self.send_raw(struct.pack(">I", len(payload) + 4) + payload)

    def _fill(self, size: int) -> None:
        assert self.sock is not None, "not connected"
        while len(self._buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EppClientError("the server closed the connection")
            self._buffer += chunk

    def read_frame(self) -> bytes:
        self._fill(4)
        (length,) = struct.unpack_from(">I", self._buffer)
        if length < 5:
            raise EppClientError(f"bad frame length {length}")
        self._fill(length)
        payload = bytes(self._buffer[4:length])
        del self._buffer[:length]
        for hook in RECEIVE_HOOKS:
            hook(payload)
        return payload

    def read(self) -> Reply:
        payload = self.read_frame()
        try:
            root = parse(payload)
        except ValueError as error:
            raise EppClientError(f"the server sent no EPP document: {error}") from None
        if root.tag != qname(EPP, "epp"):
            raise EppClientError(f"the server sent {root.tag!r}, not an EPP document")
        return Reply(root, payload)

    def request(self, payload: bytes) -> Reply:
        for hook in SEND_HOOKS:
            hook(payload)
        self.send(payload)
        return self.read()

    # session commands
    def hello(self) -> Reply:
        return self.request(hello())

    def login(self, client_id: str, password: str, **options: object) -> Reply:
        return self.request(login_command(client_id, password, **options))  # type: ignore[arg-type]

    def logout(self, cltrid: str | None = None) -> Reply:
        reply = self.request(command("logout", cltrid=cltrid))
        self.close()
        return reply


__all__ = ["E", "EppClient", "EppClientError", "Reply", "ResultInfo", "command", "hello", "login_command"]
