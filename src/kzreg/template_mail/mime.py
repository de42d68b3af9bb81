"""A raw e-mail → its sender, subject and the texts that may hold forms (T2).

Handles plain, quoted-printable and base64 bodies; UTF-8, Windows-1251 and KOI8-R (also when the
charset is missing or wrong); multipart with the form in the text part or in a text attachment;
HTML-only mail; forwarded messages (`message/rfc822`, remembered with their own From and their bytes
exactly as sent, whose own DKIM signature the intake verifies for T13);
clear-signed text and PGP/MIME `multipart/signed` (kept byte-exact for verification, T9).
Malformed input never raises: what cannot be read becomes a problem for the reply.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import functools
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses

from kzreg.template_mail.htmltext import html_to_text
from kzreg.template_mail.problems import FormProblem

_CLEAR_RE = re.compile(r"-----BEGIN PGP SIGNED MESSAGE-----\r?\n.*?-----END PGP SIGNATURE-----[^\n]*", re.S)
_MAX_PARTS = 200
_HEAD_END_RE = re.compile(rb"\r?\n\r?\n")  # the blank line after the header section
_KAZAKH = set("әіңғүұқөһӘІҢҒҮҰҚӨҺ")


@dataclass
class Signature:
    """Signed content exactly as signed: a clear-signed block, or a PGP/MIME part and its signature."""

    data: bytes
    detached: bytes = b""  # empty for clear-signed text


@dataclass
class TextPart:
    text: str
    forwarded_from: str = ""  # the From address of the forwarded message this text came in
    forwarded_subject: str = ""
    signature: Signature | None = None
    forwarded_index: int = -1  # which of `Mail.forwarded` it came in


@dataclass
class Forwarded:
    """A forwarded original (`message/rfc822`): its From and its bytes exactly as sent (None when they
    cannot be told apart from the enclosing message), for its own DKIM signature (T13)."""

    sender: str
    raw: bytes | None


@dataclass
class Mail:
    sender: str = ""
    subject: str = ""
    message_id: str = ""
    references: str = ""
    parts: list[TextPart] = field(default_factory=list)
    problems: list[FormProblem] = field(default_factory=list)
    forwarded: list[Forwarded] = field(default_factory=list)

    @property
    def language_hint(self) -> str:
        text = " ".join(p.text[:2000] for p in self.parts) + self.subject
        if any(ch in _KAZAKH for ch in text):
            return "kk"
        if any("а" <= ch.lower() <= "я" for ch in text):
            return "ru"
        return "en"


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
        if value is None:
            return ""
        text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # raw 8-bit headers
        return " ".join(text.split())
    except Exception:  # a header too broken to parse is treated as absent
        return ""


def address_of(header_value: str) -> str:
    """The first address in a header (lower case), "" when none. Kept for usual header lengths: the
    stdlib's address parser is slow, and mail comes from the same few senders."""
    return _address_of(header_value) if len(header_value) <= 998 else _address_of.__wrapped__(header_value)


@functools.lru_cache(maxsize=4096)
def _address_of(header_value: str) -> str:
    try:
        pairs = getaddresses([header_value])
    except Exception:
        return ""
    for _, addr in pairs:
        if "@" in addr:
            return addr.strip().lower()
    return ""


def decode_bytes(data: bytes, declared: str | None) -> str | None:
    """Text in the declared charset, else UTF-8, else Windows-1251 or KOI8-R by letter statistics."""
    if b"\x00" in data:
        return None
    for charset in (declared, "utf-8"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    high = [b for b in data if b >= 0xC0]
    # Most Cyrillic text is lower case: 0xE0–0xFF in Windows-1251, 0xC0–0xDF in KOI8-R.
    guess = "cp1251" if sum(b >= 0xE0 for b in high) * 2 >= len(high) else "koi8_r"
    return data.decode(guess, errors="replace")


def _part_text(part: Message, mail: Mail) -> str | None:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        return None
    text = decode_bytes(data, part.get_content_charset())
    if text is None:
        mail.problems.append(FormProblem("", "undecodable", {"detail": part.get_content_type()}))
    return text


def _split_clear_signed(text: str, base: TextPart) -> list[TextPart]:
    parts: list[TextPart] = []
    pos = 0

    def part(piece: str, signature: Signature | None = None) -> TextPart:
        return TextPart(piece, base.forwarded_from, base.forwarded_subject, signature, base.forwarded_index)

    for m in _CLEAR_RE.finditer(text):
        if text[pos : m.start()].strip():
            parts.append(part(text[pos : m.start()]))
        block = m.group(0)
        parts.append(part(_clear_body(block), Signature(block.encode())))
        pos = m.end()
    if text[pos:].strip() or not parts:
        parts.append(part(text[pos:], base.signature))
    return parts


def _clear_body(block: str) -> str:
    """The signed text inside a clear-signed block, dash-escaping undone (RFC 4880 §7.1)."""
    lines = block.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if not line.strip()), len(lines))
    body = []
    for line in lines[start:]:
        if line.startswith("-----BEGIN PGP SIGNATURE-----"):
            break
        body.append(line[2:] if line.startswith("- ") else line)
    return "\n".join(body)


def _signed_part_bytes(raw: bytes, boundary: str) -> bytes | None:
    """The first body part of a multipart/signed exactly as sent, with CRLF line ends (RFC 3156)."""
    marker = b"--" + boundary.encode("ascii", "replace")
    start = raw.find(marker)
    if start < 0:
        return None
    start = raw.find(b"\n", start) + 1
    end = raw.find(b"\n" + marker, start)
    if start <= 0 or end < 0:
        return None
    chunk = raw[start:end].rstrip(b"\r")
    return re.sub(rb"\r?\n", b"\r\n", chunk)


def _body_of(own: bytes | None) -> bytes | None:
    """What follows the header section of a message or part as sent (None when unknown)."""
    if own is None:
        return None
    end = _HEAD_END_RE.search(own)
    return own[end.end() :] if end else None


def _raw_subparts(own: bytes | None, boundary: str, count: int) -> list[bytes | None]:
    """The body parts of a multipart exactly as sent (RFC 2046 §5.1.1: the line break before a
    delimiter belongs to it); [None, ...] when they cannot be found one for one."""
    body = _body_of(own)
    if body is None or not boundary:
        return [None] * count
    delimiter = re.compile(rb"(?m)^--" + re.escape(boundary.encode("ascii", "replace")) + rb"(--)?[ \t]*\r?$")
    chunks: list[bytes | None] = []
    start = None
    for m in delimiter.finditer(body):
        if start is not None:
            end = m.start()
            end -= 2 if body[end - 2 : end] == b"\r\n" else 1 if body[end - 1 : end] == b"\n" else 0
            chunks.append(body[start:end])
        if m.group(1):
            break
        newline = body.find(b"\n", m.end())
        start = newline + 1 if newline >= 0 else len(body)
    return chunks if len(chunks) == count else [None] * count


def _walk(
    msg: Message, mail: Mail, raw: bytes, forwarded: tuple, html: list[TextPart], own: bytes | None = None
) -> None:
    """`own`: this message or part's bytes as sent, when known (for forwarded originals' DKIM)."""
    if len(mail.parts) + len(html) > _MAX_PARTS:
        return
    ctype = msg.get_content_type()
    if ctype == "message/rfc822":
        inner_raw = _body_of(own)
        for inner in msg.get_payload() or []:
            if isinstance(inner, Message):
                sender = address_of(_header(inner, "From"))
                mail.forwarded.append(Forwarded(sender, inner_raw))
                origin = (sender, _header(inner, "Subject"), len(mail.forwarded) - 1)
                _walk(inner, mail, raw, origin, html, inner_raw)
                inner_raw = None  # one original per message/rfc822 part
        return
    if ctype == "multipart/signed" and msg.get_param("protocol") == "application/pgp-signature":
        payload = msg.get_payload()
        signed_bytes = _signed_part_bytes(raw, msg.get_boundary() or "")
        if isinstance(payload, list) and len(payload) == 2 and signed_bytes is not None:
            detached = payload[1].get_payload(decode=True) or b""
            before = len(mail.parts)
            _walk(payload[0], mail, raw, forwarded, html)
            for part in mail.parts[before:]:
                part.signature = Signature(signed_bytes, detached)
            return
    if msg.is_multipart():
        subs = [sub for sub in msg.get_payload() or [] if isinstance(sub, Message)]
        chunks = _raw_subparts(own, msg.get_boundary() or "", len(subs)) if own is not None else [None] * len(subs)
        for sub, chunk in zip(subs, chunks, strict=True):
            _walk(sub, mail, raw, forwarded, html, chunk)
        return
    if ctype == "text/plain" or (ctype == "application/octet-stream" and _txt_attachment(msg)):
        text = _part_text(msg, mail)
        if text is not None:
            mail.parts.extend(_split_clear_signed(text, _origin_part("", forwarded)))
    elif ctype == "text/html":
        text = _part_text(msg, mail)
        if text is not None:
            html.append(_origin_part(html_to_text(text), forwarded))


def _origin_part(text: str, forwarded: tuple) -> TextPart:
    sender, subject, index = forwarded
    return TextPart(text, sender, subject, forwarded_index=index)


def _txt_attachment(msg: Message) -> bool:
    return (msg.get_filename() or "").lower().endswith(".txt")


def parse_mail(raw: bytes) -> Mail:
    mail = Mail()
    try:
        msg = _message(raw)
    except Exception:  # the parser is lenient; this is for the truly unexpected
        mail.problems.append(FormProblem("", "undecodable", {"detail": "MIME"}))
        return mail
    mail.sender = address_of(_decoded(_header(msg, "From")))
    mail.subject = _decoded(_header(msg, "Subject"))[:500]
    mail.message_id = _header(msg, "Message-ID")[:300]
    mail.references = " ".join(filter(None, [_header(msg, "References"), mail.message_id]))[-900:]
    html: list[TextPart] = []
    _walk(msg, mail, raw, ("", "", -1), html, raw)
    if not any(p.text.strip() for p in mail.parts):
        mail.parts.extend(html)  # HTML-only mail: the form is read from the HTML text
    return mail


def _message(raw: bytes) -> Message:
    """The parsed message. A single-part message (most forms arrive as one text/plain body) has only
    its header section parsed; its body is attached as the feed parser would keep it, instead of being
    fed through the parser line by line. Anything else — no blank line, a header section the parser
    reads differently (a defect, text left over), multipart or message/* — is parsed whole."""
    end = _HEAD_END_RE.search(raw)
    if end is not None:
        msg = BytesParser(policy=email.policy.compat32).parsebytes(raw[: end.end()], headersonly=True)
        if not msg.defects and not msg.get_payload() and msg.get_content_maintype() not in ("multipart", "message"):
            msg.set_payload(raw[end.end() :].decode("ascii", "surrogateescape"))
            return msg
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _decoded(value: str) -> str:
    """RFC 2047 encoded words decoded; undecodable words are kept as they are."""
    if "=?" not in value:  # no encoded word: `decode_header` and `make_header` give the text back as it is
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:
        return value
