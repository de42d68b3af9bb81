"""The worker's unit of work: stored messages in batches, ONE transaction per batch and a savepoint per
message (T2, T3). A commit per message cost more than most of the processing (a disk flush on
PostgreSQL, the write lock taken again on SQLite); inside the batch, a message that fails still rolls
back alone and is recorded as failed, exactly as when each had its own transaction."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import connection, transaction

from kzreg.notify.outbox import insert_batch, write_queued
from kzreg.template_mail.models import InboundMessage, InboundState, MailRequest
from kzreg.template_mail.outgoing import batch_outbox
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
    """Up to `limit` stored messages in ONE transaction: a message that fails rolls back alone and is
    recorded as failed, the others commit together. Stops taking messages after `seconds` so the write
    lock is not held long (SQLite's intake waits for it). Only messages stored after id `after` are
    taken, so a caller going through the inbox tries each at most once. Returns (ids taken, requests
    processed).

    The batch is first run without a savepoint per message (two statements, on PostgreSQL two round
    trips, per message saved). Should any message fail, that is rolled back whole and the batch is run
    again with a savepoint per message, so the failing one rolls back alone, exactly as if every message
    had always had its own (in this rare case the write lock is held up to twice `seconds`); should
    that fail too (the batch's own statements), each message taken is tried again in its own
    transaction (`process_stored`)."""
    taken: list[int] = []
    try:
        return taken, _run_batch(limit, after, time.monotonic() + seconds, taken, alone=False)
    except Exception:
        log.info("a batch failed; processing it again with a savepoint per message", exc_info=True)
    taken = []
    try:
        return taken, _run_batch(limit, after, time.monotonic() + seconds, taken, alone=True)
    except Exception:
        log.exception("a batch of inbound messages failed; processing them one by one")
        return taken, sum(process_stored(pk) is not None for pk in taken)


def _run_batch(limit: int, after: int, deadline: float, taken: list[int], alone: bool) -> int:
    """New messages in one transaction (`alone`: each in its own savepoint)."""
    with transaction.atomic():
        messages = _take_new(limit, after)
        if not messages:
            return 0
        registrar = batch_registrar.set(mail_registrar().id)  # looked up once per batch
        tracking, requests = batch_tracking.set({}), batch_requests.set([])
        replies = batch_outbox.set([])
        try:
            return _process_each(messages, deadline, taken, alone)
        finally:
            batch_registrar.reset(registrar)
            batch_tracking.reset(tracking)
            batch_requests.reset(requests)
            batch_outbox.reset(replies)


def _process_each(messages: list[InboundMessage], deadline: float, taken: list[int], alone: bool) -> int:
    """Each message in turn, then the batch's requests, replies, done marks and tracking counters.
    Without `alone` a failing message raises (the caller rolls the batch back); with it, it is rolled
    back to its savepoint and recorded as failed."""
    processed, done = 0, []
    numbers, requests, replies = batch_tracking.get(), batch_requests.get(), batch_outbox.get()
    assert numbers is not None and requests is not None and replies is not None
    for message in messages:
        if taken and time.monotonic() > deadline:
            break  # the rest stay new: the next batch takes them
        taken.append(message.pk)
        if not alone:
            _process_and_mark(message, done)
            processed += 1
            continue
        numbers_before, requests_before, replies_before = dict(numbers), len(requests), len(replies)
        try:
            with transaction.atomic():
                _process_and_mark(message, done)
            processed += 1
        except Exception as exc:
            log.exception("inbound message %s could not be processed", message.pk)
            numbers.clear()
            numbers.update(numbers_before)  # its tracking number is given to the next message: no gap
            del requests[requests_before:]  # its request is not written
            del replies[replies_before:]  # nor its replies
            _record_failure(message.pk, exc)
    insert_batch(MailRequest, [_request_values(request) for request in requests])  # ids not read back
    write_queued(replies)
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


_REQUEST_FIELDS = [f.attname for f in MailRequest._meta.concrete_fields if not f.primary_key]


def _request_values(request: MailRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in _REQUEST_FIELDS}


def mark_done(messages: list[InboundMessage]) -> None:
    """The batch's processed messages marked done in one statement run for each row (`executemany`:
    a C loop in the driver instead of an ORM save per message). The request is found by its tracking
    number: the batch's new requests were written without reading their ids back."""
    if not messages:
        return
    opts, quote = InboundMessage._meta, connection.ops.quote_name
    columns = ("state", "processed_at", "attempts", "sender", "subject")
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    request_id = (
        f"{quote('request_id')} = (SELECT {quote('id')} FROM {quote(MailRequest._meta.db_table)}"
        f" WHERE {quote('tracking')} = %s)"
    )
    moment = opts.get_field("processed_at")
    values = [
        (m.state, moment.get_db_prep_value(m.processed_at, connection), m.attempts, m.sender, m.subject,
         m.request.tracking, m.pk)
        for m in messages
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(opts.db_table)} SET {assignments}, {request_id} WHERE {quote('id')} = %s", values
        )
