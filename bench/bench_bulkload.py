"""Bulk-load N realistic domains into a fresh database and print the time and rate (issue 2: 1M < 10 min).

    python bench/bench_bulkload.py [N]                      # SQLite in a fresh KZREG_DATA_DIR
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench python bench/bench_bulkload.py [N]

The database is created (PostgreSQL: dropped and created again; SQLite: the data folder must not hold a
database yet) and left filled, for the other benchmarks.
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
    started = time.perf_counter()
    stats = bulkload(count)
    elapsed = time.perf_counter() - started
    where = url or connection.settings_dict["NAME"]
    print(
        f"bench_bulkload: {connection.vendor} {where}: {stats.domains:,} domains, {stats.contacts:,} contacts, "
        f"{stats.hosts:,} hosts, {stats.links:,} NS links, {stats.history:,} history rows "
        f"in {elapsed:,.1f} s = {stats.domains / elapsed:,.0f} domains/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
