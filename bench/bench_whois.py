"""WHOIS load generator: q/s and p50/p99 latency of domain queries over real TCP connections.

Runs 64 concurrent clients (one connection per query, as RFC 3912 has it) against
1. `kzreg whois serve` on the configured database (names picked at random from the live domains), and
2. a bare asyncio server answering from a Python dict (the ceiling for a Python port-43 server).

    KZREG_DATA_DIR=... [KZREG_DATABASE_URL=...] .venv/bin/python bench/bench_whois.py --seconds 10 --workers 2

Each server runs in its own process; the load generator is one asyncio process. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))


class OneQuery(asyncio.Protocol):
    """Sends one query on connect; resolves `done` with the reply size when the server closes."""

    def __init__(self, query: bytes, done: asyncio.Future):
        self.query, self.done, self.size = query, done, 0

    def connection_made(self, transport):  # type: ignore[no-untyped-def]
        transport.write(self.query)

    def data_received(self, data: bytes) -> None:
        self.size += len(data)

    def connection_lost(self, exc):  # type: ignore[no-untyped-def]
        if not self.done.done():
            self.done.set_result(self.size)


async def load(port: int, names: list[str], clients: int, seconds: float, max_queries: int) -> dict:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors = 0
    short = 0
    deadline = time.perf_counter() + seconds
    rng = random.Random(43)

    async def client() -> None:
        nonlocal errors, short
        while time.perf_counter() < deadline and len(latencies) < max_queries:
            query = (rng.choice(names) + "\r\n").encode()
            started = time.perf_counter()
            done = loop.create_future()
            try:
                await loop.create_connection(functools.partial(OneQuery, query, done), "127.0.0.1", port)
                size = await asyncio.wait_for(done, 5)
            except (OSError, TimeoutError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            short += size < 200

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    n = len(latencies)
    return {
        "queries": n,
        "errors": errors,
        "short_replies": short,
        "qps": n / elapsed,
        "p50_ms": 1000 * latencies[n // 2] if n else 0.0,
        "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else 0.0,
        "mean_ms": 1000 * statistics.fmean(latencies) if n else 0.0,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"\r\n")
                s.recv(100)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


# The ceiling: the same framing and close as kzreg's server, answers from a dict.
class DictProtocol(asyncio.Protocol):
    answers: dict[bytes, bytes] = {}
    missing = b"*** Nothing found for this query.\n"

    def connection_made(self, transport):  # type: ignore[no-untyped-def]
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\n")
        if end >= 0:
            key = self.buffer[:end].strip().lower()
            self.transport.write(self.answers.get(key, self.missing))
            self.transport.close()


def serve_dict(port: int, names_file: str) -> None:
    with open(names_file) as f:
        names = f.read().split()
    text = (Path(__file__).parent / "whois_sample_answer.txt").read_bytes()
    DictProtocol.answers = {n.encode(): text.replace(b"example.kz", n.encode()) for n in names}

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(DictProtocol, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def live_names(limit: int) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from kzreg.registry.models import Domain

    names = list(Domain.objects.filter(deleted_at__isnull=True).values_list("name", flat=True)[:limit])
    random.Random(1).shuffle(names)
    return names


def run_case(label: str, command: list[str], port: int, names: list[str], args: argparse.Namespace) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process)
        asyncio.run(load(port, names, args.clients, min(2.0, args.seconds), args.max_queries))  # warm-up
        result = asyncio.run(load(port, names, args.clients, args.seconds, args.max_queries))
    finally:
        process.terminate()
        process.wait(timeout=20)
    figures = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items())
    print(f"{label}: {figures}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--max-queries", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="kzreg WHOIS server processes")
    parser.add_argument("--cache", type=int, default=200_000, help="cached answers per server process")
    parser.add_argument("--names", type=int, default=2_000_000, help="at most this many live names to pick from")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument("--serve-dict", nargs=2, metavar=("PORT", "NAMES_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_dict:
        serve_dict(int(args.serve_dict[0]), args.serve_dict[1])
        return
    names = live_names(args.names)
    if not names:
        raise SystemExit("no live domains in this database (load some with `kzreg bulkload`)")
    from django.db import connection

    print(f"{len(names)} live names, {connection.vendor}, {args.clients} clients, {args.seconds:.0f} s per case")
    port = free_port()
    kzreg = [sys.executable, "-m", "kzreg", "whois", "serve", "--port", str(port), "--workers", str(args.workers)]
    kzreg += ["--rate", "1000000", "--burst", "1000000", "--max-per-address", "100000", "--cache", str(args.cache)]
    run_case(f"kzreg whois serve ({args.workers} processes, cache {args.cache})", kzreg, port, names, args)
    if not args.skip_ceiling:
        names_file = os.path.join(os.environ.get("KZREG_DATA_DIR", "/tmp"), "bench-whois-names.txt")
        with open(names_file, "w") as f:
            f.write("\n".join(names))
        port = free_port()
        ceiling = [sys.executable, __file__, "--serve-dict", str(port), names_file]
        run_case("bare asyncio dict server (1 process, the ceiling)", ceiling, port, names, args)


if __name__ == "__main__":
    main()
