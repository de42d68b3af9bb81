"""EPP over TLS on loopback: logins/s (handshake included), domain:check/s and domain:create/s (with the
registry fee charged by billing's operation guard) from concurrent sessions, with p50/p99 latency and
CPU per command of the client, the EPP server and PostgreSQL.

    createdb -h 127.0.0.1 -U postgres kzreg_epp_bench   # once (the script creates it if it can)
    KZREG_DATA_DIR=/tmp/epp-bench KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_epp_bench \\
        .venv/bin/python bench/bench_epp.py --sessions 16 --workers 2

The script migrates the database, makes a registrar BENCH-KZ with EPP access (certificates from a CA in
a temporary folder) and a funded deposit, starts `kzreg epp serve` as a child process on a free port,
then runs each phase with `--sessions` sessions spread over `--client-procs` client processes (threads
inside each). Requests are written with `kzreg.epp.requests`. Every loop is bounded by its count.
Prints figures, asserts nothing.

The clients share the machine with the server, so check and create are driven by a light client by
default: each request framed before the loop, written to the raw TLS socket, and only the first result
code read from each answer's bytes (no XML parsing; every code is still counted and printed); a client
process's sessions are driven from one thread waiting on all their sockets (`drive_light`: one request in
flight per session, as before, without the client threads handing the interpreter lock to each other).
`--full-client` sends them through `EppClient.request` and parses every reply. Logins always use
`EppClient`, which resumes TLS sessions as a registrar's client reconnecting would (the output says how
many were resumed; `--no-resume` makes every handshake a full one). PostgreSQL's CPU is that of the backends connected to this bench's database only.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PASSWORD = "bench-password-1"
HANDLE = "BENCH-KZ"
NS = ("ns1.bench-dns.net", "ns2.bench-dns.net")  # outside our zones: no glue, no parent domain


def setup_registry(pki_dir: Path) -> None:
    """Schema, the registrar with EPP access and money, and its two name servers and contacts."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kzreg.billing.books import open_prepaid, prepaid_account
    from kzreg.billing.money import Money
    from kzreg.billing.payments import record_payment
    from kzreg.core import clock
    from kzreg.core.actor import Actor, Channel
    from kzreg.epp.access import set_access
    from kzreg.epp.certs import LocalPki
    from kzreg.registry import commands as c
    from kzreg.registry import operations as ops
    from kzreg.registry.models import Registrar

    pki = LocalPki(pki_dir)
    pki.ensure()
    pki.issue_client(HANDLE)
    registrar = Registrar.objects.filter(handle=HANDLE).first()
    if registrar is None:
        staff = Actor.registry_staff("bench", Channel.CLI)
        data = c.RegistrarData(name="Bench Registrar LLP", email="bench@example.kz")
        registrar = ops.create_registrar(c.CreateRegistrar(HANDLE, data), staff).object
    set_access(registrar, password=PASSWORD, certificates=[pki.client_cert(HANDLE).read_bytes()], networks=None)
    account = prepaid_account(registrar.id) or open_prepaid(registrar.id, HANDLE, "USD", clock.now())
    if abs(account.balance_minor) < 10_000_000:  # under 100,000 USD left (a payment is at most 1,000,000)
        record_payment(account, Money.of("1000000.00", "USD"), "bench", clock.now(),
                       reference=f"bench deposit {uuid.uuid4().hex[:8]}")  # fmt: skip


def ensure_postgres_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live children (the server's workers)."""
    total = proc_cpu(pid)
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(tree_cpu(int(child)) for child in children)


def tree_kernel_and_switches(pid: int) -> tuple[float, int]:
    """System CPU seconds, and context switches of every thread (voluntary: it waited; involuntary: it was
    preempted), of a process and its live children: what a command costs the kernel, which callgrind
    does not count and a shared machine's load moves less than the rates."""
    kernel, switches = 0.0, 0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            kernel = int(stat.read().rsplit(")", 1)[1].split()[12]) / os.sysconf("SC_CLK_TCK")
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return kernel, switches
    for task in tasks:
        try:
            for line in (task / "status").read_text().splitlines():
                if "ctxt_switches:" in line:
                    switches += int(line.split()[1])
        except OSError:
            continue
    for child in children:
        more = tree_kernel_and_switches(int(child))
        kernel, switches = kernel + more[0], switches + more[1]
    return kernel, switches


def postgres_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends connected to `database` (their process title names it):
    the server is shared, and other databases' work is not this bench's. The background processes
    (WAL writer, checkpointer) are shared too and left out, so the figure is a little low for writes."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() not in ("postgres", "postmaster"):
                    continue
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split()
                if database in title:
                    total += proc_cpu(int(entry.name))
            except OSError:
                continue
    return total


# ---- client side (runs in the client processes) ----


def _client(port: int, pki_dir: str, resume: bool = True):
    from kzreg.epp.client import EppClient

    d = Path(pki_dir)
    return EppClient(
        "127.0.0.1", port, cafile=str(d / "ca.crt"), certfile=str(d / f"{HANDLE}.crt"),
        keyfile=str(d / f"{HANDLE}.key"), server_hostname="localhost", resume=resume,
    )  # fmt: skip


RESULT_CODE = b'<result code="'


def agreed_fee():  # type: ignore[no-untyped-def]
    """`--fee AMOUNT`: each create carries `<fee:create>` agreeing to AMOUNT USD (RFC 8748), else None."""
    from kzreg.epp import requests as r

    amount = os.environ.get("BENCH_EPP_FEE", "")
    return r.fee_agreement("create", amount) if amount else None


class _LightSession:
    """One session of the light client driven by `drive_light`: its frames, the one in flight, its figures."""

    def __init__(self, sock, frames: list[bytes]):
        self.sock, self.frames, self.sent = sock, frames, 0
        self.data, self.started = b"", 0.0
        self.latencies: list[float] = []
        self.codes: dict[int, int] = {}

    def send_next(self) -> bool:
        if self.sent == len(self.frames):
            return False
        self.started = time.perf_counter()
        self.sock.sendall(self.frames[self.sent])
        self.sent += 1
        return True

    def receive(self) -> bool:
        """Reads what came; True when the answer in flight is whole (its code counted)."""
        while True:
            more = self.sock.recv(65536)
            if not more:
                raise ConnectionError("the server closed the connection")
            self.data += more
            if not self.sock.pending():
                break
        data = self.data
        if len(data) < 4 or len(data) < int.from_bytes(data[:4], "big"):
            return False
        if len(data) != int.from_bytes(data[:4], "big"):
            raise ConnectionError("bytes after the answer (the server spoke unasked)")
        self.latencies.append(time.perf_counter() - self.started)
        at = data.find(RESULT_CODE, 4)
        code = int(data[at + len(RESULT_CODE) : at + len(RESULT_CODE) + 4]) if at > 0 else 0
        self.codes[code] = self.codes.get(code, 0) + 1
        self.data = b""
        return True


def drive_light(sessions: list[_LightSession]) -> None:
    """The light client's sessions of one client process, driven from one thread: each sends its next
    request as soon as its answer is whole, and the thread waits on all the sessions' sockets at once
    (`selectors`) — one request in flight per session, as a thread per session had, without the client's
    threads passing the interpreter lock to each other on every answer (their CPU is on the server's cores)."""
    selector = selectors.DefaultSelector()
    for session in sessions:
        if session.send_next():
            selector.register(session.sock, selectors.EVENT_READ, session)
    while selector.get_map():
        for key, _ in selector.select():
            session = key.data
            if session.receive() and not session.send_next():
                selector.unregister(session.sock)
    selector.close()


def _session_loop(
    phase: str,
    port: int,
    pki_dir: str,
    count: int,
    tag: str,
    go,
    out: list,
    finished,
    done,
    full: bool,
    resume: bool,
    light: list,
) -> None:
    from kzreg.epp import framing
    from kzreg.epp import requests as r

    latencies: list[float] = []
    codes: dict[int, int] = {}
    if phase == "login":
        go.wait()
        resumed = 0
        for _ in range(count):
            started = time.perf_counter()
            client = _client(port, pki_dir, resume)
            client.connect()
            resumed += client.resumed
            code = client.login(HANDLE, PASSWORD).code
            latencies.append(time.perf_counter() - started)
            codes[code] = codes.get(code, 0) + 1
            client.logout()
        out.append((latencies, codes, resumed))
        finished.wait()
        return
    client = _client(port, pki_dir)
    client.connect()
    assert client.login(HANDLE, PASSWORD).code == 1000
    contacts = {"registrant": f"R{tag}", "admin": f"A{tag}"}
    if phase == "create":
        postal = r.PostalInfo(name="Bench, Ivan", org="Bench Company LLP", street=("Abay avenue 10",), city="Almaty",
                              sp="Almaty", pc="050000", cc="KZ")  # fmt: skip
        for contact_id in contacts.values():
            reply = client.request(
                r.contact_create(contact_id, postal, "bench@example.kz", voice="+7.7272500001").frame()
            )
            assert reply.code == 1000, reply.raw
        location = r.Location(("Abay avenue 10",), "Almaty", "Almaty")
    frames = []
    for i in range(count):
        if phase == "check":
            frames.append(r.domain_check(f"bench-{tag}-{i}.kz").frame(f"C{tag}-{i}"))
        else:
            command = r.domain_create(
                f"b{tag}-{i}.kz", registrant=contacts["registrant"], contacts={"admin": contacts["admin"]},
                location=location, host_objs=NS, years=1, fee=agreed_fee(),
            )  # fmt: skip
            frames.append(command.frame(f"N{tag}-{i}"))
    if not full:
        sock = client.sock
        assert sock is not None and not client._buffer  # nothing pending: the server speaks only when asked
        light.append(_LightSession(sock, [framing.encode(frame) for frame in frames]))
        finished.wait()  # drive_light runs the requests; the session stays open until the CPU figures are taken
        done.wait()
        client.logout()
        return
    go.wait()
    for frame in frames:
        started = time.perf_counter()
        code = client.request(frame).code
        latencies.append(time.perf_counter() - started)
        codes[code] = codes.get(code, 0) + 1
    out.append((latencies, codes, 0))
    finished.wait()  # the session stays open until the CPU figures are taken (its database backend too)
    done.wait()
    client.logout()


def client_process(
    phase: str,
    port: int,
    pki_dir: str,
    sessions: int,
    count: int,
    run: str,
    proc: int,
    go,
    done,
    queue,
    full: bool,
    resume: bool,
) -> None:
    out: list = []
    light: list[_LightSession] = []  # the light client's sessions, driven from this thread (`drive_light`)
    driven = phase != "login" and not full
    finished = threading.Barrier(sessions + 1)
    threads = [
        threading.Thread(
            target=_session_loop,
            args=(phase, port, pki_dir, count, f"{run}{proc}{s:02d}", go, out, finished, done, full, resume, light),
        )
        for s in range(sessions)
    ]
    for t in threads:
        t.start()
    setup_cpu = 0.0
    if driven:
        while len(light) < sessions:  # each session logs in and frames its requests
            time.sleep(0.01)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        setup_cpu = usage.ru_utime + usage.ru_stime  # the light client's figure is its requests' alone
        go.wait()
        drive_light(light)
        out.extend((session.latencies, session.codes, 0) for session in light)
    finished.wait()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((out, usage.ru_utime + usage.ru_stime - setup_cpu))
    for t in threads:
        t.join()


def run_phase(phase: str, args: argparse.Namespace, port: int, pki_dir: str, server_pid: int, count: int) -> None:
    ctx = mp.get_context("fork")
    go, done, queue = ctx.Event(), ctx.Event(), ctx.Queue()
    run = uuid.uuid4().hex[:4]
    per_proc = [args.sessions // args.client_procs + (1 if i < args.sessions % args.client_procs else 0)
                for i in range(args.client_procs)]  # fmt: skip
    procs = [
        ctx.Process(
            target=client_process,
            args=(phase, port, pki_dir, n, count, run, i, go, done, queue, args.full_client, not args.no_resume),
        )
        for i, n in enumerate(per_proc)
        if n
    ]
    for p in procs:
        p.start()
    time.sleep(1.0 if phase != "login" else 0.2)  # sessions log in and build their requests (not measured)
    hot_before = _hot_rows() if phase == "create" else ""
    server_before, pg_before = tree_cpu(server_pid), postgres_cpu(args.database)
    kernel_before, switches_before = tree_kernel_and_switches(server_pid)
    started = time.perf_counter()
    go.set()
    results = [queue.get() for _ in procs]
    elapsed = time.perf_counter() - started
    server_cpu, pg_cpu = tree_cpu(server_pid) - server_before, postgres_cpu(args.database) - pg_before
    kernel_after, switches_after = tree_kernel_and_switches(server_pid)
    server_kernel, server_switches = kernel_after - kernel_before, switches_after - switches_before
    done.set()
    for p in procs:
        p.join()
    latencies = sorted(x for out, _ in results for lat, _, _ in out for x in lat)
    codes: dict[int, int] = {}
    for out, _ in results:
        for _, c, _ in out:
            for code, n in c.items():
                codes[code] = codes.get(code, 0) + n
    resumed = sum(r for out, _ in results for _, _, r in out)
    client_cpu = sum(cpu for _, cpu in results)
    client = (
        "full client, replies parsed, incl. request building"
        if args.full_client or phase == "login"
        else "light client, from the requests framed to the last answer"
    )
    n = len(latencies)
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(n - 1, int(n * 0.99))] * 1000
    label = {"login": "logins (TLS handshake + login + logout)", "check": "domain:check", "create": "domain:create"}[
        phase
    ]
    if phase == "login":
        label += f" [{resumed} of {n} TLS sessions resumed]"
    print(
        f"{label}: {n} in {elapsed:.2f} s = {n / elapsed:,.0f}/s; p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
        f"codes {dict(sorted(codes.items()))}; CPU per command: client {client_cpu / n * 1e6:,.0f} µs "
        f"({client}), EPP server {server_cpu / n * 1e6:,.0f} µs "
        f"(kernel {server_kernel / n * 1e6:,.0f} µs, {server_switches / n:.2f} context switches), "
        f"PostgreSQL {pg_cpu / n * 1e6:,.0f} µs (this database's backends); "
        f"load average {os.getloadavg()[0]:.2f}"
        + (f"; before: {hot_before}; after: {_hot_rows()}" if hot_before else "")
    )  # fmt: skip


def _hot_rows() -> str:
    """bench_create.hot_rows_note on this process's connection (the charges' hot rows and what keeps them
    from being pruned: a create's PostgreSQL CPU drifts with both)."""
    from django.db import connection

    sys.path.insert(0, str(ROOT / "bench"))
    from bench_create import hot_rows_note

    try:
        return hot_rows_note(connection)
    finally:
        connection.close()  # the next phase forks its clients: none inherits an open connection


def serve_asyncio(port: int, pki_dir: Path) -> None:
    """The comparison: the same sessions (`EppSession`) behind an asyncio TLS server (uvloop), each command
    handed to a thread pool for its database work. Not kzreg's server: only what the bench compares."""
    import asyncio
    import ssl
    import struct
    from concurrent.futures import ThreadPoolExecutor

    import uvloop

    from kzreg.epp.server import ServerConfig, tls_context
    from kzreg.epp.session import EppSession, ServerContext

    tls = tls_context(ServerConfig(pki_dir / "server.crt", pki_dir / "server.key", pki_dir / "ca.crt"))
    context = ServerContext()
    pool = ThreadPoolExecutor(16)

    async def converse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        session = EppSession(context, writer.get_extra_info("peername")[0], der)
        loop = asyncio.get_running_loop()
        greeting = session.greeting()
        writer.write(struct.pack(">I", len(greeting) + 4) + greeting)
        try:
            while True:
                (length,) = struct.unpack(">I", await reader.readexactly(4))
                payload = await reader.readexactly(length - 4)
                reply = await loop.run_in_executor(pool, session.handle, payload)
                writer.write(struct.pack(">I", len(reply.frame) + 4) + reply.frame)
                await writer.drain()
                if reply.close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        writer.close()

    async def run() -> None:
        server = await asyncio.start_server(converse, "127.0.0.1", port, ssl=tls)
        async with server:
            await server.serve_forever()

    uvloop.run(run())


def in_process(phase: str, count: int, pki_dir: Path, profile: bool) -> None:
    """The server's own work per command without sockets, TLS or other threads: one `EppSession` fed
    frames in this process, CPU time per command (`time.process_time`), optionally under cProfile
    (BENCH_SORT, BENCH_TOP). The steady figure on a shared machine; `valgrind --tool=callgrind` runs it too."""
    import ssl

    from kzreg.epp import requests as r
    from kzreg.epp.client import login_command
    from kzreg.epp.session import EppSession, ServerContext

    der = ssl.PEM_cert_to_DER_cert((pki_dir / f"{HANDLE}.crt").read_text())
    session = EppSession(ServerContext(), "127.0.0.1", der)
    tag = uuid.uuid4().hex[:6]

    def ok(frame: bytes) -> None:
        reply = session.handle(frame)
        assert b'result code="1000"' in reply.frame, reply.frame

    ok(login_command(HANDLE, PASSWORD))
    frames = []
    if phase == "create":
        postal = r.PostalInfo(name="Bench, Ivan", org="Bench Company LLP", street=("Abay avenue 10",), city="Almaty",
                              sp="Almaty", pc="050000", cc="KZ")  # fmt: skip
        for contact_id in (f"R{tag}", f"A{tag}"):
            ok(r.contact_create(contact_id, postal, "bench@example.kz", voice="+7.7272500001").frame())
        location = r.Location(("Abay avenue 10",), "Almaty", "Almaty")
        for host, address in zip(NS, ("195.210.46.100", "91.201.214.100"), strict=True):  # 2302: made before
            reply = session.handle(r.host_create(host, [address]).frame())
            assert b'result code="1000"' in reply.frame or b'result code="2302"' in reply.frame, reply.frame
    for i in range(count + 20):
        if phase == "check":
            frames.append(r.domain_check(f"bench-{tag}-{i}.kz").frame(f"C{tag}-{i}"))
        else:
            command = r.domain_create(
                f"p{tag}-{i}.kz", registrant=f"R{tag}", contacts={"admin": f"A{tag}"}, location=location,
                host_objs=NS, years=1, fee=agreed_fee(),
            )  # fmt: skip
            frames.append(command.frame(f"N{tag}-{i}"))
    for frame in frames[:20]:  # warm: statements prepared, caches filled
        ok(frame)
    frames = frames[20:]

    def run() -> None:
        for frame in frames:
            ok(frame)

    callgrind = os.environ.get("BENCH_CALLGRIND") == "1"  # under valgrind --tool=callgrind --instr-atstart=no
    if callgrind:
        subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    started = time.process_time()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(run)
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            int(os.environ.get("BENCH_TOP", "40"))
        )
    else:
        run()
    cpu = time.process_time() - started
    if callgrind:
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
    print(f"in-process {phase}: {count} commands, server CPU per command {cpu / count * 1e6:,.0f} µs")


def main() -> None:
    if sys.argv[1:2] == ["--serve-asyncio"]:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
        import django

        django.setup()
        serve_asyncio(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--client-procs", type=int, default=2, help="client processes the sessions are spread over")
    parser.add_argument("--workers", type=int, default=1, help="EPP server processes (KZREG_EPP_WORKERS)")
    parser.add_argument("--logins", type=int, default=20, help="logins per session")
    parser.add_argument("--checks", type=int, default=500, help="domain:check per session")
    parser.add_argument("--creates", type=int, default=60, help="domain:create per session")
    parser.add_argument("--phases", default="login,check,create")
    parser.add_argument("--in-process", metavar="PHASE", help="check or create: one EppSession in this process")
    parser.add_argument("--profile", action="store_true", help="with --in-process: cProfile the commands")
    parser.add_argument(
        "--full-client",
        action="store_true",
        help="check/create through EppClient.request (each reply parsed by lxml) instead of the light client",
    )
    parser.add_argument(
        "--no-resume", action="store_true", help="logins: a full TLS handshake every time (no session resumption)"
    )
    parser.add_argument(
        "--asyncio", action="store_true", help="compare: the same sessions behind an asyncio server + thread pool"
    )
    parser.add_argument(
        "--fee", metavar="AMOUNT", help="creates carry <fee:create> agreeing to AMOUNT USD (e.g. 30.00; RFC 8748)"
    )
    args = parser.parse_args()
    if args.fee:
        os.environ["BENCH_EPP_FEE"] = args.fee  # read by the client processes and the in-process session
    args.database = os.environ.get("KZREG_DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    ensure_postgres_database(os.environ.get("KZREG_DATABASE_URL", ""))
    import django

    django.setup()
    from django import db
    from django.conf import settings

    pki_dir = Path(tempfile.mkdtemp(prefix="epp-bench-")) / "epp"
    setup_registry(pki_dir)
    if args.in_process:
        counts = {"check": args.checks, "create": args.creates}
        in_process(args.in_process, counts[args.in_process], pki_dir, args.profile)
        return
    db.connections.close_all()
    port = free_port()
    env = dict(os.environ, KZREG_EPP_CERT=str(pki_dir / "server.crt"), KZREG_EPP_KEY=str(pki_dir / "server.key"),
               KZREG_EPP_CLIENT_CA=str(pki_dir / "ca.crt"), KZREG_DEBUG="0")  # fmt: skip
    command = ["-m", "kzreg", "epp", "serve", "--port", str(port), "--workers", str(args.workers)]
    if args.asyncio:
        command = [__file__, "--serve-asyncio", str(port), str(pki_dir)]
    server = subprocess.Popen([sys.executable, *command], env=env)
    try:
        for _ in range(300):  # up to 30 s for the server to listen (a loaded machine starts Django slowly)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        kind = "asyncio server + thread pool (comparison)" if args.asyncio else f"{args.workers} server process(es)"
        print(f"EPP bench: {args.sessions} TLS sessions in {args.client_procs} client processes, "
              f"{kind}, {engine}, {os.cpu_count()} CPUs")  # fmt: skip
        if not args.full_client:
            print("light client for check/create: requests framed beforehand, written to the raw TLS socket (a "
                  "process's sessions driven from one thread), and "
                  "only each answer's result code read from its bytes (no XML parsing); --full-client parses "
                  "every reply with EppClient")  # fmt: skip
        for _ in range(4 * args.workers):  # each server process checks the password hash once (then its memo)
            warm = _client(port, str(pki_dir))
            warm.connect()
            warm.login(HANDLE, PASSWORD)
            warm.logout()
        from kzreg.epp import requests as r

        setup = _client(port, str(pki_dir))
        setup.connect()
        setup.login(HANDLE, PASSWORD)
        for host, address in zip(NS, ("195.210.46.100", "91.201.214.100"), strict=True):  # 2302: made before
            reply = setup.request(r.host_create(host, [address]).frame())
            assert reply.code in (1000, 2302), reply.raw
        setup.logout()
        counts = {"login": args.logins, "check": args.checks, "create": args.creates}
        for phase in args.phases.split(","):
            run_phase(phase, args, port, str(pki_dir), server.pid, counts[phase])
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
