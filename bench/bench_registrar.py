"""The registrar wing at 1M domains (issue 12, Speed): orders end to end, and the reseller's list and search.

    export KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_regbench_1m KZREG_DATA_DIR=/tmp/regbench-data
    .venv/bin/python bench/registrar_data.py                 # once: 1M domains, 100 resellers (~5 min)
    .venv/bin/python bench/bench_registrar.py statements     # statements per order_create (local connection)
    .venv/bin/python bench/bench_registrar.py loop --count 20 [--profile]   # one thread; run under callgrind
    BENCH_CALLGRIND=1 valgrind --tool=callgrind --instr-atstart=no .venv/bin/python bench/bench_registrar.py loop
        # counts only the --count orders after the --warm ones (instructions per order = total / count)
    .venv/bin/python bench/bench_registrar.py create --conn local --procs 2 --threads 2 --count 250
    .venv/bin/python bench/bench_registrar.py create --conn epp --procs 2 --threads 4 --count 100 --epp-workers 2
    .venv/bin/python bench/bench_registrar.py create --conn epp … --no-create-read-back   # one command per order
    .venv/bin/python bench/bench_registrar.py pgstats --mode cpu|explain   # PostgreSQL's work per statement
    .venv/bin/python bench/bench_registrar.py lists          # list/search shapes (bench/registrar_lists.py)
    .venv/bin/python bench/bench_registrar.py api-lists      # the same through GET /api/v1/domains (gunicorn)
    .venv/bin/python bench/bench_registrar.py api-create --workers 2 --threads 2 --clients 4 --count 50

`create` places orders with `registrar.actions.order_create` for the big reseller's customers (existing
registry contacts), two existing name servers: quote, the reseller's deposit charged (registrar's and
reseller's books), the registry's create (its fee charged to PS-KZ's prepaid account, E3), the service
recorded. `--conn local` runs the registry in the client processes; `--conn epp` sends it to
`kzreg epp serve`, started here on a free loopback port. Figures: creates/s from the moment all workers
are ready, latency p50/p95/p99, and CPU per create of the client processes, the EPP server and
PostgreSQL (the backends connected to this database, `/proc/<pid>/stat`), so that figures taken on a busy
machine still mean something. Prints figures, asserts nothing but that the orders were done.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
HANDLE = "PS-KZ"
BIG = "RB-BIG"
EPP_PASSWORD = "regbench-password-1"
LOCATION = {"address": "Abay avenue 10", "city": "Almaty", "region": "Almaty"}


# ---- CPU accounting -------------------------------------------------------------------------------


def proc_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live children (the EPP server's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return proc_cpu(pid) + sum(tree_cpu(int(child)) for child in children)


def backend_pids() -> list[int]:
    """The PostgreSQL backends connected to this benchmark's database (not other engineers' ones)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cursor.fetchall()]


def cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: proc_cpu(pid) for pid in pids}


def backends_cpu_since(before: dict[int, float], exclude: set[int] | None = None) -> tuple[float, int]:
    """CPU seconds this database's backends spent since `before` (`cpu_of(backend_pids())`): a backend that
    started in between counts whole; one that ended took its CPU with it (so a caller whose clients exit
    first reads their backends' CPU before, and passes them as `exclude`). And how many there were."""
    now = [pid for pid in backend_pids() if pid not in (exclude or ())]
    return sum(proc_cpu(pid) - before.get(pid, 0.0) for pid in now), len(set(now) | set(before))


def steal_and_pace() -> str:
    load = os.getloadavg()[0]
    started = time.perf_counter()
    total = 0
    for i in range(1_000_000):  # a fixed pure-Python loop: the machine's pace (docs/benchmarks.md)
        total += i
    return f"load {load:.1f}, machine pace {(time.perf_counter() - started) * 1000:.0f} ms"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


# ---- the registry connection ----------------------------------------------------------------------


def epp_setup(pki_dir: Path) -> None:
    """PS-KZ's EPP access: a client certificate from a throwaway CA and a password."""
    from kzreg.epp.access import set_access
    from kzreg.epp.certs import LocalPki
    from kzreg.registry.models import Registrar

    pki = LocalPki(pki_dir)
    pki.ensure()
    pki.issue_client(HANDLE)
    registrar = Registrar.objects.get(handle=HANDLE)
    set_access(registrar, password=EPP_PASSWORD, certificates=[pki.client_cert(HANDLE).read_bytes()], networks=None)


def start_epp_server(pki_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = dict(os.environ, KZREG_EPP_CERT=str(pki_dir / "server.crt"), KZREG_EPP_KEY=str(pki_dir / "server.key"),
               KZREG_EPP_CLIENT_CA=str(pki_dir / "ca.crt"), KZREG_DEBUG="0")  # fmt: skip
    command = [sys.executable, "-m", "kzreg", "epp", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the EPP server did not listen within 15 s")


def open_conn(kind: str, port: int, pki_dir: str, read_back: bool = True) -> Any:
    if kind == "local":
        from kzreg.registrar.connection.local import LocalConnection

        return LocalConnection(HANDLE, "regbench")
    from kzreg.registrar.connection.epp import EppConnection, EppSettings

    d = Path(pki_dir)
    return EppConnection(
        EppSettings(
            host="127.0.0.1", port=port, client_id=HANDLE, password=EPP_PASSWORD, cafile=str(d / "ca.crt"),
            certfile=str(d / f"{HANDLE}.crt"), keyfile=str(d / f"{HANDLE}.key"), timeout=60,
            server_hostname="localhost", create_read_back=read_back,
        )
    )  # fmt: skip


# ---- the order workload ---------------------------------------------------------------------------


def workload() -> tuple[int, list[int], list[str]]:
    """The big reseller (its deposit topped up when low), a sample of its customers (with registry
    contacts), two existing name servers."""
    from django.db import connection

    from kzreg.resellers.models import Reseller
    from registrar_data import fund

    big = Reseller.objects.get(handle=BIG)
    fund(big)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM registrar_customer WHERE reseller_id = %s AND contact_handle <> '' "
            "ORDER BY id LIMIT 2000", [big.pk],
        )  # fmt: skip
        customers = [int(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM registry_host WHERE name LIKE 'ns_.ps.kz' ORDER BY name LIMIT 2")
        hosts = [str(row[0]) for row in cursor.fetchall()]
    if len(hosts) < 2:
        raise RuntimeError("no ns*.ps.kz hosts: load the data with bench/registrar_data.py first")
    return big.pk, customers, hosts


def place(conn: Any, seller: Any, name: str, customer: int, hosts: list[str]) -> str:
    from kzreg.registrar.actions import order_create

    order = order_create(conn, seller, name=name, years=1, customer_id=customer, nameservers=hosts,
                         location=LOCATION, key=uuid.uuid4().hex)  # fmt: skip
    return str(order.state)


def create_thread(args: argparse.Namespace, tag: str, port: int, pki_dir: str, ready: Any, go: Any, out: list) -> None:
    from django.db import connection

    from kzreg.registrar.actions import Seller
    from kzreg.resellers.models import Reseller

    big_id, customers, hosts = workload()
    seller = Seller(HANDLE, Reseller.objects.get(pk=big_id), "regbench")
    conn = open_conn(args.conn, port, pki_dir, not args.no_create_read_back)
    conn.check([f"{tag}-warm.kz"])  # the session (EPP) and the database connection are open before timing
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    ready.put(backend)
    latencies, states = [], {}
    go.wait()
    for i in range(args.count):
        started = time.perf_counter()
        state = place(conn, seller, f"{tag}-{i}.kz", customers[(i * 7 + len(tag)) % len(customers)], hosts)
        latencies.append(time.perf_counter() - started)
        states[state] = states.get(state, 0) + 1
    # The backend's CPU is read here, while it lives: once this process exits, its backend goes and takes
    # its CPU figure with it (read after, it undercounted PostgreSQL's work about twofold; api3.md).
    out.append((latencies, states, backend, proc_cpu(backend)))
    conn.close()


def create_process(args: argparse.Namespace, run: str, proc: int, port: int, pki_dir: str, ready, go, queue) -> None:
    out: list = []
    threads = [threading.Thread(target=create_thread, args=(args, f"{run}{proc}t{t}", port, pki_dir, ready, go, out))
               for t in range(args.threads)]  # fmt: skip
    for t in threads:
        t.start()
    go.wait()
    before = resource.getrusage(resource.RUSAGE_SELF)
    for t in threads:
        t.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((out, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))


def run_creates(args: argparse.Namespace) -> None:
    from django import db

    server, port, pki_dir = None, 0, ""
    if args.conn == "epp":
        pki = Path(tempfile.mkdtemp(prefix="regbench-")) / "epp"
        epp_setup(pki)
        server, port = start_epp_server(pki, args.epp_workers)
        pki_dir = str(pki)
    print(f"create ({args.conn}): {args.procs} process(es) × {args.threads} thread(s) × {args.count} orders; "
          f"{steal_and_pace()}")  # fmt: skip
    db.connections.close_all()
    ctx = mp.get_context("fork")
    ready, go, queue = ctx.Queue(), ctx.Event(), ctx.Queue()
    run = "rb" + uuid.uuid4().hex[:6]
    procs = [ctx.Process(target=create_process, args=(args, run, p, port, pki_dir, ready, go, queue))
             for p in range(args.procs)]  # fmt: skip
    try:
        for p in procs:
            p.start()
        ours = [ready.get(timeout=120) for _ in range(args.procs * args.threads)]
        time.sleep(0.5)
        pids = backend_pids()  # ours, and the EPP server's sessions
        pg_before, server_before = cpu_of(pids), tree_cpu(server.pid) if server else 0.0
        started = time.perf_counter()
        go.set()
        results = [queue.get() for _ in procs]
        elapsed = time.perf_counter() - started
        server_after = tree_cpu(server.pid) if server else 0.0
        ours_cpu = {backend: cpu for out, _ in results for _, _, backend, cpu in out}
        others_before = {pid: cpu for pid, cpu in pg_before.items() if pid not in ours_cpu}
        others_cpu, _ = backends_cpu_since(others_before, exclude=set(ours_cpu))
        pg = others_cpu + sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in ours_cpu.items())
        backends = len(set(pg_before) | set(ours_cpu))
        for p in procs:
            p.join()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    latencies = [x for out, _ in results for lat, *_ in out for x in lat]
    states: dict[str, int] = {}
    for out, _ in results:
        for _, counted, *_ in out:
            for state, n in counted.items():
                states[state] = states.get(state, 0) + n
    n = len(latencies)
    client = sum(cpu for _, cpu in results)
    others = backends - len(ours)
    print(
        f"create ({args.conn}): {n} orders in {elapsed:.2f} s = {n / elapsed:,.1f}/s; states {states}; "
        f"latency p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )  # fmt: skip
    print(
        f"create ({args.conn}): CPU per create: client processes {client / n * 1000:.2f} ms, "
        f"EPP server {(server_after - server_before) / n * 1000:.2f} ms, PostgreSQL {pg / n * 1000:.2f} ms "
        f"({backends} backends: {len(ours)} of the clients, {others} others on this database); "
        f"{steal_and_pace()}"
    )  # fmt: skip


# ---- statements per order -------------------------------------------------------------------------


def count_statements(args: argparse.Namespace) -> None:
    """Statements one order_create sends (local connection), grouped by kind and table: those through
    Django's cursor (`CaptureQueriesContext`), and every statement psycopg sends (Django's and the plain
    prepared ones of the registry, billing and the order path, which go past Django's cursor)."""
    from collections import Counter

    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kzreg.registrar.actions import Seller
    from kzreg.resellers.models import Reseller

    big_id, customers, hosts = workload()
    seller = Seller(HANDLE, Reseller.objects.get(pk=big_id), "regbench")
    conn = open_conn("local", 0, "")
    run = "rs" + uuid.uuid4().hex[:6]
    for i in range(3):  # warm: prepared statements, caches
        place(conn, seller, f"{run}-w{i}.kz", customers[i], hosts)
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(self: Any, query: Any, *rest: Any, **kw: Any) -> Any:
        sent.append(query if isinstance(query, str) else str(query))
        return execute(self, query, *rest, **kw)

    counts, groups, all_counts, all_groups = [], Counter[str](), [], Counter[str]()
    psycopg.Cursor.execute = counted  # type: ignore[method-assign]
    try:
        for i in range(args.count):
            sent.clear()
            with CaptureQueriesContext(connection) as captured:
                state = place(conn, seller, f"{run}-{i}.kz", customers[10 + i], hosts)
            assert state == "done", state
            counts.append(len(captured.captured_queries))
            for query in captured.captured_queries:
                groups[shape(query["sql"])] += 1
            all_counts.append(len(sent))
            for sql in sent:
                all_groups[shape(sql)] += 1
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    print(f"statements per order_create (local) through Django's cursor: {min(counts)}–{max(counts)} "
          f"(mean {sum(counts) / len(counts):.1f})")  # fmt: skip
    for text, n in groups.most_common():
        print(f"  {n / args.count:5.1f}  {text}")
    print(f"statements psycopg sent per order_create (all): {min(all_counts)}–{max(all_counts)} "
          f"(mean {sum(all_counts) / len(all_counts):.1f})")  # fmt: skip
    for text, n in all_groups.most_common():
        print(f"  {n / args.count:5.1f}  {text}")


def run_loop(args: argparse.Namespace) -> None:
    """`--count` orders one after another in this thread (local connection) after `--warm` ones: the
    loop to run under callgrind (per order = the difference of two counts over the difference of --count),
    or with `--profile`, cProfile on the CPU clock (the 30 costliest by cumulative time)."""
    import cProfile
    import pstats

    from kzreg.registrar.actions import Seller
    from kzreg.resellers.models import Reseller

    big_id, customers, hosts = workload()
    seller = Seller(HANDLE, Reseller.objects.get(pk=big_id), "regbench")
    conn = open_conn("local", 0, "")
    run = "rl" + uuid.uuid4().hex[:6]
    for i in range(args.warm):
        place(conn, seller, f"{run}-w{i}.kz", customers[i % len(customers)], hosts)
    profile = cProfile.Profile(time.process_time) if args.profile else None
    from django.db import connection

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid if connection.vendor == "postgresql" else 0
    backend_before = proc_cpu(backend) if backend else 0.0
    callgrind = os.environ.get("BENCH_CALLGRIND") == "1"  # under valgrind --tool=callgrind --instr-atstart=no
    if callgrind:
        subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    started, wall = time.process_time(), time.perf_counter()
    if profile is not None:
        profile.enable()
    for i in range(args.count):
        state = place(conn, seller, f"{run}-{i}.kz", customers[(args.warm + i) % len(customers)], hosts)
        assert state == "done", state
    if profile is not None:
        profile.disable()
    if callgrind:
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    backend_cpu = proc_cpu(backend) - backend_before if backend else 0.0
    per = 1000 / max(args.count, 1)
    print(f"loop: {args.count} orders, CPU per order {cpu * per:.2f} ms, wall per order {wall * per:.2f} ms "
          f"(CPU + waits for PostgreSQL: statements, COMMITs' WAL flushes), PostgreSQL backend CPU per order "
          f"{backend_cpu * per:.2f} ms; {steal_and_pace()}")  # fmt: skip
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


def shape(sql: str) -> str:
    """A statement's verb and first table (the first one named after FROM, INTO or UPDATE), enough to tell
    them apart."""
    words = sql.replace('"', "").replace("(", " ").split()
    verb = words[0].upper() if words else "?"
    prefixes = ("registrar_", "registry_", "billing_", "resellers_")
    after = [
        b for a, b in itertools.pairwise(words) if a.upper() in ("FROM", "INTO", "UPDATE") and b.startswith(prefixes)
    ]
    tables = after or [w for w in words if w.startswith(prefixes)]
    return f"{verb} {tables[0].split('.')[0] if tables else ''}".strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    create = sub.add_parser("create", help="order_create end to end, creates/s")
    create.add_argument("--conn", choices=("local", "epp"), default="local")
    create.add_argument("--procs", type=int, default=2)
    create.add_argument("--threads", type=int, default=2)
    create.add_argument("--count", type=int, default=250, help="orders per thread")
    create.add_argument("--epp-workers", type=int, default=2, help="EPP server processes")
    create.add_argument("--no-create-read-back", action="store_true",
                        help="EPP: no <domain:info> after each create (EppSettings.create_read_back=False)")  # fmt: skip
    statements = sub.add_parser("statements", help="statements per order_create")
    statements.add_argument("--count", type=int, default=20)
    loop = sub.add_parser("loop", help="orders in one thread (callgrind, cProfile)")
    loop.add_argument("--count", type=int, default=20)
    loop.add_argument("--warm", type=int, default=5)
    loop.add_argument("--profile", action="store_true")
    pgstats = sub.add_parser("pgstats", help="PostgreSQL's work per statement of an order (bench/registrar_pgstats.py)")
    pgstats.add_argument("--count", type=int, default=50)
    pgstats.add_argument("--warm", type=int, default=10)
    pgstats.add_argument("--mode", choices=("cpu", "explain"), default="cpu")
    pgstats.add_argument("--log", default="/var/log/postgresql/postgresql-15-main.log", help="the server's log")
    lists = sub.add_parser("lists", help="the big reseller's domain list and search")
    lists.add_argument("--repeat", type=int, default=30)
    for name, text in (("api-lists", "GET /api/v1/domains shapes"), ("api-create", "POST /api/v1/domains")):
        api = sub.add_parser(name, help=f"{text} under gunicorn on 127.0.0.1 (bench/registrar_http.py)")
        api.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
        api.add_argument("--threads", type=int, default=2, help="threads per worker")
        api.add_argument("--repeat", type=int, default=30)
        api.add_argument("--clients", type=int, default=4, help="client threads (api-create)")
        api.add_argument("--count", type=int, default=50, help="creates per client")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    os.environ.setdefault("KZREG_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if args.what == "create":
        run_creates(args)
    elif args.what == "statements":
        count_statements(args)
    elif args.what == "loop":
        run_loop(args)
    elif args.what == "pgstats":
        import registrar_pgstats

        registrar_pgstats.run(args.count, args.warm, args.mode, args.log)
    elif args.what == "lists":
        import registrar_lists

        registrar_lists.run(args.repeat)
    else:
        import registrar_http

        registrar_http.run(args.what, args.workers, args.threads, args.repeat, args.clients, args.count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
