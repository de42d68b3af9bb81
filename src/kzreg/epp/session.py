"""One EPP connection's conversation (RFC 5730 §2): frames in, frames out, whatever the socket.

Before login only `<hello>` and `<login>` are answered (others 2002); three failed logins end the
connection (2501), an address over the failure limit is refused at once (2502). After login every
command is parsed into a `Request` and dispatched to its handler; the registrar must still be active
(a registrar suspended while connected gets 2201 from its next command on). A handler's unexpected
exception is logged with the transaction ids and answered 2400 without detail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import db
from lxml import etree

from kzreg.core import clock
from kzreg.core.errors import Problem
from kzreg.epp import access, namespaces, session_render
from kzreg.epp.dispatch import VERBS, dispatch
from kzreg.epp.login import parse_login, security_events
from kzreg.epp.protocol import Request, Response, Result, Session
from kzreg.epp.session_codes import EppCode
from kzreg.epp.xml import XmlRefused, parse, qname
from kzreg.registry.reads import objects

log = logging.getLogger("kzreg.epp")
commands_log = logging.getLogger("kzreg.epp.commands")


def _known_caller(stack_info: bool = False, stacklevel: int = 1) -> tuple[str, int, str, None]:
    """The per-command line always comes from `EppSession._answer`: no walk up the stack to find that out
    (logging's `findCaller`, about a fifth of the line's cost, on every command)."""
    return __file__, 0, "_answer", None


commands_log.findCaller = _known_caller  # type: ignore[method-assign]
EPP = namespaces.EPP
MAX_LOGIN_FAILURES = 3
# The envelope's tags, made once (every command looked for them).
_EPP_TAG, _HELLO, _COMMAND = qname(EPP, "epp"), qname(EPP, "hello"), qname(EPP, "command")
_CLTRID, _EXTENSION = qname(EPP, "clTRID"), qname(EPP, "extension")
_EPP_PREFIX = f"{{{EPP}}}"
_CHECK, _DOMAIN_CHECK = qname(EPP, "check"), qname(namespaces.DOMAIN, "check")
_DOMAIN_NAME = qname(namespaces.DOMAIN, "name")


class TransactionIds:
    """svTRIDs unique across processes and restarts: a random per-process prefix and a counter."""

    def __init__(self) -> None:
        self.prefix = f"KZ-{os.getpid():x}{secrets.token_hex(3)}-"
        self.counter = itertools.count(1)

    def next(self) -> str:
        return f"{self.prefix}{next(self.counter)}"


def checks_read_together(pending: Sequence[Pending]) -> contextlib.AbstractContextManager[None]:
    """For several sessions' commands answered one after another: the names of their `<domain:check>`s read
    with one statement when the block is entered, which each check's handler then answers from
    (`registry.reads.objects.domains_read_together`); nothing to read ahead for fewer than two."""
    names: list[str] = []
    checks = 0
    for command in pending:
        verb = command.command.find(_CHECK)
        if verb is not None and len(verb) and verb[0].tag == _DOMAIN_CHECK:
            names += [element.text or "" for element in verb[0].iterchildren(_DOMAIN_NAME)]
            checks += 1
    if checks < 2:
        return contextlib.nullcontext()
    return objects.domains_read_together(names)


@dataclass
class ServerContext:
    """What every session of one server process shares."""

    gatekeeper: access.Gatekeeper = field(default_factory=access.Gatekeeper)
    trids: TransactionIds = field(default_factory=TransactionIds)
    status_ttl: float = 1.0  # seconds a registrar's "still active" answer is trusted within a session
    server_id: str = session_render.SERVER_ID


@dataclass
class Reply:
    frame: bytes
    close: bool = False


@dataclass(slots=True)
class Pending:
    """A parsed `<command>` not yet answered (`EppSession.prepare`): the server answers it at once or hands it
    to a thread by its `verb` (the local name of the command's first element in EPP's namespace; "" when
    there is none, which `run` then refuses)."""

    command: etree._Element
    server_trid: str
    verb: str


class EppSession:
    def __init__(
        self,
        context: ServerContext,
        peer: str,
        certificate_der: bytes | None,
        certificate_expires: dt.datetime | None = None,
    ):
        self.context = context
        self.peer = peer
        self.certificate_der = certificate_der
        self.certificate_expires = certificate_expires  # only a resumed TLS session's (server.py)
        self.session: Session | None = None
        self.services: frozenset[str] = frozenset()
        self.failures = 0
        self.lang = "en"
        self.active_until = 0.0

    def greeting(self) -> bytes:
        return session_render.greeting(self.context.server_id)

    def _answer(self, answer: Response, cltrid: str, svtrid: str, verb: str) -> Reply:
        code = answer.results[0].code if answer.results else 2400
        commands_log.info(
            "svTRID=%s clTRID=%s clID=%s peer=%s %s → %s",
            svtrid, cltrid or "-", self.session.registrar_handle if self.session else "-", self.peer, verb, code,
        )  # fmt: skip
        close = answer.close or code in (1500, 2500, 2501, 2502)
        return Reply(session_render.response(answer, self.lang, cltrid, svtrid), close)

    def _refuse(self, code: EppCode, svtrid: str, cltrid: str = "", field_name: str = "", **params: object) -> Reply:
        return self._answer(Response.failed([Problem(field_name, code, params)]), cltrid, svtrid, "refused")

    def closing(self, result_code: int, code: EppCode, **params: object) -> Reply:
        """The last frame of a connection the server ends (2500 bad frame or timeout, 2502 too many)."""
        answer = Response([Result(result_code, problems=(Problem("", code, params),))], close=True)
        return self._answer(answer, "", self.context.trids.next(), "closing")

    def handle(self, payload: bytes) -> Reply:
        """The answer to one frame."""
        step = self.prepare(payload)
        return step if isinstance(step, Reply) else self.run(step)

    def run(self, pending: Pending) -> Reply:
        """The answer to a command `prepare` parsed (in whichever thread the server chose)."""
        return self._command(pending.command, pending.server_trid)

    def prepare(self, payload: bytes) -> Reply | Pending:
        """Parses a frame: the answer when it needs no handler (a refused document, `<hello>`), else the
        command with its verb, for `run`."""
        svtrid = self.context.trids.next()
        try:
            root = parse(payload)
        except XmlRefused as refused:
            return self._refuse(EppCode.XML_REFUSED, svtrid, reason=refused.reason)
        if root.tag != _EPP_TAG:
            return self._refuse(EppCode.NOT_EPP, svtrid, namespace=EPP)
        children = list(root)
        if len(children) != 1 or children[0].tag not in (_HELLO, _COMMAND):
            element = etree.QName(children[0]).localname if children else "(none)"
            return self._refuse(EppCode.UNKNOWN_ELEMENT, svtrid, element=element)
        command = children[0]
        if command.tag == _HELLO:
            return Reply(self.greeting())
        verb = ""
        for child in command:
            tag = child.tag
            if tag != _CLTRID and tag != _EXTENSION:
                if isinstance(tag, str) and tag.startswith(_EPP_PREFIX):
                    verb = tag[len(_EPP_PREFIX) :]
                break
        return Pending(command, svtrid, verb)

    def _command(self, command: etree._Element, svtrid: str) -> Reply:
        cltrid_element = command.find(_CLTRID)
        cltrid = (cltrid_element.text or "").strip() if cltrid_element is not None else ""
        if cltrid and not 3 <= len(cltrid) <= 64:
            return self._refuse(EppCode.UNKNOWN_ELEMENT, svtrid, "", "clTRID", element="clTRID (3 to 64 characters)")
        parts = [c for c in command if c.tag not in (_CLTRID, _EXTENSION)]
        if len(parts) != 1:
            return self._refuse(EppCode.UNKNOWN_ELEMENT, svtrid, cltrid, element="command")
        verb_element = parts[0]
        name = etree.QName(verb_element)
        if name.namespace != EPP:
            return self._refuse(EppCode.UNKNOWN_ELEMENT, svtrid, cltrid, element=verb_element.tag)
        verb = name.localname
        extension = command.find(_EXTENSION)
        extensions = {etree.QName(e).namespace or "": e for e in extension} if extension is not None else {}
        if verb == "login":
            return self._login(verb_element, extensions, cltrid, svtrid)
        if verb not in VERBS and verb != "logout":
            return self._answer(Response([Result(2000)]), cltrid, svtrid, verb)
        if self.session is None:
            return self._refuse(EppCode.NOT_LOGGED_IN, svtrid, cltrid, verb)
        if verb == "logout":
            return self._answer(Response([Result(1500)], close=True), cltrid, svtrid, verb)
        unknown = [uri for uri in extensions if uri not in namespaces.EXTENSIONS]
        if unknown:
            return self._answer(Response([Result(2103)]), cltrid, svtrid, verb)
        if not self._still_active():
            return self._refuse(EppCode.REGISTRAR_SUSPENDED, svtrid, cltrid, "clID")
        objects = list(verb_element)
        request = Request(
            session=self.session,
            verb=verb,
            command=command,
            object=None if verb == "poll" else (objects[0] if objects else None),
            extensions=extensions,
            op=verb_element.get("op"),
            client_trid=cltrid,
            server_trid=svtrid,
        )
        if request.object is None and verb != "poll":
            return self._refuse(EppCode.UNKNOWN_ELEMENT, svtrid, cltrid, verb, element=f"{verb} (no object)")
        try:
            answer = dispatch(request, self.services)
        except Exception:
            log.exception("svTRID=%s clTRID=%s: %s failed", svtrid, cltrid or "-", verb)
            self._recover_database()
            answer = Response([Result(2400)])
        return self._answer(answer, cltrid, svtrid, verb)

    def _still_active(self) -> bool:
        assert self.session is not None
        now = time.monotonic()
        if now < self.active_until:
            return True
        if not access.registrar_active(self.session.registrar_id):
            return False
        self.active_until = now + self.context.status_ttl
        return True

    @staticmethod
    def _recover_database() -> None:
        """After an unexpected error the thread's connection may be unusable: drop it (reconnects)."""
        connection = db.connection
        if connection.in_atomic_block:
            return
        if connection.connection is not None and not connection.is_usable():
            connection.close()

    def _login(self, login: etree._Element, extensions: dict[str, etree._Element], cltrid: str, svtrid: str) -> Reply:
        if self.session is not None:
            return self._refuse(EppCode.ALREADY_LOGGED_IN, svtrid, cltrid, "login")
        request, problems = parse_login(login, extensions)
        self.lang = request.lang  # refusals too come in the language the client asked for
        if problems:
            return self._answer(Response.failed(problems), cltrid, svtrid, "login")
        claim = access.LoginClaim(
            client_id=request.client_id,
            password=request.password,
            new_password=request.new_password,
            address=self.peer,
            certificate_der=self.certificate_der,
            certificate_expires=self.certificate_expires,
            user_agent=request.user_agent,
        )
        decision = self.context.gatekeeper.login(claim)
        if decision.ok:
            assert decision.registrar is not None
            self.services = request.objects or frozenset(namespaces.OBJECTS)
            self.session = Session(
                registrar_id=decision.registrar.id,
                registrar_handle=decision.registrar.handle,
                lang=request.lang,
                peer=self.peer,
                session_id=svtrid,
            )
            self.active_until = time.monotonic() + self.context.status_ttl
            events = security_events(request, decision.password_expires, False, clock.now())
            answer = Response([Result(1000)], extensions=[events] if events is not None else [])
            return self._answer(answer, cltrid, svtrid, "login")
        answer = Response.failed(decision.problems)
        if decision.outcome == access.LoginOutcome.PASSWORD_EXPIRED:
            events = security_events(request, decision.password_expires, True, clock.now())
            answer.extensions = [events] if events is not None else []
        if decision.outcome == access.LoginOutcome.RATE_LIMITED:
            answer.close = True
        else:
            self.failures += 1
            if self.failures >= MAX_LOGIN_FAILURES:
                closing = Problem("", EppCode.TOO_MANY_FAILURES, {"count": self.failures})
                answer = Response([Result(2501, problems=(*decision.problems, closing))], close=True)
        return self._answer(answer, cltrid, svtrid, "login")
