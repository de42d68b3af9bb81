"""Losing the registry's answer on purpose, each way: over EPP the client really sends the command and the
server really carries it out, then the reply is read and thrown away and the socket "times out" (or the
command never leaves); in-process the operation runs (or not) and the connection reports the answer lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kzreg.epp.client import EppClient
from kzreg.registrar.connection import AnswerLost
from kzreg.registrar.connection.epp import EppConnection


def lose_next_answer(conn: Any, monkeypatch, method: str, *, carried_out: bool) -> None:
    """The next call of `method` (e.g. "create_domain") loses its answer; `carried_out`: whether the
    registry did it."""
    if isinstance(conn, EppConnection):
        _lose_over_epp(monkeypatch, carried_out, EPP_VERBS[method])
        return
    real: Callable[..., Any] = getattr(conn, method)

    def losing(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(conn, method, real)
        if carried_out:
            real(*args, **kwargs)
        raise AnswerLost("timed out (test)")

    monkeypatch.setattr(conn, method, losing)


DOMAIN = b' xmlns="urn:ietf:params:xml:ns:domain-1.0"'
EPP_VERBS = {"create_domain": b"<create" + DOMAIN, "renew": b"<renew" + DOMAIN, "delete": b"<delete" + DOMAIN,
             "update": b"<update" + DOMAIN, "transfer_request": b"<transfer" + DOMAIN}  # fmt: skip


def _lose_over_epp(monkeypatch, carried_out: bool, marker: bytes) -> None:
    real_request, real_send_raw = EppClient.request, EppClient.send_raw

    def restore() -> None:
        monkeypatch.setattr(EppClient, "request", real_request)
        monkeypatch.setattr(EppClient, "send_raw", real_send_raw)

    def request(self: EppClient, payload: bytes):  # type: ignore[no-untyped-def]
        if marker not in payload:  # contacts, look-ups, the login go through
            return real_request(self, payload)
        restore()
        if not carried_out:
            raise BrokenPipeError("the connection broke while sending (test)")
        real_request(self, payload)  # the server carries it out and answers; the answer is dropped
        raise TimeoutError("timed out (test)")

    def send_raw(self: EppClient, data: bytes) -> None:
        """The same for commands written without `request` (a create pipelined with its read-back)."""
        if marker not in data:
            return real_send_raw(self, data)
        restore()
        if not carried_out:
            raise BrokenPipeError("the connection broke while sending (test)")
        real_send_raw(self, data)
        self.read()  # the server has carried it out and answered; the answer is dropped
        raise TimeoutError("timed out (test)")

    monkeypatch.setattr(EppClient, "request", request)
    monkeypatch.setattr(EppClient, "send_raw", send_raw)
