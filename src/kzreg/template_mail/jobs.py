"""What the worker runs for the mail gateway: process stored messages; let confirmations lapse."""

from __future__ import annotations

from kzreg.plugins import Job
from kzreg.template_mail.confirm import expire_confirmations
from kzreg.template_mail.processing import pending_ids, process_stored


def process_inbox(limit: int = 100) -> int:
    """Each stored message in its own transaction; on PostgreSQL workers skip each other's rows."""
    done = 0
    for message_id in pending_ids(limit):
        if process_stored(message_id) is not None:
            done += 1
    return done


JOBS = [
    Job("mail-inbox", process_inbox, every=2.0),
    Job("mail-confirmations", expire_confirmations, every=60.0),
]
