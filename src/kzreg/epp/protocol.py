"""What the transport hands a command handler, and what a handler hands back (the seam between the
server's session layer and the object commands).

A handler is `def handle(request: Request) -> Response` registered in `kzreg.epp.dispatch` for one
(verb, object namespace) pair. It only translates: XML in → registry command or read → XML out. The
transport renders `Response` into the `<response>` frame (result, msgQ, resData, extension, trID),
so handlers never write the envelope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from kzreg.core.actor import Actor, Channel, Role
from kzreg.core.errors import Problem


@dataclass(frozen=True)
class Session:
    """A logged-in EPP session: the registrar it proved to be (password + certificate + address)."""

    registrar_id: int
    registrar_handle: str  # the EPP clID
    lang: str  # "en", "ru" or "kk", chosen at login
    peer: str  # the client's address
    session_id: str


@dataclass(frozen=True)
class Request:
    session: Session
    verb: str  # "check", "info", "create", "update", "delete", "renew", "transfer", "poll"
    command: etree._Element  # the <command> element
    object: etree._Element | None  # its object element (<domain:create>…); None for <poll>
    extensions: dict[str, etree._Element]  # the <extension> children by namespace URI
    op: str | None = None  # <transfer op=…> and <poll op=…>
    client_trid: str = ""  # <clTRID>, may be empty
    server_trid: str = ""  # this command's svTRID

    def actor(self) -> Actor:
        """The actor every registry operation of this command gets: history shows registrar, channel
        `epp`, and both transaction ids as the request id."""
        request_id = f"{self.client_trid}/{self.server_trid}" if self.client_trid else self.server_trid
        return Actor(
            principal=self.session.registrar_handle,
            role=Role.REGISTRAR,
            channel=Channel.EPP,
            request_id=request_id[:64],
            registrar_id=self.session.registrar_id,
        )


@dataclass(frozen=True)
class Result:
    """One `<result>`: a code and, for a failure, the values it names (`<extValue>`)."""

    code: int
    message: str | None = None  # None: the standard text of `code` in the session's language
    problems: Sequence[Problem] = ()  # each becomes an <extValue> with its field and reason
    values: Sequence[etree._Element] = ()  # `<value>` contents: the offending element(s), when known


@dataclass
class Response:
    results: list[Result]  # the first decides the outcome; several when several problems have codes of their own
    res_data: etree._Element | None = None
    extensions: list[etree._Element] = field(default_factory=list)
    message_queue: etree._Element | None = None  # <msgQ> for poll responses
    close: bool = False  # 1500 logout, or a failure that ends the session

    @classmethod
    def ok(cls, code: int = 1000, res_data: etree._Element | None = None, **kwargs: object) -> Response:
        return cls([Result(code)], res_data=res_data, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def failed(cls, problems: Sequence[Problem]) -> Response:
        """Every problem an operation found: grouped by EPP result code, first code first."""
        by_code: dict[int, list[Problem]] = {}
        for problem in problems:
            by_code.setdefault(problem.epp_code, []).append(problem)
        return cls([Result(code, problems=group) for code, group in by_code.items()])
