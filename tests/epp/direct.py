"""A logged-in registrar's commands without the socket, for tests that need the test database's rollback
rather than a flush (the ledger's rows are append-only: SQLite cannot empty it between TLS tests). The
request is parsed, dispatched and rendered exactly as the session layer does, and both frames are checked
against the EPP schemas; the answer is the client's `Reply`, as over TLS."""

from __future__ import annotations

import itertools

from lxml import etree

from kzreg.epp import namespaces
from kzreg.epp.client import Reply
from kzreg.epp.dispatch import dispatch
from kzreg.epp.protocol import Request, Session
from kzreg.epp.requests import EppCommand
from kzreg.epp.session_render import response
from kzreg.epp.xml import parse
from kzreg.registry.models import Registrar
from tests.epp.conftest import build_schema, schema_errors

_schema: etree.XMLSchema | None = None
_trids = itertools.count(1)


def _checked(payload: bytes) -> bytes:
    global _schema
    _schema = _schema or build_schema()
    errors = schema_errors(_schema, payload)
    assert not errors, payload.decode() + "\n" + "\n".join(errors)
    return payload


class DirectClient:
    """`DirectClient(registrar).request(frame)` → Reply, like `EppClient.request` after login."""

    def __init__(self, registrar: Registrar, lang: str = "en"):
        self.session = Session(registrar.id, registrar.handle, lang, "127.0.0.1", f"direct-{registrar.handle}")

    def request(self, payload: bytes) -> Reply:
        command = parse(_checked(payload)).find(f"{{{namespaces.EPP}}}command")
        assert command is not None
        verb_element = next(c for c in command if etree.QName(c).localname not in ("extension", "clTRID"))
        verb = etree.QName(verb_element).localname
        extension = command.find(f"{{{namespaces.EPP}}}extension")
        cltrid = command.findtext(f"{{{namespaces.EPP}}}clTRID") or ""
        svtrid = f"DIRECT-{next(_trids)}"
        request = Request(
            session=self.session,
            verb=verb,
            command=command,
            object=None if verb == "poll" else verb_element[0],
            extensions={etree.QName(e).namespace or "": e for e in extension} if extension is not None else {},
            op=verb_element.get("op"),
            client_trid=cltrid,
            server_trid=svtrid,
        )
        raw = _checked(response(dispatch(request), self.session.lang, cltrid, svtrid))
        return Reply(etree.fromstring(raw), raw)

    def send(self, command: EppCommand) -> Reply:
        return self.request(command.frame())
