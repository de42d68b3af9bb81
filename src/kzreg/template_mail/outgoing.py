"""Queueing the gateway's mail through the outbox, in the caller's transaction (DESIGN: outbox).

Every subject carries `[KZ-YYMMDD.N]`; a reply is threaded on the message it answers. Every message is
marked as an automatic reply (`Auto-Submitted: auto-replied`, `X-Loop: <hostmaster>`), so well-behaved
robots do not answer it and our own mail coming back is recognised (`automatic.py`); and an address
gets at most `KZREG_MAIL_REPLY_LIMIT` of them an hour, whatever a misbehaving robot does.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from typing import Any

from django.conf import settings

from kzreg.core import clock
from kzreg.core.errors import OperationFailed
from kzreg.notify.addresses import bare
from kzreg.notify.limits import addresses_of, sent_since
from kzreg.notify.outbox import outbox_values, write_queued
from kzreg.registry.models import Contact, Domain
from kzreg.template_mail.conf import reply_limit
from kzreg.template_mail.models import MailRequest
from kzreg.template_mail.replies import text

log = logging.getLogger("kzreg.template_mail")
_MSG_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
# While a batch runs (`inbox.process_batch`): the outbox rows its messages queued, checked by
# `outbox_values` and written together when it ends (`notify.outbox.write_queued`) instead of one
# INSERT per reply; a message that fails has its rows dropped with the rest of its work.
batch_outbox: ContextVar[list[dict[str, Any]] | None] = ContextVar("outbox_rows", default=None)
# The mail per address of the batch whose `batch_outbox` list it holds: an address is counted in the
# database once per batch, not once per reply.
_batch_counts: ContextVar[_BatchCounts | None] = ContextVar("reply_counts", default=None)
LOOP_HEADER = "X-Loop"
REPLY_WINDOW = dt.timedelta(hours=1)


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
    recipients = _within_limit(request, recipients)
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
            headers={"X-Kzreg-Tracking": request.tracking, "Auto-Submitted": "auto-replied", LOOP_HEADER: hostmaster()},
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


def _within_limit(request: MailRequest, recipients: list[str]) -> list[str]:
    """The recipients still under `KZREG_MAIL_REPLY_LIMIT` gateway mails in the last hour, counted from the
    outbox (committed rows and this batch's rows not yet written); the others are logged and skipped."""
    limit = reply_limit()
    if limit <= 0 or not recipients:
        return recipients
    keys = {bare(a) for a in recipients}
    pending = batch_outbox.get()
    if pending is None:
        counts: dict[str, int] = sent_since(keys, clock.now() - REPLY_WINDOW)
    else:
        batch = _batch_counts.get()
        if batch is None or batch.pending is not pending:
            batch = _BatchCounts(pending)
            _batch_counts.set(batch)
        counts = batch.count(keys)
    allowed = []
    for address in recipients:
        sent = counts.get(bare(address), 0)
        if sent < limit:
            allowed.append(address)
        else:
            log.warning(
                "%s: mail to %s not queued: it was sent %d gateway mails in the last hour (KZREG_MAIL_REPLY_LIMIT=%d)",
                request.tracking, address, sent, limit,
            )  # fmt: skip
    return allowed


class _BatchCounts:
    """A batch's mail per address: committed mail read once per address, plus the batch's own rows not
    yet written, counted as they are added (counted again when a failed message's rows were dropped)."""

    def __init__(self, pending: list[dict[str, Any]]):
        self.pending = pending
        self.committed: dict[str, int] = {}
        self.queued: Counter[str] = Counter()
        self.seen, self.last = 0, None  # rows counted in `queued`, and the last of them

    def count(self, keys: set[str]) -> dict[str, int]:
        missing = [key for key in keys if key not in self.committed]
        if missing:
            found = sent_since(missing, clock.now() - REPLY_WINDOW)
            self.committed.update({key: found.get(key, 0) for key in missing})
        rows = self.pending  # only ever appended to, or cut back when a message fails
        if self.seen > len(rows) or (self.seen and rows[self.seen - 1] is not self.last):
            self.queued, self.seen = Counter(), 0
        if len(rows) > self.seen:
            self.queued.update(addresses_of(rows[self.seen :]))
            self.seen, self.last = len(rows), rows[-1]
        return {key: self.committed[key] + self.queued[key] for key in keys}


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
