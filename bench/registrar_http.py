"""The reseller API over HTTP (`bench_registrar.py api-lists`, `api-create`): kzreg under gunicorn on
127.0.0.1 (the WSGI app wrapped by `registrar_wsgi.py`, which reports the server's own time per request
in a header), called with a token of the big reseller's administrator.

Lists: each query shape of `/api/v1/domains` `--repeat` times, one request at a time, the server's time
p50/p95/p99 (from the header: what the worker spent, no network or client). Creates: `POST
/api/v1/domains` with an `Idempotency-Key` from `--clients` threads, creates/s and CPU per create of this
client, the web server (gunicorn and its workers) and PostgreSQL (this database's backends). The rate
limit is raised out of the way (its bookkeeping still runs on every call). With
`KZREG_BENCH_API_CONNECTION=epp` the web server reaches the registry over EPP (`kzreg epp serve`, 2
workers, started here): creates then also print the EPP server's CPU per create.
`KZREG_BENCH_API_PGSTATS=1` (PostgreSQL) also prints, per create, what the database did: its
`pg_stat_database` and `pg_stat_user_tables` deltas (commits, pages hit, rows read, written, HOT and dead)
and the wait events of its active backends sampled every 20 ms during the run — to tell work from waiting.
`KZREG_BENCH_API_RATE` sets the server's `KZREG_API_RATE_PER_MINUTE` (default: raised out of the way;
`0` turns rate limiting off, for a measurement only).

In process (`python bench/registrar_http.py calls --count 200`): the same calls through Django's test
client in this process, one at a time, so the API's own cost per call is seen without a web server or the
machine's load in between: this thread's CPU per call, wall p50, and the statements each call sends
through Django's cursor (and, on PostgreSQL, all statements: psycopg's cursors, which the plain-statement
modules use past Django's query log), for a domain's info (token, rate limit, permissions, one access
read: what every call pays) and for a create (the same plus the idempotency key and the order).

Plans (`python bench/registrar_http.py plans`, PostgreSQL): each list shape of `api-lists` through the
test client, then every SELECT it sent run again under `EXPLAIN (ANALYZE, BUFFERS)`: the pages of 8 kB it
touched and PostgreSQL's own execution time. Pages touched do not depend on the machine's load, so trees
can be compared on a busy machine.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench_registrar import (
    BIG,
    LOCATION,
    backend_pids,
    backends_cpu_since,
    cpu_of,
    percentile,
    proc_cpu,
    steal_and_pace,
    tree_cpu,
    workload,
)

ROOT = Path(__file__).resolve().parents[1]


def api_token() -> str:
    """A new token of the big reseller's administrator (`registrar_lists.reseller_user`)."""
    from kzreg.api.tokens import create_token
    from kzreg.resellers.models import Reseller
    from registrar_lists import reseller_user

    _token, secret = create_token(reseller_user(Reseller.objects.get(handle=BIG)), name="regbench")
    return secret


def start_web(
    workers: int, threads: int, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    rate = os.environ.get("KZREG_BENCH_API_RATE", "100000000")
    env = dict(os.environ, KZREG_API_RATE_PER_MINUTE=rate, KZREG_DEBUG="0", KZREG_REGISTRY_CONNECTION="local",
               PYTHONPATH=f"{ROOT / 'src'}:{ROOT / 'bench'}")  # fmt: skip
    env.update(extra_env or {})
    keep_alive = os.environ.get("KZREG_BENCH_API_KEEP_ALIVE", "30")  # 0: a connection per request
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--keep-alive", keep_alive, "registrar_wsgi:application"]  # fmt: skip
    command[-1:-1] = ["--no-control-socket"]  # as `kzreg web`: one per user, concurrent servers would share it
    if os.environ.get("KZREG_BENCH_API_REUSE_PORT", "0") == "1":  # a socket per worker (with gthread, ADR 0013)
        command[-1:-1] = ["--reuse-port"]
    from kzreg.server.cli import BALANCED_CLASS

    # as `kzreg web`: the balanced gthread worker (least connections first, ADR 0013); or sync, gthread
    command[-1:-1] = ["--worker-class", os.environ.get("KZREG_BENCH_API_WORKER_CLASS") or BALANCED_CLASS]
    if os.environ.get("KZREG_BENCH_API_WORKER_CONNECTIONS"):  # gthread: kept connections one worker may hold
        command[-1:-1] = ["--worker-connections", os.environ["KZREG_BENCH_API_WORKER_CONNECTIONS"]]
    server = subprocess.Popen(command, env=env, cwd=ROOT / "bench")
    # With a socket per worker each worker binds its own after the fork: the clients' kept connections are
    # made only once every worker listens, else the first worker up takes them all for the whole run.
    sockets = workers if "--reuse-port" in command else 1
    for _ in range(300):
        if listeners(port) >= sockets:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return server, port
            except OSError:
                pass
        time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"gunicorn did not open {sockets} listening socket(s) within 30 s")


def listeners(port: int) -> int:
    """Listening TCP sockets on this port (/proc/net/tcp: local address `0100007F:PORT`, state 0A)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if row[1].endswith(f":{port:04X}") and row[3] == "0A")


def epp_registry(workers: int = 2) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    """`kzreg epp serve` on a free loopback port (bench_registrar's PKI and PS-KZ's access) and the
    environment that points the web server's registry connection at it (`KZREG_BENCH_API_CONNECTION=epp`)."""
    import tempfile

    from bench_registrar import EPP_PASSWORD, HANDLE, epp_setup, start_epp_server

    pki = Path(tempfile.mkdtemp(prefix="regbench-api-")) / "epp"
    epp_setup(pki)
    server, port = start_epp_server(pki, workers)
    return server, {
        "KZREG_REGISTRY_CONNECTION": "epp", "KZREG_REGISTRY_EPP_HOST": "localhost", "KZREG_REGISTRY_EPP_PORT": str(port),
        "KZREG_REGISTRY_EPP_CLID": HANDLE, "KZREG_REGISTRY_EPP_PASSWORD": EPP_PASSWORD,
        "KZREG_REGISTRY_EPP_CERT": str(pki / f"{HANDLE}.crt"), "KZREG_REGISTRY_EPP_KEY": str(pki / f"{HANDLE}.key"),
        "KZREG_REGISTRY_EPP_CA": str(pki / "ca.crt"), "KZREG_REGISTRY_EPP_TIMEOUT": "60",
    }  # fmt: skip


def call(conn: http.client.HTTPConnection, method: str, path: str, token: str, body: Any = None,
         key: str = "") -> tuple[int, float, float, Any]:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = json.loads(response.read() or b"null")
    server_ms = float(response.getheader("X-Bench-Server-Ms") or 0)
    cpu_ms = float(response.getheader("X-Bench-Cpu-Ms") or 0)
    return response.status, server_ms, cpu_ms, data


def light_request(method: str, path: str, token: str, body: Any = None, key: str = "") -> bytes:
    """One HTTP/1.1 request as bytes, built before the run (`LightConnection`)."""
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}", "Accept-Language: en",
            f"Content-Length: {len(data)}"]  # fmt: skip
    if body is not None:
        head.append("Content-Type: application/json")
    if key:
        head.append(f"Idempotency-Key: {key}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data


class LightConnection:
    """A kept HTTP/1.1 connection on a plain socket, for `api-create`: the request is sent as prepared bytes
    and the answer read whole (Content-Length or chunked) and its JSON parsed, with less of the client's
    own CPU than `http.client` (`KZREG_BENCH_API_CLIENT=http` for that one)."""

    def __init__(self, port: int):
        self.port, self.buffer = port, b""
        self.sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return sock

    def _more(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._more()
        taken, self.buffer = self.buffer[:size], self.buffer[size:]
        return taken

    def _line(self) -> bytes:
        while (end := self.buffer.find(b"\r\n")) < 0:
            self._more()
        line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
        return line

    def exchange(self, request: bytes) -> tuple[int, float, Any]:
        """Status, the server's `X-Bench-Server-Ms` and the answer's JSON. A connection the server closes
        after its answer (sync workers, `Connection: close`) is made again for the next request."""
        if self.sock is None:
            self.sock = self._connect()
        self.sock.sendall(request)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._more()
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        self.buffer = self.buffer[end + 4 :]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = self._take(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int(self._line().split(b";")[0], 16):
                parts.append(self._take(size))
                self._take(2)
            self._line()  # the empty trailer
            content = b"".join(parts)
        else:
            raise ConnectionError(f"an answer without its length: {lines[0]}")
        if headers.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = None
        return (
            int(lines[0].split(" ", 2)[1]),
            float(headers.get("x-bench-server-ms") or 0),
            json.loads(content or b"null"),
        )


def deep_cursors() -> dict[str, str]:
    """`after` cursors for page 1000 (after row 50,000) of the big reseller's list in three sorts, made the
    way the API makes them (`kzreg.api.pages`; this process shares the server's secret through its data
    folder). Empty when the tree has no keyset pages (an older tree: those shapes are skipped)."""
    try:
        from kzreg.api.pages import encode_cursor
    except ImportError:
        return {}
    from kzreg.registrar.access import services_visible_to
    from kzreg.resellers.models import Reseller
    from registrar_lists import reseller_user

    rows = services_visible_to(reseller_user(Reseller.objects.get(handle=BIG)))
    at = 1000 * 50 - 1
    newest = rows.order_by("-id").values_list("id", flat=True)[at]
    name, name_id = rows.order_by("name").values_list("name", "id")[at]
    expiry, expiry_id = (
        rows.filter(expires_at__isnull=False).order_by("expires_at", "id").values_list("expires_at", "id")[at]
    )
    return {"-id": encode_cursor("-id", newest, newest), "name": encode_cursor("name", name, name_id),
            "expires_at": encode_cursor("expires_at", expiry, expiry_id)}  # fmt: skip


def list_shapes() -> dict[str, str]:
    """The query shapes: those of the API before keyset pages (with `include_total=true` where the old
    API counted on every page; an older tree ignores the parameter and counts anyway), then the keyset
    shapes a client walks with now."""
    import datetime as dt
    from urllib.parse import quote

    today = dt.date.today()
    month = (today + dt.timedelta(days=30)).isoformat()
    days = f"expires_after={today.isoformat()}&expires_before={month}"
    cursors = deep_cursors()
    shapes = {
        "first page (newest first) + total": "include_total=true",
        "page 1000 (offset 50,000) + total": "offset=50000&include_total=true",
        "name contains 'nur' + total": "name_contains=nur&include_total=true",
        "name contains 'ab' + total": "name_contains=ab&include_total=true",
        "status serverHold + total": "status=serverHold&include_total=true",
        "expiring in 30 days + total": f"{days}&include_total=true",
        "contains 'a' + ok + 30 days + total": f"name_contains=a&status=ok&{days}&include_total=true",
        "first page (newest first)": "",
        "page 1000 (offset 50,000)": "offset=50000",
        "name contains 'nur'": "name_contains=nur",
        "status serverHold": "status=serverHold",
        "expiring in 30 days": days,
        "contains 'nur' + ok + 30 days": f"name_contains=nur&status=ok&{days}",
        "first page, by name": "sort=name",
        "first page, by expiry": "sort=expires_at",
        "expiring in 30 days, by expiry": f"{days}&sort=expires_at",
        "name contains 'nur', by name": "name_contains=nur&sort=name",
    }
    if cursors:
        shapes.update({
            "page 1000 (after cursor), newest first": f"after={quote(cursors['-id'])}",
            "page 1000 (after cursor), by name": f"sort=name&after={quote(cursors['name'])}",
            "page 1000 (after cursor), by expiry": f"sort=expires_at&after={quote(cursors['expires_at'])}",
        })  # fmt: skip
    from registrar_lists import API_CYRILLIC  # parts of Cyrillic names (issue 12)

    return shapes | API_CYRILLIC


def run_lists(port: int, token: str, repeat: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    print(f"api lists: GET /api/v1/domains as {BIG}'s administrator, {repeat} calls per shape; {steal_and_pace()}")
    for label, query in list_shapes().items():
        path = "/api/v1/domains" + (f"?{query}" if query else "")
        status, _, _, data = call(conn, "GET", path, token)  # warm
        if status != 200:
            print(f"  {label:40s} HTTP {status} {str(data)[:160]}")
            continue
        server, cpu = [], []
        for _ in range(repeat):
            _, spent, spent_cpu, data = call(conn, "GET", path, token)
            server.append(spent)
            cpu.append(spent_cpu)
        total = data.get("total")
        print(f"  {label:40s} total {'-' if total is None else total:>7}  server p50 {percentile(server, 0.5):7.1f}  "
              f"p95 {percentile(server, 0.95):7.1f}  p99 {percentile(server, 0.99):7.1f} ms  "
              f"(CPU p50 {percentile(cpu, 0.5):.1f} ms)")  # fmt: skip


DATABASE_COUNTERS = ("xact_commit", "xact_rollback", "blks_hit", "blks_read", "tup_returned", "tup_fetched",
                     "tup_inserted", "tup_updated", "tup_deleted")  # fmt: skip
TABLE_COUNTERS = ("seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins", "n_tup_upd", "n_tup_hot_upd",
                  "n_tup_del")  # fmt: skip


def pg_counters() -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """This database's `pg_stat_database` counters and each table's `pg_stat_user_tables` ones (with its
    live and dead rows now). Backends send their counts at most once a second and when idle for ~10 s, so
    read after the run has been quiet that long."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            f"SELECT {', '.join(DATABASE_COUNTERS)} FROM pg_stat_database WHERE datname = current_database()"
        )
        database = dict(zip(DATABASE_COUNTERS, (int(v or 0) for v in cursor.fetchone()), strict=True))
        cursor.execute(f"SELECT relname, {', '.join(TABLE_COUNTERS)}, n_live_tup, n_dead_tup FROM pg_stat_user_tables")
        tables = {
            row[0]: dict(
                zip((*TABLE_COUNTERS, "n_live_tup", "n_dead_tup"), (int(v or 0) for v in row[1:]), strict=True)
            )
            for row in cursor.fetchall()
        }
    return database, tables


def print_pg_deltas(before: tuple[dict[str, int], dict[str, dict[str, int]]], n: int) -> None:
    after = pg_counters()
    per = {k: (after[0][k] - before[0][k]) / n for k in DATABASE_COUNTERS}
    print("  database per create: " + ", ".join(f"{k} {v:,.1f}" for k, v in per.items()))
    for table, counts in sorted(after[1].items()):
        old = before[1].get(table, dict.fromkeys(counts, 0))
        moved = {k: (counts[k] - old[k]) / n for k in TABLE_COUNTERS if counts[k] != old[k]}
        if moved:
            print(f"  {table:34s} " + ", ".join(f"{k} {v:,.2f}" for k, v in moved.items())
                  + f"; now live {counts['n_live_tup']:,}, dead {counts['n_dead_tup']:,}")  # fmt: skip


class WaitSampler(threading.Thread):
    """Samples the wait events of this database's active backends (other than its own) every `every` s."""

    def __init__(self, every: float = 0.02):
        super().__init__(daemon=True)
        self.every, self.stop, self.samples = every, threading.Event(), 0
        self.seen: dict[str, int] = {}

    def run(self) -> None:
        import psycopg
        from django.db import connection

        settings = connection.settings_dict
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
                             dbname=settings["NAME"], autocommit=True) as conn:  # fmt: skip
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity "
                    "WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()"
                ).fetchall()
                self.samples += 1
                for (what,) in rows:
                    self.seen[what] = self.seen.get(what, 0) + 1
                time.sleep(self.every)

    def report(self) -> str:
        total = sum(self.seen.values()) or 1
        top = sorted(self.seen.items(), key=lambda kv: -kv[1])[:8]
        return (f"{self.samples} samples, mean active backends {total / max(self.samples, 1):.2f}: "
                + ", ".join(f"{k} {v / total:.0%}" for k, v in top))  # fmt: skip


def context_switches(pid: int) -> tuple[int, int]:
    """Voluntary (waits: sockets, the database, the GIL, locks) and involuntary (preempted) context switches
    of every thread of gunicorn's arbiter and workers so far."""
    voluntary = involuntary = 0
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for process in (pid, *map(int, children)):
        for task in Path(f"/proc/{process}/task").iterdir():
            try:
                for line in (task / "status").read_text().splitlines():
                    if line.startswith("voluntary_ctxt_switches"):
                        voluntary += int(line.split()[1])
                    elif line.startswith("nonvoluntary_ctxt_switches"):
                        involuntary += int(line.split()[1])
            except OSError:  # a thread that ended meanwhile
                continue
    return voluntary, involuntary


def workers_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of gunicorn's arbiter and of each worker: how evenly the workers share the calls."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {pid: proc_cpu(pid), **{int(child): proc_cpu(int(child)) for child in children}}


def run_creates(port: int, token: str, server_pid: int, clients: int, count: int) -> None:
    _big, customers, hosts = workload()
    run = "ra" + uuid.uuid4().hex[:6]
    results: list[tuple[list[float], dict[int, int]]] = []
    ready, go = threading.Barrier(clients + 1), threading.Event()

    light = os.environ.get("KZREG_BENCH_API_CLIENT", "light") == "light"

    def body_of(n: int, i: int) -> dict[str, Any]:
        return {"name": f"{run}-{n}-{i}.kz", "years": 1, "customer_id": customers[(n * count + i) % len(customers)],
                "nameservers": hosts, "location": LOCATION}  # fmt: skip

    def client(n: int) -> None:
        spent, codes = [], {}
        if light:  # the requests built before the start; each answer still read whole and checked
            conn_light = LightConnection(port)
            conn_light.exchange(light_request("GET", "/api/v1/domains?limit=1", token))  # warm
            requests = [light_request("POST", "/api/v1/domains", token, body_of(n, i), uuid.uuid4().hex)
                        for i in range(count)]  # fmt: skip
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            call(conn, "GET", "/api/v1/domains?limit=1", token)  # the connection and a worker thread are warm
        ready.wait()
        go.wait()
        for i in range(count):
            if light:
                status, server_ms, data = conn_light.exchange(requests[i])
                if status == 201 and data.get("domain") != f"{run}-{n}-{i}.kz":
                    status = 599  # an answer for another request: counted as a failure
            else:
                status, server_ms, _, data = call(conn, "POST", "/api/v1/domains", token, body_of(n, i),
                                                  key=uuid.uuid4().hex)  # fmt: skip
            spent.append(server_ms)
            codes[status] = codes.get(status, 0) + 1
            if status >= 400 and codes[status] == 1:
                print(f"  HTTP {status}: {str(data)[:300]}")
        results.append((spent, codes))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    stats = os.environ.get("KZREG_BENCH_API_PGSTATS") == "1"
    if stats:
        time.sleep(11)  # the warm-up's counts reach the statistics first (a backend reports when idle)
    counters, sampler = (pg_counters(), WaitSampler()) if stats else (None, None)
    pids = backend_pids()
    pg_before, web_before = cpu_of(pids), tree_cpu(server_pid)
    workers_before, switches_before = workers_cpu(server_pid), context_switches(server_pid)
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if sampler:
        sampler.start()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if sampler:
        sampler.stop.set()
        sampler.join()
    (pg, backends), web_after = backends_cpu_since(pg_before), tree_cpu(server_pid)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    spent = [x for s, _ in results for x in s]
    codes: dict[int, int] = {}
    for _, c in results:
        for code, k in c.items():
            codes[code] = codes.get(code, 0) + k
    n = len(spent)
    own = own_after.ru_utime + own_after.ru_stime - own_before.ru_utime - own_before.ru_stime
    print(f"api create: {n} POST /api/v1/domains from {clients} clients in {elapsed:.2f} s = {n / elapsed:,.1f}/s; "
          f"HTTP {codes} ({'light' if light else 'http.client'} client); server time p50 {percentile(spent, 0.5):.1f}, p95 {percentile(spent, 0.95):.1f} ms")  # fmt: skip
    web = web_after - web_before
    print(f"api create: CPU per create: client {own / n * 1000:.2f} ms, web server {web / n * 1000:.2f} "
          f"ms, PostgreSQL {pg / n * 1000:.2f} ms ({backends} backends), all {(own + web + pg) / n * 1000:.2f} ms "
          f"(200/s on two cores needs ≤ 10); {steal_and_pace()}")  # fmt: skip
    split = {pid: cpu - workers_before.get(pid, 0.0) for pid, cpu in workers_cpu(server_pid).items()}
    switches = [after - before for after, before in zip(context_switches(server_pid), switches_before, strict=True)]
    print(f"  web server CPU by process: {', '.join(f'{cpu:.2f} s' for cpu in split.values())}; context switches "
          f"per create: {switches[0] / n:.1f} voluntary, {switches[1] / n:.1f} involuntary")  # fmt: skip
    if sampler and counters:
        print(f"  wait events of active backends: {sampler.report()}")
        time.sleep(12)  # the backends report their counts when idle
        print_pg_deltas(counters, n)


def run(what: str, workers: int, threads: int, repeat: int, clients: int, count: int) -> None:
    token = api_token()
    epp: subprocess.Popen[bytes] | None = None
    extra: dict[str, str] = {}
    if os.environ.get("KZREG_BENCH_API_CONNECTION") == "epp":
        epp, extra = epp_registry()
    from django import db

    db.connections.close_all()
    server, port = start_web(workers, threads, extra)
    try:
        reuse = ", a listening socket per worker" if os.environ.get("KZREG_BENCH_API_REUSE_PORT", "0") == "1" else ""
        kind = os.environ.get("KZREG_BENCH_API_WORKER_CLASS") or "balanced"
        print(f"gunicorn: {workers} {kind} worker(s) × {threads} thread(s){reuse} on 127.0.0.1:{port}; registry connection "
              f"{extra.get('KZREG_REGISTRY_CONNECTION', 'local')}")  # fmt: skip
        if what == "api-lists":
            run_lists(port, token, repeat)
        else:
            epp_before = tree_cpu(epp.pid) if epp else 0.0
            run_creates(port, token, server.pid, clients, count)
            if epp:
                print(
                    f"api create: EPP server CPU per create {(tree_cpu(epp.pid) - epp_before) / (clients * count) * 1000:.2f} ms"
                )
    finally:
        server.terminate()
        server.wait(timeout=15)
        if epp is not None:
            epp.terminate()
            epp.wait(timeout=15)


def run_calls(count: int, only: str = "", wsgi: bool = False) -> None:
    """`count` domain infos and `count // 4` creates through the test client, and `count // 4` orders placed
    directly as a create places them (the API layer's cost is a create's minus an order's); CPU, wall and
    statements, and (PostgreSQL) the database's CPU per call. `only` (info, create, order or layer: a
    create whose order is stubbed by one already done, the API layer alone) runs one of them; `BENCH_CALLGRIND=1` under `valgrind --tool=callgrind --instr-atstart=no` counts only the timed
    calls (instructions / calls = per call). `wsgi`: the calls go to kzreg's WSGI application as a web
    server would call it (`WsgiClient`) instead of through Django's test client, whose own bookkeeping is not the server's."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kzreg.registrar.models import Service

    token = api_token()
    _big, customers, hosts = workload()
    name = Service.objects.filter(reseller_id=_big).order_by("-id").values_list("name", flat=True).first()
    client: Any = (WsgiClient if wsgi else Client)(
        SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en"
    )
    run = "rc" + uuid.uuid4().hex[:6]

    def info(i: int) -> Any:
        return client.get(f"/api/v1/domains/{name}")

    def create(i: int) -> Any:
        body = {"name": f"{run}-{i}.kz", "years": 1, "customer_id": customers[i % len(customers)],
                "nameservers": hosts, "location": LOCATION}  # fmt: skip
        return client.post("/api/v1/domains", json.dumps(body), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)  # fmt: skip

    seller, connection_of = order_seller(token)

    def order(i: int) -> Any:
        """The order alone, as `POST /api/v1/domains` places it (the same seller, the kept local registry
        connection, the same arguments): a create's cost minus this one's is the API layer's."""
        from kzreg.registrar.actions import order_create

        with connection_of() as conn:
            placed = order_create(conn, seller, name=f"{run}-o{i}.kz", years=1, customer_id=customers[i % len(customers)],
                                  nameservers=hosts, location=dict(LOCATION), key=uuid.uuid4().hex,
                                  admin_customer_id=None, auto_renew=False)  # fmt: skip
        return Answered(201 if placed.state == "done" else 500, placed)

    done: list[Any] = []

    def layer(i: int) -> Any:
        """A create with the order replaced by one already done (the API layer alone: token, count and
        claim, body, access, the key's answer, the response — no order, no charge, no registry)."""
        from kzreg.registrar import actions
        from kzreg.registrar.models import Order

        if not done:  # read once, in the warm-up call
            done.append(Order.objects.filter(kind="create", state="done").order_by("-id").first())
        place, actions.order_create = actions.order_create, lambda *args, **kwargs: done[0]  # type: ignore[assignment]
        try:
            return create(i)
        finally:
            actions.order_create = place  # type: ignore[method-assign]

    sent_to_postgresql = count_postgresql_statements()
    callgrind = os.environ.get("BENCH_CALLGRIND") == "1"  # under valgrind --tool=callgrind --instr-atstart=no
    via = "WSGI application" if wsgi else "test client"
    print(f"api calls in process ({connection.vendor}, {via}); {steal_and_pace()}")
    for kind, label, call_one, n, ok in (
        ("info", "GET /domains/{name}", info, count, 200),
        ("create", "POST /domains", create, count // 4, 201),
        ("order", "order_create alone", order, count // 4, 201),
        ("layer", "POST /domains, no order", layer, count // 4, 201),
    ):
        if only and only != kind:
            continue
        assert call_one(-1).status_code == ok  # warm
        cpu, wall, statements, sent = [], [], [], []
        pg_before = own_backends_cpu()
        if callgrind:
            subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
        for i in range(n):
            before = sent_to_postgresql[0]
            with CaptureQueriesContext(connection) as captured:
                started, thread = time.perf_counter(), time.thread_time()
                response = call_one(i)
                cpu.append((time.thread_time() - thread) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
            assert response.status_code == ok, getattr(response, "content", response)[:300]
            statements.append(len(captured.captured_queries))
            sent.append(sent_to_postgresql[0] - before)
        if callgrind:
            subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
        every = ""
        if connection.vendor == "postgresql":
            pg = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in own_backends_cpu().items())
            every = f", all statements {percentile(sent, 0.5):.0f}, PostgreSQL CPU per call {pg / n * 1000:.2f} ms"
        print(f"  {label:22s} {n:4d} calls: CPU per call p50 {percentile(cpu, 0.5):6.2f} mean {sum(cpu) / n:6.2f} ms, "
              f"wall p50 {percentile(wall, 0.5):6.1f} ms, statements {percentile(statements, 0.5):.0f}{every}")  # fmt: skip


def own_backends_cpu() -> dict[int, float]:
    """CPU seconds of this process's own PostgreSQL backends (every connection it holds to the database,
    by client port), so `calls` prints what the database spent per call too ({} on SQLite)."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return {}
    pids = set()
    for alias in connections:
        if connections[alias].connection is not None and connections[alias].vendor == "postgresql":
            pids.add(int(connections[alias].connection.info.backend_pid))
    return {pid: proc_cpu(pid) for pid in pids}


class WsgiClient:
    """The calls as a web server makes them: an environ to `kzreg.config.wsgi.application`, the body read
    to its end and the response closed (which sends `request_finished`)."""

    def __init__(self, **defaults: str):
        from kzreg.config.wsgi import application

        self.application, self.defaults = application, defaults

    def request(self, method: str, path: str, body: bytes = b"", **headers: str) -> Any:
        import io

        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
            **self.defaults, **headers,
        }  # fmt: skip
        environ.setdefault("HTTP_HOST", environ["SERVER_NAME"])
        status: list[str] = []
        chunks = self.application(environ, lambda line, _headers, _exc=None: status.append(line))
        try:
            content = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return Answered(int(status[0].split()[0]), None, content)

    def get(self, path: str, **headers: str) -> Any:
        return self.request("GET", path, **headers)

    def post(self, path: str, data: str, content_type: str, **headers: str) -> Any:
        return self.request("POST", path, data.encode(), CONTENT_TYPE=content_type, **headers)


class Answered:
    """What `order` gives back in place of a response: the status an API create would answer."""

    def __init__(self, status_code: int, order: Any, content: bytes = b""):
        self.status_code, self.content = status_code, content or str(getattr(order, "answer", "")).encode()


def order_seller(token: str) -> tuple[Any, Any]:
    """The seller the token's user acts as, and the API's own registry connection for it (kept per
    registrar and caller, `api.endpoints.common.registry`)."""
    from kzreg.api.auth import Caller
    from kzreg.api.endpoints.common import Acting, registry
    from kzreg.api.tokens import verify

    found = verify(token)
    acting = Acting(Caller(found, found.user, frozenset()))
    return acting.seller, lambda: registry(acting)


def count_postgresql_statements() -> list[int]:
    """Every statement sent through psycopg (Django's cursors and the plain-statement modules' own,
    which Django's query log does not see; in a pipeline each counts, not the round trip), as a counter."""
    import psycopg

    sent = [0]
    execute = psycopg.Cursor.execute

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent[0] += 1
        return execute(self, *args, **kwargs)

    psycopg.Cursor.execute = counted  # type: ignore[method-assign]
    return sent


def run_plans(repeat: int) -> None:
    """Per list shape: statements, pages touched (shared hit + read) and execution ms, summed over the
    shape's SELECTs; the median of `repeat` EXPLAIN ANALYZE runs of each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {api_token()}", HTTP_ACCEPT_LANGUAGE="en")
    print(f"api list plans ({connection.vendor}): pages touched and execution ms of each shape's SELECTs")
    for label, query in list_shapes().items():
        path = "/api/v1/domains" + (f"?{query}" if query else "")
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            print(f"  {label:40s} HTTP {response.status_code}")
            continue
        selects = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
        pages, spent = 0, 0.0
        with connection.cursor() as cursor:
            for sql in selects:
                runs = []
                for _ in range(repeat):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
                    top = plan["Plan"]
                    runs.append(
                        (top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0), plan["Execution Time"])
                    )
                pages += sorted(r[0] for r in runs)[len(runs) // 2]
                spent += sorted(r[1] for r in runs)[len(runs) // 2]
        print(f"  {label:40s} {len(selects)} SELECTs  pages {pages:7,d}  execution {spent:7.1f} ms")


if __name__ == "__main__":
    import argparse

    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    parser = argparse.ArgumentParser(description="the reseller API's own cost per call, in process")
    parser.add_argument("what", choices=("calls", "plans"))
    parser.add_argument("--count", type=int, default=200, help="calls (calls)")
    parser.add_argument(
        "--only",
        choices=("info", "create", "order", "layer"),
        default="",
        help="one kind of call (calls); order: the order alone, as a create places it; layer: a create "
        "whose order is one already done (the API layer alone; run after creates)",
    )
    parser.add_argument("--wsgi", action="store_true", help="calls to the WSGI application, not the test client")
    parser.add_argument("--repeat", type=int, default=5, help="EXPLAIN ANALYZE runs per statement (plans)")
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    os.environ.setdefault("KZREG_LOG_LEVEL", "WARNING")
    os.environ["KZREG_API_RATE_PER_MINUTE"] = "100000000"
    import django

    django.setup()
    if arguments.what == "calls":
        run_calls(arguments.count, arguments.only, arguments.wsgi)
    else:
        run_plans(arguments.repeat)
