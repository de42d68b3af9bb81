"""`queue_email`: the one way any part of kzreg sends mail.

The row is written on the caller's database connection, so inside the caller's `transaction.atomic()` it
commits or rolls back with the change it reports (DESIGN: outbox for every message). The worker only ever
sees committed rows, so nothing leaves before commit and nothing leaves for a change that rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.db.models import Model

from kzreg.core import clock
from kzreg.core.errors import Problems
from kzreg.core.messages import LANGUAGES, Code
from kzreg.notify.addresses import addr_spec, normalise, normalise_list
from kzreg.notify.limits import recipient_values
from kzreg.notify.models import OutboxMessage, OutboxRecipient
from kzreg.registry import rows

# Headers the outbox writes itself; a caller that passes one of these in `headers` gets a clear error.
MANAGED_HEADERS = frozenset(
    h.lower()
    for h in (
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
        "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Sender", "Return-Path",
    )
)  # fmt: skip
HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,75}$")
MSG_ID_RE = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
REFERENCE_MAX = OutboxMessage._meta.get_field("reference").max_length


_LINE_BREAK_RE = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def unfold(text: str) -> str:
    """Header text on one line: CR/LF (header injection, or folding copied from a received mail) → space."""
    if "\n" not in text and "\r" not in text:  # the usual case: nothing to replace
        return text.strip()
    return _LINE_BREAK_RE.sub(" ", text).strip()


def _message_ids(value: str, field: str, problems: Problems) -> list[str]:
    """`<a@b> <c@d>` (angle brackets optional on input) → the ids, each checked."""
    ids = []
    for token in unfold(value or "").replace(",", " ").split():
        token = token if token.startswith("<") else f"<{token}>"
        if not MSG_ID_RE.match(token):
            problems.add(field, Code.INVALID, value=token)
        else:
            ids.append(token)
    return ids


def _extra_headers(headers: Mapping[str, str] | None, problems: Problems) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in (headers or {}).items():
        field = f"headers.{name}"
        if not HEADER_NAME_RE.match(str(name)):
            problems.add(field, Code.INVALID, value=name)
        elif name.lower() in MANAGED_HEADERS:
            problems.add(field, Code.INVALID, value=f"{name} (written by the outbox itself)")
        else:
            result[name] = unfold(str(value))
    return result


def new_message_id(sender: str) -> str:
    """An RFC 5322 Message-ID on the sender's domain, known at queue time so replies can thread on it."""
    domain = addr_spec(sender).rpartition("@")[2] or "localhost"
    return make_msgid(idstring="kzreg", domain=domain)


def queue_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    sender: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: Mapping[str, str] | None = None,
    reference: str = "",
    language: str = "en",
) -> OutboxMessage:
    """Write one message to the outbox; raises `OperationFailed` (every problem, nothing written) on bad input.

    Recipients are checked and de-duplicated (an address in `to` is dropped from `cc`). With `in_reply_to`,
    References ends with the In-Reply-To id (added if missing), so mail clients thread the reply.
    """
    values = outbox_values(
        to=to, subject=subject, body=body, cc=cc, sender=sender, in_reply_to=in_reply_to, references=references,
        headers=headers, reference=reference, language=language,
    )  # fmt: skip
    return rows.insert(OutboxMessage(**values))


def outbox_values(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    sender: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: Mapping[str, str] | None = None,
    reference: str = "",
    language: str = "en",
) -> dict[str, Any]:
    """The checked row `queue_email` writes, as attribute values, not yet written: for a caller that
    writes many at once (`write_queued`). Raises `OperationFailed` exactly as `queue_email` does."""
    problems = Problems()
    from_address = normalise(sender or settings.HOSTMASTER, "sender", problems)
    to_list = normalise_list(to, "to", problems)
    if not to_list and not any(p.field.startswith("to[") for p in problems.items):
        problems.add("to", Code.REQUIRED)
    cc_list = normalise_list(cc, "cc", problems, exclude=to_list)
    subject_line = unfold(subject or "")
    if not subject_line:
        problems.add("subject", Code.REQUIRED)
    parent = _message_ids(in_reply_to or "", "in_reply_to", problems)
    if len(parent) > 1:
        problems.add("in_reply_to", Code.INVALID, value=in_reply_to)
    chain = _message_ids(references or "", "references", problems)
    if parent and parent[0] not in chain:  # References ends with the parent, so clients can thread
        chain.append(parent[0])
    extra = _extra_headers(headers, problems)
    reference = unfold(reference or "")
    if len(reference) > REFERENCE_MAX:
        problems.add("reference", Code.TOO_LONG, limit=REFERENCE_MAX)
    if language not in LANGUAGES:
        problems.add("language", Code.INVALID_CHOICE, value=language, choices=", ".join(LANGUAGES))
    problems.raise_if_any()

    now = clock.now()
    return {
        "created_at": now,
        "sender": from_address,
        "to": to_list,
        "cc": cc_list,
        "subject": subject_line,
        "body": (body or "").replace("\r\n", "\n").replace("\r", "\n"),
        "headers": extra,
        "message_id": new_message_id(from_address or ""),
        "in_reply_to": parent[0] if parent else "",
        "references": " ".join(chain),
        "reference": reference,
        "language": language,
        "state": OutboxMessage.State.QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "sent_at": None,
        "last_error": "",
        "delivered_to": "",
        "claimed_by": "",
    }


def write_queued(values: Sequence[dict[str, Any]]) -> None:
    """Rows from `outbox_values` written in their order, in the caller's transaction like
    `queue_email`: a gateway processing a batch of mail writes its replies at once (`insert_batch`)
    instead of a statement (on PostgreSQL a round trip) per reply. Each row's recipients are written
    with it (`OutboxRecipient`), so the gateway can count the replies an address got (`notify.limits`)."""
    if values:
        with rows.pipeline():
            rows.insert_rows(OutboxMessage, values)
            rows.insert_rows(OutboxRecipient, recipient_values(values))


def insert_batch(model: type[Model], values: Sequence[dict[str, Any]]) -> None:
    """Rows given as attribute values inserted in their order (`rows.insert_rows`), the statements sent
    together in one pipeline on PostgreSQL (one round trip)."""
    if values:
        with rows.pipeline():
            rows.insert_rows(model, values)
