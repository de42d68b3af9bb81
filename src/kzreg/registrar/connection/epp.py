"""A registry elsewhere, over EPP (`epp`): kzreg's own EPP client and request builders, so the XML the
registrar sends exists once (`kzreg.epp.requests`), and any RFC 5730 registry will do.

One session per thread (and registry login), opened and logged in on first use and kept for the thread's
next connection object: a web worker thread logs in once, not on every request (issue 12, Speed). A kept
session is checked before use (unused for `IDLE_SECONDS`, or the server closed it: replaced) and closed
with a logout when the process exits. The one rule that matters for money: once a command was sent, a
failure to read its answer is `AnswerLost` (the registry may have done it), never a refusal. A read-only
command (check, info, poll) is simply retried once on a new session.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import select
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from kzreg.core.errors import Problem
from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.epp.client import SEND_HOOKS, EppClient, EppClientError, Reply
from kzreg.registrar.connection.base import (
    AnswerLost,
    Availability,
    ContactRequest,
    ContactState,
    CreateRequest,
    DomainState,
    HostState,
    Location,
    PollItem,
    RegistryRefused,
    RegistryUnreachable,
    TransferAnswer,
    UpdateRequest,
)
from kzreg.registrar.connection.reasons import from_epp_reason
from kzreg.registrar.problems import RegistrarCode

D = ns.DOMAIN
C = ns.CONTACT
H = ns.HOST
IDLE_SECONDS = 60.0  # a session unused this long is replaced before a write (servers close idle ones)


@dataclass(frozen=True)
class EppSettings:
    host: str
    port: int
    client_id: str
    password: str
    cafile: str | None = None
    certfile: str | None = None
    keyfile: str | None = None
    timeout: float = 30.0
    server_hostname: str | None = None  # defaults to host
    # After a create, read the domain back (`<domain:info>`) for the statuses the registry set: RFC 5731's
    # create response says none. Off only for a registry known to set none at creation (kzreg's own: a new
    # domain with name servers is `ok`); it saves one command per order (docs/registrar.md, Speed).
    create_read_back: bool = True


def _when(value: str | None) -> dt.datetime:
    parsed = dt.datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _texts(element: etree._Element | None, tag: str) -> list[str]:
    if element is None:
        return []
    return [(e.text or "").strip() for e in element.iter(f"{{{D}}}{tag}")]


def _refused(reply: Reply) -> RegistryRefused:
    result = reply.results[0] if reply.results else None
    message = result.message if result else ""
    if reply.reasons:
        message = f"{message}: {'; '.join(reply.reasons)}"
    problem = Problem("", RegistrarCode.REGISTRY_REFUSED, {"code": reply.code, "message": message})
    return RegistryRefused([problem], reply.code)


def _ds(record: str) -> r.DsRecord:
    key_tag, alg, digest_type, digest = record.split()
    return r.DsRecord(int(key_tag), int(alg), int(digest_type), digest)


def _location(location: Location | None) -> r.Location | None:
    return None if location is None else r.Location((location.address,), location.city, location.region)


def _postal(contact: ContactRequest) -> r.PostalInfo:
    return r.PostalInfo(
        name=contact.name, org=contact.organisation, street=(contact.address,), city=contact.city,
        sp=contact.region, pc=contact.postal_code, cc=contact.country_code,
    )  # fmt: skip


@dataclass
class _Kept:
    client: EppClient
    used_at: float
    pid: int


class _ThreadSessions(threading.local):
    """This thread's logged-in sessions, by (settings, client factory): a thread only ever uses its own."""

    def __init__(self) -> None:
        self.kept: dict[tuple[EppSettings, Callable[..., EppClient]], _Kept] = {}


_THREAD = _ThreadSessions()
_LIVE: set[EppClient] = set()  # every thread's kept sessions, for the logout at exit
_LIVE_LOCK = threading.Lock()
MAX_KEPT_PER_THREAD = 4  # registries (or tests' servers) a thread keeps a session with


def _quiet(client: EppClient) -> bool:
    """Nothing waits to be read on an idle session: a server that closed it (EOF) or sent anything
    unasked makes the socket readable, and then the session is not used again."""
    sock = client.sock
    if sock is None or sock.fileno() < 0 or sock.pending() or client._buffer:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


def _forget(client: EppClient) -> None:
    with _LIVE_LOCK:
        _LIVE.discard(client)
    client.close()


@atexit.register
def close_kept_sessions() -> None:
    """Logs out of every session this process kept (at exit; a test may call it too)."""
    with _LIVE_LOCK:
        clients = list(_LIVE)
        _LIVE.clear()
    for client in clients:
        try:
            if client.sock is not None:
                client.sock.settimeout(min(client.timeout, 2.0))
                client.logout()
        except (OSError, EppClientError, ValueError):
            pass
        finally:
            client.close()


class EppConnection:
    def __init__(self, settings: EppSettings, client_factory: Callable[..., EppClient] = EppClient):
        self.settings = settings
        self.registrar = settings.client_id
        self._factory = client_factory
        self._key = (settings, client_factory)

    # --- session -------------------------------------------------------------------------------
    @property
    def _client(self) -> EppClient | None:
        kept = _THREAD.kept.get(self._key)
        return kept.client if kept is not None and kept.pid == os.getpid() else None

    def _session(self, fresh: bool = False) -> EppClient:
        kept = _THREAD.kept.get(self._key)
        if kept is not None and (
            fresh or kept.pid != os.getpid() or time.monotonic() - kept.used_at > IDLE_SECONDS
            or not _quiet(kept.client)
        ):  # fmt: skip
            self._drop()
            kept = None
        if kept is None:
            kept = _Kept(self._login(), time.monotonic(), os.getpid())
            while len(_THREAD.kept) >= MAX_KEPT_PER_THREAD:  # the longest unused goes
                oldest = min(_THREAD.kept, key=lambda k: _THREAD.kept[k].used_at)
                _forget(_THREAD.kept.pop(oldest).client)
            _THREAD.kept[self._key] = kept
            with _LIVE_LOCK:
                _LIVE.add(kept.client)
        kept.used_at = time.monotonic()
        return kept.client

    def _login(self) -> EppClient:
        s = self.settings
        client = self._factory(
            s.host, s.port, cafile=s.cafile, certfile=s.certfile, keyfile=s.keyfile, timeout=s.timeout,
            server_hostname=s.server_hostname or s.host,
        )  # fmt: skip
        try:
            client.connect()
            reply = client.login(s.client_id, s.password)
        except (OSError, EppClientError) as error:
            client.close()
            raise RegistryUnreachable(str(error) or type(error).__name__) from None
        if not reply.ok:
            client.close()
            raise RegistryUnreachable(f"login refused ({reply.code}): {reply.results[0].message}")
        return client

    def _drop(self) -> None:
        """Ends this thread's session with the registry (broken, or ended by the server)."""
        kept = _THREAD.kept.pop(self._key, None)
        if kept is not None and kept.pid == os.getpid():
            _forget(kept.client)

    def _send(self, command: r.EppCommand, *, writes: bool) -> Reply:
        """Sends one command. Once it may have left, a missing answer is `AnswerLost` for a write; a read
        is sent once more on a new session."""
        try:
            reply = self._exchange(self._session(), command)
        except (OSError, EppClientError) as error:
            self._drop()
            if writes:
                raise AnswerLost(f"no answer: {error or type(error).__name__}") from None
            try:
                reply = self._exchange(self._session(fresh=True), command)
            except (OSError, EppClientError) as again:
                self._drop()
                raise AnswerLost(f"no answer twice: {error}; {again}") from None
        if reply.code >= 2500:  # the server ends the session: the next command needs a new one
            self._drop()
        return reply

    def _exchange(self, client: EppClient, command: r.EppCommand) -> Reply:
        reply = client.request(command.frame())
        kept = _THREAD.kept.get(self._key)
        if kept is not None:
            kept.used_at = time.monotonic()
        return reply

    def _ok(self, command: r.EppCommand, *, writes: bool) -> Reply:
        reply = self._send(command, writes=writes)
        if not reply.ok:
            raise _refused(reply)
        return reply

    def _info(self, command: r.EppCommand) -> etree._Element | None:
        """An info command's resData, or None when the object does not exist (2303)."""
        reply = self._send(command, writes=False)
        if reply.code == 2303:
            return None
        if not reply.ok:
            raise _refused(reply)
        assert reply.res_data is not None
        return reply.res_data

    def close(self) -> None:
        """Done with this object: the thread keeps the logged-in session for its next connection (ended by
        `end_session`, a failure, or the process's exit)."""

    def end_session(self) -> None:
        """Logs this thread's session out now."""
        kept = _THREAD.kept.pop(self._key, None)
        if kept is None or kept.pid != os.getpid():
            return
        with _LIVE_LOCK:
            _LIVE.discard(kept.client)
        try:
            kept.client.logout()
        except (OSError, EppClientError):
            pass
        finally:
            kept.client.close()

    # --- domains -------------------------------------------------------------------------------
    def check(self, names: Sequence[str]) -> list[Availability]:
        reply = self._ok(r.domain_check(*names), writes=False)
        answers = []
        for cd in reply.res_data.iter(f"{{{D}}}cd") if reply.res_data is not None else ():
            name = cd.find(f"{{{D}}}name")
            reason = cd.find(f"{{{D}}}reason")
            assert name is not None
            key, text = (name.text or "").strip(), (reason.text or "").strip() if reason is not None else ""
            available = name.get("avail") in ("1", "true")
            problem = None if available or not text else from_epp_reason(key, text)
            answers.append(Availability(key, available, text, problem))
        return answers

    def info(self, name: str) -> DomainState | None:
        data = self._info(r.domain_info(name))
        return None if data is None else self._domain_state(data)

    def _domain_state(self, data: etree._Element) -> DomainState:
        contacts = {c.get("type", ""): (c.text or "").strip() for c in data.iter(f"{{{D}}}contact")}
        auth = data.find(f"{{{D}}}authInfo/{{{D}}}pw")
        return DomainState(
            name=_texts(data, "name")[0], expires_at=_when(_texts(data, "exDate")[0]),
            statuses=tuple(s.get("s", "") for s in data.iter(f"{{{D}}}status")),
            registrar=_texts(data, "clID")[0], registrant=(_texts(data, "registrant") or [""])[0], contacts=contacts,
            nameservers=tuple(_texts(data.find(f"{{{D}}}ns"), "hostObj")),
            auth_code=(auth.text or "") if auth is not None else None,
        )  # fmt: skip

    def create_domain(self, request: CreateRequest) -> DomainState:
        contacts = {"admin": request.admin} | ({"tech": request.tech} if request.tech else {})
        command = r.domain_create(
            request.name, registrant=request.registrant, contacts=contacts, location=_location(request.location),
            host_objs=request.nameservers, years=request.years, auth_code=None,
        )  # fmt: skip
        if self.settings.create_read_back:
            reply, read_back = self._create_and_read_back(command, request.name)
            if not reply.ok:
                raise _refused(reply)
            try:  # the whole state (statuses) as the registry shows it; the create stands either way
                state = self._domain_state(read_back) if read_back is not None else None
            except (IndexError, ValueError):
                state = None
            if state is not None:
                return state
            statuses: tuple[str, ...] = ()
        else:  # what the create response says (RFC 5731 3.2.1, 2.3): pending (1001), else nominal
            reply = self._ok(command, writes=True)
            statuses = ("pendingCreate",) if reply.code == 1001 else ("ok",) if request.nameservers else ("inactive",)
        data = reply.res_data
        return DomainState(
            name=request.name, expires_at=_when(_texts(data, "exDate")[0]), statuses=statuses,
            registrar=self.registrar, registrant=request.registrant, contacts=contacts,
            nameservers=request.nameservers,
        )  # fmt: skip

    def _create_and_read_back(self, create: r.EppCommand, name: str) -> tuple[Reply, etree._Element | None]:
        """The create and its `<domain:info>` read-back sent together (one write, pipelined: RFC 5734 has
        the server process a session's commands one at a time in the order sent), then both replies read
        in that order: one round trip per order instead of two (issue 12, Speed). The create's reply, and
        the read-back's resData (None when it was refused or did not come: the create stands either way).
        Once the create may have left, a missing create reply is `AnswerLost`, as for any write."""
        payloads = [create.frame(), r.domain_info(name).frame()]
        client = self._session()
        try:
            for payload in payloads:
                for hook in SEND_HOOKS:
                    hook(payload)
            client.send_raw(b"".join(struct.pack(">I", len(p) + 4) + p for p in payloads))
            reply = client.read()
        except (OSError, EppClientError) as error:
            self._drop()
            raise AnswerLost(f"no answer: {error or type(error).__name__}") from None
        if reply.code >= 2500:  # the server ended the session after the create: no read-back follows
            self._drop()
            return reply, None
        try:
            read_back = client.read()
        except (OSError, EppClientError):
            self._drop()
            return reply, None
        kept = _THREAD.kept.get(self._key)
        if kept is not None:
            kept.used_at = time.monotonic()
        if read_back.code >= 2500:
            self._drop()
        return reply, read_back.res_data if read_back.ok else None

    def renew(self, name: str, years: int, current_expiry: dt.date) -> dt.datetime:
        reply = self._ok(r.domain_renew(name, current_expiry.isoformat(), years), writes=True)
        return _when(_texts(reply.res_data, "exDate")[0])

    def update(self, request: UpdateRequest) -> None:
        current = self.info(request.name)
        if current is None:
            raise RegistryRefused([Problem("name", RegistrarCode.SERVICE_UNKNOWN, {"key": request.name})], 2303)
        add_ns: tuple[str, ...] = ()
        rem_ns: tuple[str, ...] = ()
        if request.nameservers is not None:
            wanted = [n.lower() for n in request.nameservers]
            add_ns = tuple(n for n in wanted if n not in current.nameservers)
            rem_ns = tuple(n for n in current.nameservers if n not in wanted)
        add_contacts, rem_contacts = {}, {}
        for role, handle in (("admin", request.admin), ("tech", request.tech)):
            if handle is not None and current.contacts.get(role) != handle:
                add_contacts[role] = handle
                if current.contacts.get(role):
                    rem_contacts[role] = current.contacts[role]
        command = r.domain_update(
            request.name, add_ns=add_ns, rem_ns=rem_ns, add_contacts=add_contacts, rem_contacts=rem_contacts,
            ds_rem_all=request.ds_records is not None,
            ds_add=[_ds(d) for d in request.ds_records or ()], location=_location(request.location),
        )  # fmt: skip
        self._ok(command, writes=True)

    def delete(self, name: str) -> None:
        self._ok(r.domain_delete(name), writes=True)

    def transfer_request(self, name: str, auth_code: str, years: int | None = None) -> TransferAnswer:
        reply = self._ok(r.domain_transfer("request", name, auth_code, years), writes=True)
        return TransferAnswer(name, (_texts(reply.res_data, "trStatus") or ["pending"])[0])

    def auth_code(self, name: str) -> str:
        state = self.info(name)
        if state is None or state.auth_code is None:
            raise RegistryRefused([Problem("name", RegistrarCode.SERVICE_UNKNOWN, {"key": name})], 2303)
        return state.auth_code

    # --- contacts and messages -----------------------------------------------------------------
    def create_contact(self, contact: ContactRequest) -> str:
        command = r.contact_create(contact.handle_hint, _postal(contact), contact.email, voice=contact.phone)
        reply = self._ok(command, writes=True)
        ids = [e.text or "" for e in reply.res_data.iter(f"{{{ns.CONTACT}}}id")] if reply.res_data is not None else []
        return ids[0] if ids else contact.handle_hint

    def update_contact(self, handle: str, contact: ContactRequest) -> None:
        command = r.contact_update(handle, postal=_postal(contact), voice=contact.phone, email=contact.email)
        self._ok(command, writes=True)

    def contact_info(self, handle: str) -> ContactState | None:
        data = self._info(r.contact_info(handle))
        if data is None:
            return None

        def one(tag: str, within: etree._Element | None = data) -> str:
            found = within.find(f".//{{{C}}}{tag}") if within is not None else None
            return (found.text or "").strip() if found is not None else ""

        postal = data.find(f"{{{C}}}postalInfo")
        streets = [(e.text or "").strip() for e in data.iter(f"{{{C}}}street")]
        return ContactState(
            handle=one("id"), registrar=one("clID"), statuses=tuple(s.get("s", "") for s in data.iter(f"{{{C}}}status")),
            kind="R" if one("org", postal) else "I", name=one("name", postal), organisation=one("org", postal),
            address=", ".join(s for s in streets if s), city=one("city", postal), region=one("sp", postal),
            postal_code=one("pc", postal), country_code=one("cc", postal), email=one("email"), phone=one("voice"),
        )  # fmt: skip

    def create_host(self, name: str, addresses: Sequence[str]) -> None:
        self._ok(r.host_create(name, tuple(addresses)), writes=True)

    def host_info(self, name: str) -> HostState | None:
        data = self._info(r.host_info(name))
        if data is None:
            return None
        texts = {tag: [(e.text or "").strip() for e in data.iter(f"{{{H}}}{tag}")] for tag in ("name", "addr", "clID")}
        return HostState(
            name=texts["name"][0], addresses=tuple(texts["addr"]),
            statuses=tuple(s.get("s", "") for s in data.iter(f"{{{H}}}status")), registrar=texts["clID"][0],
        )  # fmt: skip

    def change_registrant(self, name: str, registrant: str) -> None:
        self._ok(r.domain_registrant_change(name, registrant), writes=True)

    def poll(self) -> PollItem | None:
        reply = self._send(r.poll_request(), writes=False)
        if reply.code == 1300:
            return None
        if not reply.ok:
            raise _refused(reply)
        queue = reply.message_queue
        assert queue is not None
        text = "".join(e.text or "" for e in queue.iter(f"{{{ns.EPP}}}msg"))
        names = tuple(_texts(reply.res_data, "name"))
        return PollItem(queue.get("id", ""), text, names)

    def ack(self, message_id: str) -> None:
        self._ok(r.poll_ack(message_id), writes=False)
