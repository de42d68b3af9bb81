"""The worker's unit of work: stored messages in batches, ONE transaction per batch and a savepoint per
message (T2, T3). A commit per message cost more than most of the processing (a disk flush on
PostgreSQL, the write lock taken again on SQLite); inside the batch, a message that fails still rolls
back alone and is recorded as failed, exactly as when each had its own transaction."""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction

from kzreg.template_mail.models import InboundMessage, InboundState, MailRequest
from kzreg.template_mail.processing import (
    _process_and_mark,
    _record_failure,
    batch_registrar,
    batch_requests,
    batch_tracking,
    mail_registrar,
    process_stored,
    write_tracking,
)

log = logging.getLogger("kzreg.template_mail")
BATCH = 50  # stored messages per transaction
BATCH_SECONDS = 0.5  # stop taking more messages into a batch after this long
BATCH_BYTES = 8 * 1024 * 1024  # raw messages held in memory by one batch


def process_batch(limit: int = BATCH, seconds: float = BATCH_SECONDS, after: int = 0) -> tuple[list[int], int]:
    """Up to `limit` stored messages in ONE transaction, each in its own savepoint: a message that fails
    rolls back alone and is recorded as failed, the others commit together. Stops taking messages after
    `seconds` so the write lock is not held long (SQLite's intake waits for it). Only messages stored
    after id `after` are taken, so a caller going through the inbox tries each at most once. Returns
    (ids taken, requests processed). Should the batch's transaction itself fail, each of its messages
    is tried again in its own transaction (`process_stored`)."""
    taken: list[int] = []
    try:
        with transaction.atomic():
            messages = _take_new(limit, after)
            if not messages:
                return [], 0
            registrar = batch_registrar.set(mail_registrar().id)  # looked up once per batch
            tracking, requests = batch_tracking.set({}), batch_requests.set([])
            try:
                processed = _process_each(messages, time.monotonic() + seconds, taken)
            finally:
                batch_registrar.reset(registrar)
                batch_tracking.reset(tracking)
                batch_requests.reset(requests)
    except Exception:
        log.exception("a batch of inbound messages failed; processing them one by one")
        return taken, sum(process_stored(pk) is not None for pk in taken)
    return taken, processed


def _process_each(messages: list[InboundMessage], deadline: float, taken: list[int]) -> int:
    processed, done = 0, []
    numbers, requests = batch_tracking.get(), batch_requests.get()
    assert numbers is not None and requests is not None
    for message in messages:
        if taken and time.monotonic() > deadline:
            break  # the rest stay new: the next batch takes them
        taken.append(message.pk)
        numbers_before, requests_before = dict(numbers), len(requests)
        try:
            with transaction.atomic():
                _process_and_mark(message, done)
            processed += 1
        except Exception as exc:
            log.exception("inbound message %s could not be processed", message.pk)
            numbers.clear()
            numbers.update(numbers_before)  # its tracking number is given to the next message: no gap
            del requests[requests_before:]  # its request is not written
            _record_failure(message.pk, exc)
    MailRequest.objects.bulk_create(requests)  # one INSERT; the rows' ids come back (RETURNING)
    mark_done(done)
    write_tracking(numbers)
    return processed


def _take_new(limit: int, after: int) -> list[InboundMessage]:
    """The oldest new messages, locked (PostgreSQL: skipping those another worker holds), at most
    `BATCH_BYTES` of them in memory at once (each may be up to `KZREG_SMTP_MAX_SIZE`)."""
    query = InboundMessage.objects.filter(state=InboundState.NEW, pk__gt=after).order_by("id")
    query = query.select_for_update(skip_locked=True)
    ids, total = [], 0
    for pk, size in query.values_list("id", "size")[:limit]:
        if ids and total + size > BATCH_BYTES:
            break
        ids.append(pk)
        total += size
    return list(InboundMessage.objects.filter(pk__in=ids).order_by("id")) if ids else []


def mark_done(messages: list[InboundMessage]) -> None:
    """The batch's processed messages marked done in one statement run for each row (`executemany`:
    a C loop in the driver instead of an ORM save per message)."""
    if not messages:
        return
    opts, quote = InboundMessage._meta, connection.ops.quote_name
    columns = ("state", "processed_at", "attempts", "request_id", "sender", "subject")
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    moment = opts.get_field("processed_at")
    rows = [
        (m.state, moment.get_db_prep_value(m.processed_at, connection), m.attempts, m.request.pk, m.sender,
         m.subject, m.pk)
        for m in messages
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {quote(opts.db_table)} SET {assignments} WHERE {quote('id')} = %s", rows)
