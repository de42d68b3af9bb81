"""The worker runs bulk jobs too large to finish in their request (`registrar/bulk.py`)."""

from __future__ import annotations

from kzreg.plugins import Job


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


JOBS = [Job("api-bulk-jobs", run_bulk_jobs, every=10.0)]
