"""The worker's half of the outbox: take due rows, deliver them, record the outcome, retry with backoff.

Claiming is a short transaction of its own (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
workers share the load; SQLite's IMMEDIATE transactions serialise it). A claimed row is `sending` with a
lease in `next_attempt_at`; the attempt is counted at claim time, so a worker that crashes mid-send
neither loses the message (it is taken again when the lease runs out) nor loops forever on it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import F

from kzreg.core import clock
from kzreg.notify.models import OutboxMessage
from kzreg.notify.transport import DeliveryError, Transport, from_settings

log = logging.getLogger("kzreg.notify")
State = OutboxMessage.State

MAX_ATTEMPTS = 10  # 1+2+4+…+60 minutes: about four hours of retries before a message is marked failed
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)
SENDING_LEASE = dt.timedelta(minutes=10)  # far beyond an SMTP timeout: a row this old was abandoned
BATCH_SIZE = 50
MAX_BATCHES = 20  # per pass, so one pass stays bounded; the next pass continues


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failed attempt, at most `MAX_RETRY`."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def claim(limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Due rows (queued and due, or `sending` past their lease), marked `sending` with a fresh lease."""
    now = clock.now()
    claimed = []
    with transaction.atomic():
        due = OutboxMessage.objects.filter(state__in=(State.QUEUED, State.SENDING), next_attempt_at__lte=now)
        due = due.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        for row in due[:limit]:
            if row.state == State.SENDING and not _reclaim(row):
                continue
            row.state, row.attempts, row.next_attempt_at = State.SENDING, row.attempts + 1, now + SENDING_LEASE
            claimed.append(row)
        if claimed:  # one UPDATE for the batch: every claimed row was read under this transaction's lock
            OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
                state=State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE
            )
    return claimed


def _reclaim(row: OutboxMessage) -> bool:
    """A `sending` row past its lease: its worker died. Say so on the row; give up after `MAX_ATTEMPTS`."""
    started = row.next_attempt_at - SENDING_LEASE
    note = f"attempt {row.attempts} was interrupted (worker stopped while sending at {started:%Y-%m-%d %H:%M:%S}Z)"
    log.warning("outbox #%s: %s", row.pk, note)
    if row.attempts >= MAX_ATTEMPTS:
        row.state, row.last_error = State.FAILED, note
        row.save(update_fields=["state", "last_error"])
        return False
    row.last_error = f"{note}; delivering again with the same Message-ID"
    row.save(update_fields=["last_error"])
    return True


def _finish(row: OutboxMessage, **fields: object) -> None:
    """Record an outcome, unless another worker took the row over after our lease ran out."""
    taken = OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING, attempts=row.attempts)
    if not taken.update(**fields):
        log.warning("outbox #%s: lease lost before the outcome was recorded (%s)", row.pk, fields.get("state"))


def deliver_one(row: OutboxMessage, transport: Transport) -> str:
    """Send one claimed row; returns what happened: `sent`, `retry` or `failed`."""
    try:
        delivered = transport.send(row)
    except Exception as exc:  # a bug in rendering must not strand the row in `sending` or stop the pass
        if not isinstance(exc, DeliveryError):
            log.exception("outbox #%s: unexpected error while delivering", row.pk)
            exc = DeliveryError(f"{type(exc).__name__}: {exc}")
        now = clock.now()
        if exc.permanent or row.attempts >= MAX_ATTEMPTS:
            _finish(row, state=State.FAILED, last_error=str(exc))
            log.error("outbox #%s failed after %s attempt(s): %s", row.pk, row.attempts, exc)
            return "failed"
        _finish(row, state=State.QUEUED, next_attempt_at=now + retry_delay(row.attempts), last_error=str(exc))
        log.info("outbox #%s attempt %s failed, will retry: %s", row.pk, row.attempts, exc)
        return "retry"
    note = f"refused by the relay: {delivered.refused}" if delivered.refused else row.last_error
    _finish(row, state=State.SENT, sent_at=clock.now(), delivered_to=delivered.where, last_error=note)
    return "sent"


def deliver_due(transport: Transport | None = None) -> dict[str, int]:
    """One delivery pass (the worker job and `kzreg outbox deliver`): counts of sent / retry / failed."""
    counts: Counter[str] = Counter()
    transport = transport or from_settings()
    try:
        for _ in range(MAX_BATCHES):
            rows = claim()
            if not rows:
                break
            for row in rows:
                counts[deliver_one(row, transport)] += 1
    finally:
        transport.close()
    return dict(counts)
