"""What the worker runs for the mail gateway: process stored messages; let confirmations lapse."""

from __future__ import annotations

from kzreg.plugins import Job
from kzreg.template_mail.confirm import expire_confirmations
from kzreg.template_mail.inbox import BATCH, process_batch


def process_inbox(limit: int = 100) -> int:
    """Stored messages in batches (one transaction each; a failing message rolls back alone, see
    `inbox.process_batch`); on PostgreSQL workers skip each other's rows. Each message is tried at most
    once per call (a failed one waits for the next run, as the attempts count). Returns how many were
    processed."""
    done = taken = last = 0
    while taken < limit:
        ids, batch_done = process_batch(min(BATCH, limit - taken), after=last)
        if not ids:
            break
        taken, done, last = taken + len(ids), done + batch_done, max(ids)
    return done


JOBS = [
    Job("mail-inbox", process_inbox, every=2.0),
    Job("mail-confirmations", expire_confirmations, every=60.0),
]
