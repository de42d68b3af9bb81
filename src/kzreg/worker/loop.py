"""The worker: runs every part's jobs on their schedules until told to stop.

Jobs find their work in database rows (due dates, outbox), so a restart loses nothing; several workers
may run against PostgreSQL, where the jobs take their rows with SKIP LOCKED.
"""

from __future__ import annotations

import logging
import signal
import time

from django.db import close_old_connections

from kzreg.plugins import Job, all_jobs

log = logging.getLogger("kzreg.worker")


def run_once(jobs: list[Job] | None = None) -> dict[str, object]:
    """Every job once, each failure logged and contained; returns each job's result."""
    results: dict[str, object] = {}
    for job in jobs if jobs is not None else all_jobs():
        try:
            results[job.name] = job.run()
        except Exception as exc:  # one job's bug must not stop the others
            log.exception("job %s failed", job.name)
            results[job.name] = exc
        finally:
            close_old_connections()
    return results


def run_forever(tick: float = 1.0, max_ticks: int | None = None) -> None:
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = all_jobs()
    next_run = dict.fromkeys((j.name for j in jobs), 0.0)
    log.info("worker running jobs: %s", ", ".join(j.name for j in jobs))
    ticks = 0
    while not stopping and (max_ticks is None or ticks < max_ticks):
        now = time.monotonic()
        due = [j for j in jobs if next_run[j.name] <= now]
        for name, result in run_once(due).items():
            if result:
                log.info("%s: %s", name, result)
        for job in due:
            next_run[job.name] = time.monotonic() + job.every
        ticks += 1
        time.sleep(tick)
    log.info("worker stopped")
