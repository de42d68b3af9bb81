"""Registry deadlines the worker sweeps: expiry → grace period → deletion (R4), redemption → purge and
lapsed restore requests (RFC 3915), and transfers whose pending period is over (R15)."""

from kzreg.plugins import Job
from kzreg.registry.operations import (
    approve_due_contact_transfers,
    approve_due_transfers,
    lapse_restore_requests,
    sweep,
)


def approve_transfers() -> dict[str, int]:
    """Domains and contacts whose losing registrar did not decide in time move to the gaining one."""
    return {"domains": approve_due_transfers(), "contacts": approve_due_contact_transfers()}


JOBS = [
    Job("registry-lifecycle", sweep, every=60.0),
    Job("registry-transfers", approve_transfers, every=60.0),
    Job("registry-restores", lapse_restore_requests, every=300.0),
]
