"""The API's worker jobs: run bulk jobs too large to finish in their request (`registrar/bulk.py`), and
forget stored idempotent answers and rate-limit windows once they can no longer matter."""

from __future__ import annotations

import datetime as dt

from kzreg.api.models import IdempotentAnswer, RateWindow
from kzreg.core import clock
from kzreg.plugins import Job

KEEP_ANSWERS = dt.timedelta(days=30)  # a client retrying a call a month later gets a new answer
KEEP_WINDOWS = dt.timedelta(hours=1)


def run_bulk_jobs() -> object:
    from kzreg.registrar import bulk
    from kzreg.registrar.connection import open_connection

    ran = 0
    for job_id in bulk.pending_ids():
        job = bulk.claim(job_id)
        if job is None:  # another worker took it
            continue
        conn = open_connection(f"worker:bulk:{job.principal}")
        try:
            bulk.run(job, conn)
        finally:
            conn.close()
        ran += 1
    return {"bulk jobs": ran} if ran else None


def forget_old() -> object:
    now = clock.now()
    answers, _ = IdempotentAnswer.objects.filter(created_at__lt=now - KEEP_ANSWERS).delete()
    windows, _ = RateWindow.objects.filter(window__lt=now - KEEP_WINDOWS).delete()
    return {"idempotent answers": answers, "rate windows": windows} if answers or windows else None


JOBS = [
    Job("api-bulk-jobs", run_bulk_jobs, every=10.0),
    Job("api-forget-old", forget_old, every=3600.0),
]
