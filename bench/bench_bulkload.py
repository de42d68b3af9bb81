"""Bulk-load N realistic domains into a fresh database and print the time, rate and phases (1M < 10 min).

    python bench/bench_bulkload.py [N]                      # SQLite in a fresh KZREG_DATA_DIR
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench python bench/bench_bulkload.py [N]

The database is created (PostgreSQL: dropped and created again; SQLite: the data folder must not hold a
database yet) and left filled, for the other benchmarks. Besides wall time it prints CPU seconds per
1,000 domains of each process (writer, row builder, PostgreSQL backend when it runs on this machine), so
that runs on a shared, noisy machine can still be compared.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse


def fresh_postgres(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def backend_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU of a local PostgreSQL backend (None when it is not on this machine)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    url = os.environ.get("KZREG_DATABASE_URL", "")
    if url:
        fresh_postgres(url)
    else:
        data_dir = Path(os.environ.get("KZREG_DATA_DIR") or "/tmp/kzreg-bench-1m")
        os.environ["KZREG_DATA_DIR"] = str(data_dir)
        if (data_dir / "kzreg.sqlite3").exists():
            print(f"{data_dir}/kzreg.sqlite3 exists: give an empty KZREG_DATA_DIR", file=sys.stderr)
            return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kzreg.demo.bulk import bulkload

    call_command("migrate", interactive=False, verbosity=0)
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid if connection.vendor == "postgresql" else None
    backend_before = backend_cpu_seconds(backend)
    load_before = os.getloadavg()
    started, cpu_started = time.perf_counter(), time.process_time()
    stats = bulkload(count)
    elapsed, writer_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    backend_after = backend_cpu_seconds(backend)
    load_after = os.getloadavg()
    where = url or connection.settings_dict["NAME"]
    per_1k = 1000 / stats.domains
    print(
        f"bench_bulkload: {connection.vendor} {where}: {stats.domains:,} domains, {stats.contacts:,} contacts, "
        f"{stats.hosts:,} hosts, {stats.links:,} NS links, {stats.statuses:,} status periods, "
        f"{stats.history:,} history rows in {elapsed:,.1f} s ({elapsed / 60:.1f} min) = "
        f"{stats.domains / elapsed:,.0f} domains/s, {stats.rows / elapsed:,.0f} rows/s"
    )
    print(
        f"bench_bulkload: phases (wall): setup {stats.setup_seconds:.1f} s, writes {stats.writing_seconds:.1f} s, "
        f"writer waiting for rows {stats.waiting_seconds:.1f} s, index builds {stats.index_seconds:.1f} s, "
        f"finish {stats.finish_seconds:.1f} s"
    )
    writer_cpu -= 0 if stats.builders else stats.building_seconds  # built in this process: counted apart
    builders = f"{stats.builders} builder process" if stats.builders else "built by the writer"
    server = ""
    if backend_before is not None and backend_after is not None:
        server = f", PostgreSQL backend {(backend_after - backend_before) * per_1k * 1000:.0f} ms"
    print(
        f"bench_bulkload: CPU per 1,000 domains: writer {writer_cpu * per_1k * 1000:.0f} ms, "
        f"row building {stats.building_seconds * per_1k * 1000:.0f} ms ({builders}){server}; "
        f"load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
