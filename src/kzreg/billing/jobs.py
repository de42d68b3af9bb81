"""What the worker runs for billing: KZ-B direct registrants' invoice mails, reminders and consequences."""

from __future__ import annotations

from kzreg.billing import direct
from kzreg.core import clock
from kzreg.plugins import Job


def direct_registrants() -> dict[str, int]:
    return direct.run(clock.now())


JOBS = [Job("billing-direct", direct_registrants, every=300.0)]
