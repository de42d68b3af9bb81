"""Crypt-PW passwords never stay in clear (T9): after processing, a stored message that carried one
keeps its headers and the forms as read, with 0c and 3b masked, instead of its original body."""

from __future__ import annotations

from collections.abc import Sequence

from kzreg.template_mail.parser import ParsedForm

MASK = "********"
NOTE = "[kzreg: the body was replaced after processing because it held a Crypt-PW password]"


def redact_secrets(raw: bytes, forms: Sequence[ParsedForm]) -> bytes:
    head, sep, _ = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, _ = raw.partition(b"\n\n")
    kept = []
    for line in head.splitlines():
        lowered = line.lower()
        if lowered.startswith((b"content-type", b"content-transfer-encoding", b"mime-version")):
            continue
        kept.append(line)
    body = [NOTE, ""]
    for form in forms:
        for key, value in form.fields.items():
            body.append(f"{key}: {MASK if key in ('0c', '3b') and value else value}")
        body.append("")
    headers = b"\n".join(kept) + b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    return headers + b"Content-Transfer-Encoding: 8bit\n\n" + "\n".join(body).encode("utf-8")
