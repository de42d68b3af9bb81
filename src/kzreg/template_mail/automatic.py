"""Is a received mail automatic (a bounce, an auto-reply, a list's or a robot's mail)? Such mail is never
answered, so the gateway and another robot cannot mail each other forever (RFC 3834 §2, RFC 3464).

Read from the envelope and the parsed header section, wherever a header stands and however it is
folded or spaced: a null sender (`""`, stored by the intake as `"<>"`), `Auto-Submitted` other than
`no`, `Precedence: bulk|junk|list`, any `List-*` header (RFC 2369/2919), the common auto-reply markers
(`X-Autoreply`, `X-Autorespond`, `X-Auto-Response-Suppress`…), a delivery or read report
(`multipart/report`), a MAILER-DAEMON-style sender, and our own replies coming back (`X-Loop` naming
the hostmaster, `X-Kzreg-Tracking`).
"""

from __future__ import annotations

import email.policy
import re
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr

from kzreg.template_mail.outgoing import LOOP_HEADER, hostmaster

_HEAD_END = re.compile(rb"\r?\n\r?\n")
# Any of these in the (lower-cased) header section means a header that may mark automatic mail; mail
# without any of them (nearly all human mail) is not parsed a second time. Header names cannot be folded,
# so a name is always found whole.
_MARKERS = (
    b"auto-submitted", b"precedence", b"list-", b"x-auto", b"x-mail-autoreply", b"x-fc-machinegenerated",
    b"x-loop", b"x-kzreg-tracking", b"report",
    b"mailer-daemon", b"mail-daemon", b"postmaster", b"listserv", b"majordomo", b"owner-", b"-request",
)  # fmt: skip
_PRECEDENCE = {"bulk", "junk", "list"}
# Headers whose mere presence marks an auto-responder's (or a list server's) mail.
_PRESENT = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-autoreply-from", "x-mail-autoreply",
            "x-fc-machinegenerated")  # fmt: skip
# `X-Auto-Response-Suppress` (Microsoft): these values ask for no automatic reply; DR/NDR/RN/NRN are
# about delivery and read receipts, which we do not send.
_SUPPRESS = {"all", "autoreply", "oof"}
# RFC 3834 §2: no response to a sender whose local part says it is a mail system or a list.
_ROBOT_LOCAL = {"mailer-daemon", "postmaster", "listserv", "majordomo", "mail-daemon"}


def header_section(raw: bytes) -> bytes:
    """The header section of a raw message (all of it when there is no blank line)."""
    end = _HEAD_END.search(raw)
    return raw[: end.start()] if end else raw


def null_sender(envelope_from: str) -> bool:
    """`MAIL FROM:<>` (RFC 5321 §4.5.5): bounces and other notifications that must not be answered."""
    return envelope_from.strip().strip("<>").strip() == ""


def robot_address(address: str) -> bool:
    """`MAILER-DAEMON@…`, `postmaster@…`, `owner-list@…`, `list-request@…` (RFC 3834 §2)."""
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    return local in _ROBOT_LOCAL or local.startswith("owner-") or local.endswith("-request")


def automatic_reason(raw: bytes, envelope_from: str, sender: str = "") -> str:
    """Why this mail is automatic ("" when it is not): e.g. `null sender`, `Auto-Submitted: auto-replied`.

    `envelope_from` is the SMTP `MAIL FROM` as stored (`""` or `"<>"` for a null sender); `sender` is the
    From address the gateway would answer."""
    if null_sender(envelope_from):
        return "null sender (MAIL FROM:<>)"
    for address in (envelope_from, sender):
        if address and robot_address(address):
            return f"sender {address.strip('<>')}"
    if sender and sender.lower() == hostmaster():
        return f"sent from {hostmaster()} itself"
    head = header_section(raw)
    lowered = head.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return ""
    return _from_headers(BytesParser(policy=email.policy.compat32).parsebytes(head + b"\n\n", headersonly=True))


def _values(msg: Message, name: str) -> list[str]:
    """Every value of a header, unfolded, surrounding space removed (a header too broken to read is '')."""
    values = []
    for value in msg.get_all(name) or []:
        try:
            text = str(value)
        except Exception:
            text = ""
        values.append(" ".join(text.split()))
    return values


def _from_headers(msg: Message) -> str:
    for value in _values(msg, "Auto-Submitted"):
        keyword = value.split(";", 1)[0].strip().lower()
        if keyword != "no":  # RFC 3834 §5: any value but `no` (also one we do not know) is automatic
            return f"Auto-Submitted: {value}"
    for value in _values(msg, "Precedence"):
        if value.lower() in _PRECEDENCE:
            return f"Precedence: {value}"
    for name in msg:
        if name.strip().lower().startswith("list-"):
            return f"{name.strip()} header (mailing list)"
    for name in _PRESENT:
        if msg.get(name) is not None:
            return f"{name} header (auto-responder)"
    for value in _values(msg, "X-Auto-Response-Suppress"):
        if _SUPPRESS & {word.strip().lower() for word in value.split(",")}:
            return f"X-Auto-Response-Suppress: {value}"
    for value in _values(msg, "X-Autogenerated"):
        if value.lower() in ("reply", "forward", "group", "mirror"):
            return f"X-Autogenerated: {value}"
    if msg.get_content_type() == "multipart/report":
        return f"multipart/report ({msg.get_param('report-type') or 'delivery or read report'})"
    for value in _values(msg, LOOP_HEADER):
        if hostmaster() in value.lower():
            return f"{LOOP_HEADER}: {value} (our own mail came back)"
    if msg.get("X-Kzreg-Tracking") is not None:
        return "X-Kzreg-Tracking (our own reply came back)"
    for value in _values(msg, "Sender") + _values(msg, "Return-Path"):
        if robot_address(parseaddr(value)[1]):
            return f"sender {value}"
    return ""
