"""RDAP load benchmark: `/rdap/domain/<name>` lookups over real HTTP against `kzreg web` (gunicorn).

Starts `kzreg web` on the configured database (rate limit and access log off), or uses `--url`, and
drives it with `wrk` (C, HTTP/1.1 keep-alive; Debian package `wrk`) over random live names drawn from
the database. Prints req/s, p50/p99 latency, the server's CPU milliseconds per request (utime+stime of
the gunicorn master and workers from /proc, insensitive to other load on a shared machine) and the load
average. `--names` sets how many distinct names are requested: a large set (100,000 of 1,000,000) is
the cold path (answers read from the answer store, `kzreg whois build-answers`; without one, built
from the registry), a small one shows the per-process answer cache. The store found is printed first.

    KZREG_DATA_DIR=/tmp/kzreg-bench-1m .venv/bin/python bench/bench_rdap.py
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench .venv/bin/python bench/bench_rdap.py

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

WRK_SCRIPT = """
local names = {}
for line in io.lines(os.getenv("BENCH_RDAP_NAMES")) do names[#names + 1] = line end
local prefix = os.getenv("BENCH_RDAP_PREFIX")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function() return wrk.format("GET", prefix .. names[math.random(#names)]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.0f %.0f\\n", summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def sample_names(count: int) -> list[str]:
    """Random live domain names, picked by random ids so that 1,000,000 rows are not all read."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.db.models import Max, Min

    from kzreg.registry.models import Domain

    live = Domain.objects.filter(deleted_at__isnull=True)
    bounds = live.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        sys.exit("bench_rdap: no domains in the database; run `kzreg bulkload --domains N` first")
    rng = random.Random(7)
    ids = list({rng.randint(bounds["lo"], bounds["hi"]) for _ in range(count)})
    names: list[str] = []
    for start in range(0, len(ids), 5000):
        names += live.filter(id__in=ids[start : start + 5000]).values_list("name", flat=True)
    return names


def store_summary() -> str:
    from kzreg.whois.answers import status_line

    return status_line()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "KZREG_RDAP_RATE_LIMIT": "0", "KZREG_WEB_ACCESS_LOG": "0"}
    argv = [sys.executable, "-m", "kzreg", "web", "--port", str(port), "--workers", str(args.workers)]
    argv += ["--worker-class", args.worker_class, "--threads", str(args.threads)]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):  # up to 30 s for gunicorn and Django to start
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/rdap/help", timeout=1).read()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                sys.exit("bench_rdap: kzreg web exited at start")
            time.sleep(0.1)
    proc.terminate()
    sys.exit("bench_rdap: kzreg web did not answer within 30 s")


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and its live children, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root or ppid == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_wrk(url: str, prefix: str, names_file: str, args: argparse.Namespace, seconds: float) -> dict:
    script = Path(names_file).with_suffix(".lua")
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "BENCH_RDAP_NAMES": names_file, "BENCH_RDAP_PREFIX": prefix + "/domain/"}
    argv = [
        "wrk",
        "-t",
        str(args.wrk_threads),
        "-c",
        str(args.connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "-s",
        str(script),
    ]
    out = subprocess.run([*argv, url], env=env, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.M)
    if match is None:
        sys.exit(f"bench_rdap: unexpected wrk output:\n{out}")
    requests, micros, bad_status, errors, p50, p99 = map(int, match.groups())
    return {"requests": requests, "rps": requests / (micros / 1e6), "bad_status": bad_status, "errors": errors,
            "p50_ms": p50 / 1000, "p99_ms": p99 / 1000}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an RDAP base already running, e.g. http://127.0.0.1:8000/rdap")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when the bench starts the server")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections wrk holds open")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--names", type=int, default=100_000, help="how many distinct random names to request")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench_rdap: needs wrk (scripts/system-packages.txt; sh scripts/install-system-packages)")

    names = sample_names(args.names)
    print(store_summary(), flush=True)
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    names_file = Path(tempfile.mkdtemp(prefix="bench-rdap-")) / "names.txt"
    names_file.write_text("\n".join(names) + "\n")
    proc = None
    if args.url:
        parts = urllib.parse.urlsplit(args.url)
        base, prefix = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
    else:
        proc, port = start_server(args)
        base, prefix = f"http://127.0.0.1:{port}", "/rdap"
    try:
        if args.warmup > 0:
            run_wrk(base, prefix, str(names_file), args, args.warmup)
        cpu_before = process_tree_cpu(proc.pid) if proc else 0.0
        result = run_wrk(base, prefix, str(names_file), args, args.seconds)
        cpu = process_tree_cpu(proc.pid) - cpu_before if proc else 0.0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    server = f"server {args.url}" if args.url else f"kzreg web {args.workers}×{args.worker_class}/{args.threads}"
    cpu_text = f", server CPU {1000 * cpu / result['requests']:.2f} ms/req" if proc and result["requests"] else ""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"rdap domain lookups ({engine}, {len(names)} names, {server}, wrk {args.connections} keep-alive "
        f"connections): {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms"
        f"{cpu_text}, {result['requests']} requests, {result['bad_status']} non-2xx, {result['errors']} socket "
        f"errors; load average {load}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
