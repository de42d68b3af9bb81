"""WHOIS connection-flood benchmark (issue 9 §4): what an honest client gets while attackers hold port 43.

The attack of the issue: `--attackers` loopback addresses (127.0.0.2, 127.0.0.3, …), each keeping
`--per-attacker` connections open without sending a byte and opening a new one `--reopen-delay`
seconds after the server closes one. Meanwhile an honest client at `--honest` (127.0.1.1: another
/24) makes `--queries` queries, one connection each, `--interval` seconds apart, each given
`--timeout` seconds, for at most `--seconds`. Then it prints what the honest client got (answers,
refusals by kind, latency p50/p99), how many attacker connections were held (sampled every 0.25 s)
and how often the attackers reconnected.

    KZREG_DATA_DIR=/tmp/kzreg-bench .venv/bin/python bench/bench_whois_flood.py
    .venv/bin/python bench/bench_whois_flood.py --port 4343            # a server that is already running
    .venv/bin/python bench/bench_whois_flood.py -- --ipv4-prefix 32    # options for `kzreg whois serve`

It starts `kzreg whois serve --workers 1` on a free port (the server's caps are per process) with the
configured database, and asks for a live domain (`--query` to choose). Loopback only; bounded in time
and connections. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import errno
import multiprocessing
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))
from bench_whois import free_port, live_names, wait_for_port

SAMPLE = 0.25  # seconds between counts of the attacker's open connections
NOTICES = {  # the first words of port 43's refusals
    "busy": b"% Too many connections",
    "rate-limited": b"% Query rate limit exceeded",
    "timed out": b"% No query received",
}


def attack(port: int, sources: list[str], per_source: int, reopen_delay: float, stop, out) -> None:  # type: ignore[no-untyped-def]
    """Keeps `per_source` silent connections from each source address; a closed one is reopened after
    `reopen_delay`. Reports samples of how many were connected, reconnects and what the server said."""
    poller = select.epoll()
    live: dict[int, tuple[socket.socket, str, bool]] = {}  # fd → (socket, source, connected)
    due: list[tuple[float, str]] = []  # (when, source) of connections to reopen
    connected = connects = failures = 0
    said = dict.fromkeys(NOTICES, 0)
    samples: list[int] = []
    next_sample = time.monotonic()

    def open_from(source: str) -> None:
        nonlocal connects, failures
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.bind((source, 0))
            code = sock.connect_ex(("127.0.0.1", port))
        except OSError:
            code = -1
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            failures += 1
            due.append((time.monotonic() + reopen_delay, source))
            return
        connects += 1
        live[sock.fileno()] = (sock, source, False)
        poller.register(sock.fileno(), select.EPOLLOUT | select.EPOLLIN | select.EPOLLRDHUP)

    def closed(fd: int, text: bytes) -> None:
        nonlocal connected
        sock, source, was_connected = live.pop(fd)
        poller.unregister(fd)
        sock.close()
        connected -= was_connected
        for kind, start in NOTICES.items():
            if text.startswith(start):
                said[kind] += 1
        due.append((time.monotonic() + reopen_delay, source))

    for _ in range(per_source):
        for source in sources:
            open_from(source)
    while not stop.is_set():
        for fd, events in poller.poll(0.05):
            sock, source, was_connected = live[fd]
            if not was_connected and events & select.EPOLLOUT and not events & (select.EPOLLERR | select.EPOLLHUP):
                live[fd] = (sock, source, True)
                connected += 1
                poller.modify(fd, select.EPOLLIN | select.EPOLLRDHUP)
            if events & (select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLERR | select.EPOLLHUP):
                text = b""
                try:
                    while chunk := sock.recv(4096):
                        text += chunk
                except BlockingIOError:
                    if not events & (select.EPOLLRDHUP | select.EPOLLHUP | select.EPOLLERR):
                        continue  # part of a notice; the end follows
                except OSError:
                    pass
                closed(fd, text)
        now = time.monotonic()
        if due and due[0][0] <= now:
            ready = [source for when, source in due if when <= now]
            due[:] = [(when, source) for when, source in due if when > now]
            for source in ready:
                open_from(source)
        if now >= next_sample:
            samples.append(connected)
            next_sample = now + SAMPLE
    for sock, _, _ in live.values():
        sock.close()
    out.send({"samples": samples, "connects": connects, "failures": failures, "said": said})


def honest(port: int, source: str, query: str, count: int, interval: float, timeout: float, seconds: float) -> dict:
    """One connection per query, as RFC 3912 has it; what came back, by kind, and the answers' latency."""
    outcomes = dict.fromkeys(["answered", *NOTICES, "other notice", "error"], 0)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    line = (query + "\r\n").encode()
    for _ in range(count):
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.bind((source, 0))
                sock.connect(("127.0.0.1", port))
                sock.sendall(line)
                reply = b""
                while chunk := sock.recv(65536):
                    reply += chunk
        except OSError:
            outcomes["error"] += 1
        else:
            kind = next((k for k, start in NOTICES.items() if reply.startswith(start)), None)
            if kind:
                outcomes[kind] += 1
            elif reply.startswith(b"%") or not reply:
                outcomes["other notice"] += 1
            else:
                outcomes["answered"] += 1
                latencies.append(time.perf_counter() - started)
        time.sleep(interval)
    return {"outcomes": outcomes, "latencies": sorted(latencies)}


def start_server(server_args: list[str]) -> tuple[subprocess.Popen, int, Path]:
    port = free_port()
    command = [sys.executable, "-m", "kzreg", "whois", "serve", "--port", str(port), "--workers", "1", *server_args]
    log_path = Path(os.environ.get("KZREG_DATA_DIR", "/tmp")) / "bench-whois-flood-server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    wait_for_port(port, process)
    return process, port, log_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, help="attack a running server on 127.0.0.1 instead of starting one")
    parser.add_argument("--attackers", type=int, default=20, help="attacker addresses 127.0.0.2 … (0: no attack)")
    parser.add_argument("--per-attacker", type=int, default=55, help="idle connections each attacker keeps")
    parser.add_argument("--reopen-delay", type=float, default=0.2, help="seconds before a closed one is reopened")
    parser.add_argument("--ramp", type=float, default=3.0, help="seconds of attack before the honest client starts")
    parser.add_argument("--honest", default="127.0.1.1", help="the honest client's address")
    parser.add_argument("--queries", type=int, default=300, help="honest queries at most")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between honest queries")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds an honest query may take")
    parser.add_argument("--seconds", type=float, default=60.0, help="the honest loop stops after this")
    parser.add_argument("--query", help="what the honest client asks (default: a live domain of the database)")
    parser.add_argument("server_args", nargs="*", help="after --: options for `kzreg whois serve`")
    args = parser.parse_args()
    if not 0 <= args.attackers <= 250 or args.per_attacker * args.attackers > 15_000:
        raise SystemExit("at most 250 attacker addresses and 15,000 connections")
    query = args.query or (live_names(1) or ["example.kz"])[0]
    process = log_path = None
    port = args.port
    if port is None:
        process, port, log_path = start_server(args.server_args)
    sources = [f"127.0.0.{2 + i}" for i in range(args.attackers)]
    stop = multiprocessing.Event()
    mine, theirs = multiprocessing.Pipe(duplex=False)
    attacker = multiprocessing.Process(
        target=attack, args=(port, sources, args.per_attacker, args.reopen_delay, stop, theirs)
    )
    try:
        attacker.start()
        time.sleep(args.ramp)
        started = time.monotonic()
        result = honest(port, args.honest, query, args.queries, args.interval, args.timeout, args.seconds)
        duration = time.monotonic() - started
        stop.set()
        attack_result = mine.recv()
        attacker.join(10)
    finally:
        stop.set()
        if attacker.is_alive():
            attacker.terminate()
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    outcomes, latencies = result["outcomes"], result["latencies"]
    attempts = sum(outcomes.values())
    held = attack_result["samples"][int(args.ramp / SAMPLE) :] or [0]
    total = args.attackers * args.per_attacker
    print(
        f"attack: {args.attackers} addresses × {args.per_attacker} idle connections ({total}), reopened "
        f"{args.reopen_delay} s after a close; honest client {args.honest} asking {query!r}",
        flush=True,
    )
    refusals = ", ".join(f"{kind} {n}" for kind, n in outcomes.items() if kind != "answered" and n)
    print(
        f"honest: {outcomes['answered']}/{attempts} answered in {duration:.1f} s; {refusals or 'no refusals'}",
        flush=True,
    )
    if latencies:
        p50 = 1000 * latencies[len(latencies) // 2]
        p99 = 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"honest latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {1000 * latencies[-1]:.1f} ms", flush=True)
    said = ", ".join(f"{kind} {n}" for kind, n in attack_result["said"].items())
    print(
        f"attacker: connections held mean {sum(held) / len(held):.0f}, min {min(held)}, max {max(held)} of {total}; "
        f"{attack_result['connects']} connects ({attack_result['connects'] / (duration + args.ramp):.0f}/s), "
        f"{attack_result['failures']} failed; server said: {said}",
        flush=True,
    )
    if log_path is not None:
        for line in log_path.read_text().splitlines():
            if "stopped after" in line:
                print("   server:", line.split(": ", 1)[-1], flush=True)


if __name__ == "__main__":
    main()
