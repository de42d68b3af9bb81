"""Queueing the gateway's mail through the outbox, in the caller's transaction (DESIGN: outbox).

Every subject carries `[KZ-YYMMDD.N]`; a reply is threaded on the message it answers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings

from kzreg.core.errors import OperationFailed
from kzreg.notify.outbox import outbox_values, write_queued
from kzreg.registry.models import Contact, Domain
from kzreg.template_mail.models import MailRequest
from kzreg.template_mail.replies import text

log = logging.getLogger("kzreg.template_mail")
_MSG_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
# While a batch runs (`inbox.process_batch`): the outbox rows its messages queued, checked by
# `outbox_values` and written together when it ends (`notify.outbox.write_queued`) instead of one
# INSERT per reply; a message that fails has its rows dropped with the rest of its work.
batch_outbox: ContextVar[list[dict[str, Any]] | None] = ContextVar("outbox_rows", default=None)


def send(
    request: MailRequest,
    to: Sequence[str],
    subject: str,
    body: str,
    lang: str,
    in_reply_to: str = "",
    references: str = "",
) -> bool:
    """Queues one message; an unusable address is logged and skipped, never a failure of the request."""
    recipients = sorted({a.strip().lower() for a in to if a and "@" in a and a.strip().lower() != hostmaster()})
    if not recipients:
        return False
    parent = in_reply_to if _MSG_ID.match(in_reply_to or "") else None
    chain = " ".join(t for t in (references or "").split() if _MSG_ID.match(t)) or None
    try:
        values = outbox_values(
            to=recipients,
            subject=f"[{request.tracking}] {subject}",
            body=body + text("footer", lang, hostmaster=hostmaster()),
            in_reply_to=parent,
            references=chain if parent else None,
            headers={"X-Kzreg-Tracking": request.tracking, "Auto-Submitted": "auto-replied"},
            reference=request.tracking,
            language=lang if lang in ("kk", "ru", "en") else "en",
        )
    except OperationFailed as exc:
        log.warning("%s: reply to %s not queued: %s", request.tracking, recipients, exc)
        return False
    pending = batch_outbox.get()
    if pending is None:
        write_queued([values])  # the row `queue_email` would write
    else:
        pending.append(values)  # written with the batch
    return True


def hostmaster() -> str:
    return settings.HOSTMASTER.lower()


def contact_emails(contacts: Iterable[Contact | None]) -> list[str]:
    return sorted({e.lower() for c in contacts if c is not None for e in c.emails})


def by_language(contacts: Iterable[Contact | None], exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """Recipients grouped by each contact's language (3m), so each reads a notice in their own."""
    skip = {e.lower() for e in exclude}
    groups: dict[str, set[str]] = {}
    for contact in contacts:
        if contact is None:
            continue
        lang = contact.language if contact.language in ("kk", "ru", "en") else "ru"
        groups.setdefault(lang, set()).update(e.lower() for e in contact.emails if e.lower() not in skip)
    return {lang: sorted(emails) for lang, emails in groups.items() if emails}


def primary_ns_tech(domain_or_host: Domain | str | None) -> Contact | None:
    """The technical contact of the domain (registered here) that the primary name server lives in."""
    if domain_or_host is None:
        return None
    if isinstance(domain_or_host, Domain):
        link = domain_or_host.nameserver_links.select_related("host").order_by("position").first()
        if link is None:
            return None
        host = link.host.name
    else:
        host = domain_or_host
    labels = host.lower().rstrip(".").split(".")
    for i in range(1, len(labels) - 1):
        parent = Domain.objects.filter(name=".".join(labels[i:]), deleted_at__isnull=True).first()
        if parent is not None:
            return parent.tech_contact
    return None


def primary_host(domain: Domain) -> str:
    link = domain.nameserver_links.select_related("host").order_by("position").first()
    return link.host.name if link else ""
