"""The worker's half of the outbox: take due rows, deliver them, record the outcome, retry with backoff.

Claiming is a short transaction of its own (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
workers share the load; SQLite's IMMEDIATE transactions serialise it). A claimed row is `sending`, held by
its worker (`claimed_by`, `notify.workers`) with a short lease in `next_attempt_at` that the worker renews
while it sends; the attempt is counted at claim time. A worker that crashes mid-send neither loses the
message nor loops forever on it: a worker of the same host finds it gone and takes its rows at once
(`free_abandoned`), one elsewhere when the lease passes. An outcome is recorded only while the row is
still the worker's, and a sent row is never taken again: the one window left is a crash between the
relay's `250` and marking the row, after which the message goes out once more with the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import F

from kzreg.core import clock
from kzreg.notify import workers
from kzreg.notify.models import OutboxMessage
from kzreg.notify.transport import DeliveryError, Transport, from_settings

log = logging.getLogger("kzreg.notify")
State = OutboxMessage.State

MAX_ATTEMPTS = 10  # 1+2+4+…+60 minutes: about four hours of retries before a message is marked failed
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=1)
# A `sending` row's lease, renewed while its worker sends (`_Lease`): rows of a crashed worker on another
# host wait this long. It exceeds the SMTP conversation of one message (a few 30 s command timeouts at
# worst), since the lease is renewed between messages.
SENDING_LEASE = dt.timedelta(minutes=2)
BATCH_SIZE = 50
MAX_BATCHES = 20  # per pass, so one pass stays bounded; the next pass continues


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the first, second, third … failed attempt, at most `MAX_RETRY`."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def claim(limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Due rows (queued and due, or `sending` past their lease), marked `sending` by this worker with a
    fresh lease."""
    now, me = clock.now(), workers.current()
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
            row.claimed_by = me
            claimed.append(row)
        if claimed:  # one UPDATE for the batch: every claimed row was read under this transaction's lock
            OutboxMessage.objects.filter(pk__in=[row.pk for row in claimed]).update(
                state=State.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE, claimed_by=me
            )
    return claimed


def free_abandoned() -> int:
    """`sending` rows of a worker of this host that is gone (killed, crashed) are made due at once,
    instead of waiting for their lease: a restarted worker sends them within seconds. Returns how many."""
    me = workers.current()
    sending = OutboxMessage.objects.filter(state=State.SENDING).exclude(claimed_by__in=("", me))
    gone = [owner for owner in set(sending.values_list("claimed_by", flat=True)) if workers.gone(owner)]
    if not gone:
        return 0
    freed = OutboxMessage.objects.filter(state=State.SENDING, claimed_by__in=gone).update(next_attempt_at=clock.now())
    log.warning("outbox: %s row(s) left sending by stopped worker(s) %s are due again", freed, ", ".join(gone))
    return freed


def _reclaim(row: OutboxMessage) -> bool:
    """A `sending` row past its lease: its worker died. Say so on the row; give up after `MAX_ATTEMPTS`."""
    worker = row.claimed_by or "unknown"
    note = f"attempt {row.attempts} was interrupted (worker {worker} stopped while sending)"
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
    taken = OutboxMessage.objects.filter(
        pk=row.pk, state=State.SENDING, attempts=row.attempts, claimed_by=row.claimed_by
    )
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
        free_abandoned()
        for _ in range(MAX_BATCHES):
            rows = claim()
            if not rows:
                break
            lease = _Lease(rows)
            for i, row in enumerate(rows):
                lease.renew_if_due(rows[i:])
                counts[deliver_one(row, transport)] += 1
    finally:
        transport.close()
    return dict(counts)


class _Lease:
    """A claimed batch's lease, renewed (one UPDATE for the rows not yet sent) once half of it has passed,
    so rows waiting behind a slow relay stay this worker's while it is alive."""

    def __init__(self, rows: list[OutboxMessage]):
        self.renew_at = rows[0].next_attempt_at - SENDING_LEASE / 2

    def renew_if_due(self, waiting: list[OutboxMessage]) -> None:
        now = clock.now()
        if now < self.renew_at:
            return
        self.renew_at = now + SENDING_LEASE / 2
        OutboxMessage.objects.filter(
            pk__in=[row.pk for row in waiting], state=State.SENDING, claimed_by=workers.current()
        ).update(next_attempt_at=now + SENDING_LEASE)
