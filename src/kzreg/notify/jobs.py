"""The outbox delivery pass, run by `kzreg worker` every few seconds."""

from __future__ import annotations

from kzreg.notify.delivery import deliver_due
from kzreg.plugins import Job

JOBS = [Job("outbox", deliver_due, every=5.0)]
