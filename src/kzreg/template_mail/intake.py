"""The SMTP intake (T2): mail for the hostmaster address is stored durably, then answered `250`.

Unknown recipients get `550`, oversized messages `552` (aiosmtpd stops reading at the limit). The
message is committed to the database before `250` goes out; the worker processes it afterwards, so a
crash between the two loses nothing (DESIGN: inbox before 250). With it are stored who sent it (T9):
SPF for the envelope sender from the peer's address and HELO, every DKIM signature, DMARC for the header
From (`kzreg.mail.authentication`), and the DKIM signatures of each forwarded original (T13). These
DNS lookups run in the executor thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections

from kzreg.core import clock
from kzreg.core.durability import durable
from kzreg.mail.authentication import authenticate, check_dkim, header_from
from kzreg.template_mail.conf import max_message_size
from kzreg.template_mail.mime import parse_mail
from kzreg.template_mail.models import InboundMessage
from kzreg.template_mail.outgoing import hostmaster

log = logging.getLogger("kzreg.template_mail.intake")

OK_STORED = "250 2.0.0 OK: stored as #{id}"
UNKNOWN_RECIPIENT = "550 5.1.1 No such mailbox here: only {hostmaster}"
TOO_BIG = "552 5.3.4 Message too big (at most {limit} bytes)"
NO_RECIPIENT = "554 5.5.1 No valid recipients"
STORE_FAILED = "451 4.3.0 Could not store the message, try again later"


def store_message(
    raw: bytes, envelope_from: str, envelope_to: list[str], peer: str = "", source: str = "smtp", helo: str = ""
) -> int:
    """Authenticates and commits one received message (synced to disk when this returns). Without
    an SMTP peer (a message file) there is no SPF: DKIM alone can prove its sender."""
    results = authenticate(raw, ip=peer, helo=helo, mail_from=envelope_from or "")
    results.forwarded = forwarded_originals(raw)
    with durable():  # on disk before 250, even on SQLite (kzreg.core.durability)
        message = InboundMessage.objects.create(
            received_at=clock.now(), source=source, peer=peer[:100], envelope_from=(envelope_from or "")[:320],
            envelope_to=envelope_to, raw=raw, size=len(raw), authentication=results.as_json(),
            authentication_results=results.header(hostmaster().rpartition("@")[2]), proven=results.proven,
        )  # fmt: skip
    return message.pk


def forwarded_originals(raw: bytes) -> list[dict]:
    """Each forwarded original's single From address and DKIM signatures, in the order `mime` finds
    them (`TextPart.forwarded_index`)."""
    if b"message/rfc822" not in raw.lower():
        return []
    found: list[dict] = []
    for original in parse_mail(raw).forwarded:
        if original.raw is None:
            found.append({"from": "", "dkim": [], "reason": "not found in the message as sent"})
            continue
        address, problem = header_from(original.raw)
        dkim = [vars(d) for d in check_dkim(original.raw)]
        found.append({"from": address, "dkim": dkim, **({"reason": problem} if problem else {})})
    return found


class HostmasterHandler:
    """aiosmtpd handler: the policy (which recipient, how big) and the durable store."""

    def __init__(self) -> None:
        # The ORM and the DNS lookups are synchronous: they run in worker threads (each with its own
        # database connection), never on the event loop; several, so one slow DNS answer does not hold
        # up the other senders.
        self.executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kzreg-intake")

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list):
        if address.strip().lower() != hostmaster():
            return UNKNOWN_RECIPIENT.format(hostmaster=hostmaster())
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if len(raw) > max_message_size():
            return TOO_BIG.format(limit=max_message_size())
        if not envelope.rcpt_tos:
            return NO_RECIPIENT
        peer = str(session.peer[0]) if session.peer else ""
        helo = session.host_name or ""
        loop = asyncio.get_running_loop()
        try:
            pk = await loop.run_in_executor(
                self.executor, _store_in_thread, raw, envelope.mail_from or "", list(envelope.rcpt_tos), peer, helo
            )
        except Exception:
            log.exception("storing a message failed")
            return STORE_FAILED
        log.info("stored message #%s from %s (%d bytes)", pk, envelope.mail_from, len(raw))
        return OK_STORED.format(id=pk)


def _store_in_thread(raw: bytes, envelope_from: str, envelope_to: list[str], peer: str, helo: str) -> int:
    close_old_connections()
    return store_message(raw, envelope_from, envelope_to, peer, helo=helo)


class IntakeController(Controller):
    """The SMTP server on its own thread; `port=0` takes an ephemeral port (tests)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 2525) -> None:
        super().__init__(
            HostmasterHandler(), hostname=host, port=port, data_size_limit=max_message_size(),
            server_hostname="kzreg", ready_timeout=10,
        )  # fmt: skip

    def _trigger_server(self) -> None:
        """With port 0 the OS chose the port: learn it before the readiness check connects."""
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()
