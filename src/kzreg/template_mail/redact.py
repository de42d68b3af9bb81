"""Crypt-PW passwords never stay in clear (T9): after processing, a stored message that carried one
keeps its headers and the forms as read, with the passwords masked, instead of its original body.

A password is `0c` (Auth Info) in any form, and `3b` in a Contact form only: in a Domain form `3b` is
the registrant's kind (I/R), and a message holding only that is kept as it arrived."""

from __future__ import annotations

from collections.abc import Sequence

from kzreg.template_mail.parser import ParsedForm

MASK = "********"
NOTE = "[kzreg: the body was replaced after processing because it held a Crypt-PW password]"


def secret_fields(template: str) -> tuple[str, ...]:
    return ("0c", "3b") if template == "contact" else ("0c",)


def holds_secret(form: ParsedForm) -> bool:
    return any(form.get(key) for key in secret_fields(form.template))


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
        secret = secret_fields(form.template)
        for key, value in form.fields.items():
            body.append(f"{key}: {MASK if key in secret and value else value}")
        body.append("")
    headers = b"\n".join(kept) + b"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
    return headers + b"Content-Transfer-Encoding: 8bit\n\n" + "\n".join(body).encode("utf-8")
