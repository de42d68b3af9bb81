"""Zone export benchmark (P2): seconds, delegations/s and peak memory of `export_zone` for one zone.

Fills the database with `kzreg bulkload` first when it holds fewer domains than asked for, then exports
the zone into a file and optionally checks it with named-checkzone:

    KZREG_DATA_DIR=/tmp/kzreg-bench [KZREG_DATABASE_URL=postgresql://...] \
        .venv/bin/python bench/bench_zone.py --domains 1000000 --zone kz --output /tmp/kz.zone [--check]

Peak RSS is the process's high-water mark (`resource.getrusage`), printed before and after the export, so
the growth the export itself causes is visible. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domains", type=int, default=1_000_000, help="domains the database should hold")
    parser.add_argument("--zone", default="kz")
    parser.add_argument("--output", default="/tmp/kzreg-bench-zone.zone")
    parser.add_argument("--check", action="store_true", help="also time named-checkzone on the result")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from kzreg.registry.models import Domain

    call_command("migrate", interactive=False, verbosity=0)
    have = Domain.objects.count()
    if have < args.domains:
        started = time.perf_counter()
        kzreg = Path(sys.executable).with_name("kzreg")
        subprocess.run([str(kzreg), "bulkload", "--domains", str(args.domains - have)], check=True)
        print(f"bulkload: {args.domains - have} domains in {time.perf_counter() - started:.1f} s")

    from django.db import connection

    from kzreg.zone.checker import check_zone_file
    from kzreg.zone.export import export_zone, find_zone

    zone = find_zone(args.zone)
    total = Domain.objects.filter(zone=zone).count()
    before = peak_rss_mb()
    started = time.perf_counter()
    with open(args.output, "wb") as out:
        result = export_zone(zone, out)
    seconds = time.perf_counter() - started
    after = peak_rss_mb()
    size = os.path.getsize(args.output) / 2**20
    print(f"database: {connection.vendor}; zone {zone.name}: {total} domains in the zone")
    print(
        f"export: {result.delegations} delegations, {result.ns_records} NS, {result.ds_records} DS, "
        f"{result.glue_hosts} glue hosts, {size:.0f} MiB in {seconds:.1f} s "
        f"= {result.delegations / seconds:,.0f} delegations/s"
    )
    print(f"peak RSS: {before:.0f} MB before the export, {after:.0f} MB after")
    if args.check:
        started = time.perf_counter()
        checked = check_zone_file(args.output, zone.name, timeout=3600)
        print(f"named-checkzone: {'OK' if checked.ok else 'FAILED'} in {time.perf_counter() - started:.1f} s")
        if not checked.ok:
            print(checked.output[-2000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
