"""WHOIS load benchmark: q/s, p50/p99 latency and CPU per query over real TCP connections (P1, issue 4).

Runs `--clients` concurrent clients (one new TCP connection per query, as RFC 3912 has it) against
1. `kzreg whois serve --workers N` on the configured database (names picked at random from the live
   domains; answers read from the answer store made by `kzreg whois build-answers`, whose state is
   printed first — without it they are rendered live), and
2. a bare server answering from a Python dict, with the same processes and event loop (the ceiling).

    KZREG_DATA_DIR=/tmp/kzreg-bench-1m .venv/bin/python bench/bench_whois.py
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench .venv/bin/python bench/bench_whois.py

The load generator is `--load-processes` processes, each a plain epoll loop over non-blocking sockets
(cheaper per query than asyncio, so it is not the bottleneck); their latencies are merged. Because the
machine may be shared, it also prints the CPU time per query of the server processes (from
/proc/<pid>/stat, insensitive to other load), of the load generator, and the load average.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import errno
import multiprocessing
import os
import random
import select
import signal
import socket
import subprocess
import sys
import time
from array import array
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
TICK = os.sysconf("SC_CLK_TCK")


def load_process(port: int, names: list[str], clients: int, seconds: float, seed: int, out) -> None:  # type: ignore[no-untyped-def]
    """One load process: `clients` connections in flight, each replaced by a new one when the server closes."""
    rng = random.Random(seed)
    queries = [(n + "\r\n").encode() for n in names]
    poller = select.epoll()
    live: dict[int, tuple[socket.socket, bytes, float, int]] = {}  # fd → (socket, query, started, bytes read)
    latencies, sizes = array("d"), array("l")
    errors = 0
    deadline = time.perf_counter() + seconds
    cpu = time.process_time()

    def start() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        started = time.perf_counter()
        code = sock.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, os.strerror(code))
        live[sock.fileno()] = (sock, rng.choice(queries), started, -1)
        poller.register(sock.fileno(), select.EPOLLOUT)

    for _ in range(clients):
        start()
    while live:
        for fd, events in poller.poll(1.0):
            sock, query, started, got = live[fd]
            if got < 0:  # connected: send the query, wait for the answer
                if events & (select.EPOLLERR | select.EPOLLHUP):
                    got = -2
                else:
                    sock.send(query)
                    live[fd] = (sock, query, started, 0)
                    poller.modify(fd, select.EPOLLIN)
                    continue
            if got >= 0:
                try:
                    while chunk := sock.recv(65536):
                        got += len(chunk)
                    finished = True  # the server closed: the answer is complete
                except BlockingIOError:
                    live[fd] = (sock, query, started, got)
                    continue
                except OSError:
                    finished, got = False, -2
            if got >= 0 and finished:
                latencies.append(time.perf_counter() - started)
                sizes.append(got)
            else:
                errors += 1
            poller.unregister(fd)
            sock.close()
            del live[fd]
            if time.perf_counter() < deadline:
                start()
    out.send((latencies.tobytes(), sizes.tobytes(), errors, time.process_time() - cpu))


def run_load(port: int, names: list[str], clients: int, seconds: float, processes: int) -> dict:
    pipes, workers = [], []
    for i in range(processes):
        mine, theirs = multiprocessing.Pipe(duplex=False)
        share = clients // processes + (1 if i < clients % processes else 0)
        worker = multiprocessing.Process(target=load_process, args=(port, names, share, seconds, 43 + i, theirs))
        worker.start()
        pipes.append(mine)
        workers.append(worker)
    started = time.perf_counter()
    latencies, sizes, errors, client_cpu = array("d"), array("l"), 0, 0.0
    for pipe in pipes:
        lat, size, errs, cpu = pipe.recv()
        latencies.frombytes(lat)
        sizes.frombytes(size)
        errors += errs
        client_cpu += cpu
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    ordered = sorted(latencies)
    n = len(ordered)
    return {
        "queries": n,
        "errors": errors,
        "short": sum(1 for s in sizes if s < 200),
        "qps": n / elapsed,
        "p50_ms": 1000 * ordered[n // 2] if n else 0.0,
        "p99_ms": 1000 * ordered[min(n - 1, int(n * 0.99))] if n else 0.0,
        "client_cpu_ms_per_q": 1000 * client_cpu / n if n else 0.0,
    }


def process_tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user, system) of `pid` and its child processes (the --workers helpers)."""
    user = system = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(entry) == pid or int(fields[1]) == pid:
            user += int(fields[11]) / TICK
            system += int(fields[12]) / TICK
    return user, system


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
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


def serve_dict(port: int, names_file: str, workers: int, loop_name: str) -> None:
    """The ceiling: the same framing and close as kzreg's server, answers from a dict, same processes."""
    import asyncio

    names = Path(names_file).read_text().split()
    text = (Path(__file__).parent / "whois_sample_answer.txt").read_bytes()
    answers = {n.encode(): text.replace(b"example.kz", n.encode()) for n in names}
    missing = b"*** Nothing found for this query.\n"

    class DictProtocol(asyncio.Protocol):
        def connection_made(self, transport):  # type: ignore[no-untyped-def]
            self.transport, self.buffer = transport, b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            end = self.buffer.find(b"\n")
            if end >= 0:
                self.transport.write(answers.get(self.buffer[:end].strip().lower(), missing))
                self.transport.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(DictProtocol, "127.0.0.1", port, backlog=1024, reuse_port=True)
        async with server:
            await server.serve_forever()

    for _ in range(workers - 1):
        if os.fork() == 0:
            break
    if loop_name == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


def live_names(limit: int) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from kzreg.registry.reads.connection import open_raw_database

    db = open_raw_database()
    names = [r[0] for r in db.execute("SELECT name FROM registry_domain WHERE deleted_at IS NULL")]
    db.close()
    rng = random.Random(1)
    return rng.sample(names, min(limit, len(names)))


def store_summary() -> str:
    from kzreg.whois.answers import status_line

    return status_line()


def run_case(label: str, command: list[str], port: int, names: list[str], args: argparse.Namespace) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    log_path = Path(os.environ.get("KZREG_DATA_DIR", "/tmp")) / "bench-whois-server.log"
    with open(log_path, "w") as log:
        # Its own process group, so that stopping it also stops its worker processes.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        wait_for_port(port, process)
        time.sleep(1.0)  # the --workers helpers open their databases
        run_load(port, names, args.clients, args.warmup, args.load_processes)
        before, load_before = process_tree_cpu(process.pid), os.getloadavg()[0]
        result = run_load(port, names, args.clients, args.seconds, args.load_processes)
        after = process_tree_cpu(process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    queries = result["queries"] or 1
    result["server_cpu_ms_per_q"] = 1000 * (after[0] + after[1] - before[0] - before[1]) / queries
    result["of_which_system"] = 1000 * (after[1] - before[1]) / queries
    figures = ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in result.items())
    load = f"load average {load_before:.2f} → {os.getloadavg()[0]:.2f}"
    print(f"{label}: {figures}; {load}", flush=True)
    for line in log_path.read_text().splitlines():  # per process: cache hits, stored answers read
        if "stopped after" in line:
            print("   ", line.split(": ", 1)[-1], flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per case")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load before measuring")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--load-processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--workers", type=int, default=2, help="server processes (SO_REUSEPORT)")
    parser.add_argument("--cache", type=int, default=200_000, help="cached answers per kzreg server process")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop", help="server event loop")
    parser.add_argument("--names", type=int, default=1_000_000, help="live names to pick queries from")
    parser.add_argument("--live", action="store_true", help="kzreg renders every answer (no pre-rendered rows)")
    parser.add_argument("--skip-ceiling", action="store_true")
    parser.add_argument("--skip-kzreg", action="store_true")
    parser.add_argument("--serve-dict", nargs=2, metavar=("PORT", "NAMES_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_dict:
        serve_dict(int(args.serve_dict[0]), args.serve_dict[1], args.workers, args.loop)
        return
    names = live_names(args.names)
    if not names:
        raise SystemExit("no live domains in this database (load some with `kzreg bulkload`)")
    from django.db import connection

    print(store_summary(), flush=True)
    print(
        f"{len(names)} names, {connection.vendor}, {args.clients} clients in {args.load_processes} load processes, "
        f"{args.workers} server processes ({args.loop}), {args.seconds:.0f} s per case, {os.cpu_count()} CPUs",
        flush=True,
    )
    if not args.skip_kzreg:
        port = free_port()
        kzreg = [sys.executable, "-m", "kzreg", "whois", "serve", "--port", str(port), "--workers", str(args.workers)]
        kzreg += ["--rate", "0", "--max-per-address", "100000", "--cache", str(args.cache), "--loop", args.loop]
        kzreg += ["--live"] if args.live else []
        run_case(f"kzreg whois serve (cache {args.cache}{', live' if args.live else ''})", kzreg, port, names, args)
    if not args.skip_ceiling:
        names_file = os.path.join(os.environ.get("KZREG_DATA_DIR", "/tmp"), "bench-whois-names.txt")
        Path(names_file).write_text("\n".join(names))
        port = free_port()
        ceiling = [sys.executable, __file__, "--serve-dict", str(port), names_file]
        ceiling += ["--workers", str(args.workers), "--loop", args.loop]
        run_case("bare dict server (the ceiling)", ceiling, port, names, args)


if __name__ == "__main__":
    main()
