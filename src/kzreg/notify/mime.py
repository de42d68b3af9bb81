"""An outbox row as the MIME message that leaves the registry (stdlib `email`).

The rendering is deterministic (Date is the queue time, Message-ID is stored, the body is a single part),
so the staff page and `kzreg outbox show` display exactly the bytes that were, or will be, delivered.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from kzreg.notify.addresses import addr_spec
from kzreg.notify.models import OutboxMessage

# 7-bit on the wire: a UTF-8 body goes quoted-printable or base64 (whichever is shorter), and non-ASCII
# headers (Cyrillic subjects, display names) are RFC 2047 encoded; CRLF line ends as SMTP wants.
WIRE = policy.SMTP.clone(cte_type="7bit", max_line_length=78)


def build_message(message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage(policy=WIRE)
    mail["From"] = message.sender
    mail["To"] = ", ".join(message.to)
    if message.cc:
        mail["Cc"] = ", ".join(message.cc)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(timezone.localtime(message.created_at))
    mail["Message-ID"] = message.message_id
    if message.in_reply_to:
        mail["In-Reply-To"] = message.in_reply_to
    if message.references:
        mail["References"] = message.references
    extra = {name.lower() for name in message.headers}
    if "auto-submitted" not in extra:  # RFC 3834: no auto-replies to us, no loops
        mail["Auto-Submitted"] = "auto-replied" if message.in_reply_to else "auto-generated"
    body = message.body if message.body.endswith("\n") or not message.body else message.body + "\n"
    mail.set_content(body, charset="utf-8")  # drops any Content-* header set before it, so headers come after
    if "content-language" not in extra:
        mail["Content-Language"] = message.language
    for name, value in message.headers.items():
        mail[name] = value
    return mail


def as_bytes(message: OutboxMessage) -> bytes:
    return build_message(message).as_bytes()


def envelope(message: OutboxMessage) -> tuple[str, list[str]]:
    """SMTP MAIL FROM and RCPT TO: the bare addresses of the sender and of every To and Cc recipient."""
    return addr_spec(message.sender), [addr_spec(a) for a in message.recipients]
