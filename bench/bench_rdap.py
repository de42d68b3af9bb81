"""RDAP load generator: req/s and p50/p99 latency of `/rdap/domain/<name>` lookups over real HTTP.

Starts `kzreg web` (gunicorn) on the configured database with the RDAP rate limit off, or uses `--url`,
and runs `--clients` concurrent asyncio clients (a new connection per request: gunicorn's sync workers
close after each reply) for `--seconds` or `--requests`, whichever ends first. Names are drawn at random
from the live domains, so the database must hold some (`kzreg bulkload --domains N`).

    KZREG_DATA_DIR=... [KZREG_DATABASE_URL=...] .venv/bin/python bench/bench_rdap.py --seconds 10 --workers 2

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


def sample_names(count: int) -> list[str]:
    """Random live domain names, picked by random id ranges so that 1,000,000 rows are not all read."""
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
    ids = {rng.randint(bounds["lo"], bounds["hi"]) for _ in range(count)}
    return list(live.filter(id__in=ids).values_list("name", flat=True))


async def one_request(host: str, port: int, path: str) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
    return status, len(data)


async def load(host: str, port: int, prefix: str, names: list[str], clients: int, seconds: float, limit: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    deadline = time.perf_counter() + seconds
    rng = random.Random(11)

    async def client() -> None:
        nonlocal errors
        while time.perf_counter() < deadline and len(latencies) + errors < limit:
            path = prefix + "/domain/" + urllib.parse.quote(rng.choice(names))
            started = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(one_request(host, port, path), 10)
            except (OSError, TimeoutError, ValueError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors,
        "statuses": statuses,
        "rps": n / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * latencies[n // 2] if n else 0.0,
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else 0.0,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SETTINGS_SHIM = "from kzreg.config.settings import *  # noqa\nDATABASES['default']['CONN_MAX_AGE'] = None\n"


def start_server(workers: int, keep_connections: bool) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "KZREG_RDAP_RATE_LIMIT": "0"}
    if keep_connections:  # what the figures would be with persistent database connections
        shim = Path(tempfile.mkdtemp(prefix="bench-rdap-")) / "bench_rdap_settings.py"
        shim.write_text(SETTINGS_SHIM)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim.parent), env.get("PYTHONPATH", "")]))
        env["DJANGO_SETTINGS_MODULE"] = "bench_rdap_settings"
    argv = [sys.executable, "-m", "kzreg", "web", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):  # up to 20 s for gunicorn and Django to start
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/rdap/help", timeout=1).read()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                sys.exit("bench_rdap: kzreg web exited at start")
            time.sleep(0.1)
    proc.terminate()
    sys.exit("bench_rdap: kzreg web did not answer within 20 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an RDAP base already running, e.g. http://127.0.0.1:8000/rdap")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when the bench starts the server")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--names", type=int, default=5000, help="how many random names to draw")
    parser.add_argument(
        "--keep-connections", action="store_true", help="serve with CONN_MAX_AGE=None (a settings shim)"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring")
    args = parser.parse_args()

    names = sample_names(args.names)
    proc = None
    if args.url:
        parts = urllib.parse.urlsplit(args.url)
        host, port, prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path.rstrip("/")
    else:
        proc, port = start_server(args.workers, args.keep_connections)
        host, prefix = "127.0.0.1", "/rdap"
    try:
        if args.warmup > 0:
            asyncio.run(load(host, port, prefix, names, args.clients, args.warmup, args.requests))
        result = asyncio.run(load(host, port, prefix, names, args.clients, args.seconds, args.requests))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"rdap domain lookups ({engine}, {len(names)} names, {args.clients} clients, "
        f"{'server ' + args.url if args.url else f'{args.workers} gunicorn workers'}"
        f"{', persistent connections' if args.keep_connections else ''}): "
        f"{result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"{result['requests']} requests, statuses {result['statuses']}, {result['errors']} errors"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
