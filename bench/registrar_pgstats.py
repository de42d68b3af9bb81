"""PostgreSQL's side of one registrar order, statement by statement (`bench_registrar.py pgstats`).

Runs `--count` orders (`order_create`, local connection) in one thread after `--warm` ones, with this
process's backend — and only it — logging into the server's log (superuser settings, set for the session):

- `--mode cpu`: every statement's duration and the backend's CPU for it (`log_min_duration_statement = 0`,
  `log_statement_stats`: getrusage per parse, bind and execute message);
- `--mode explain`: `auto_explain` (LOADed for the session) with ANALYZE, BUFFERS and WAL, no timing: each
  statement's rows, shared buffers hit/read/dirtied/written, WAL records, full-page images and bytes.

Then reads the log lines of this backend (`--log`, the cluster's stderr log, `log_line_prefix` with `[%p]`)
and prints a table per statement (grouped by the statement's text, shortened): calls per order, mean ms,
user and system CPU ms, and the explain mode's columns. Also the backend's whole CPU per order
(`/proc/<pid>/stat`, user and system) and the WAL the cluster wrote meanwhile (`pg_current_wal_lsn()`:
the whole cluster's, so only meaningful when nothing else writes). Load-independent enough to compare
trees: CPU per statement, buffers and WAL do not depend on the other processes on the machine.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections import defaultdict

LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] ")


def _cpu(pid: int) -> tuple[float, float]:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def short(sql: str) -> str:
    """A statement's first words, enough to tell the order path's statements apart."""
    text = " ".join(sql.split())
    return text[:110]


def records(path: str, start: int, pid: int) -> list[str]:
    """This backend's log records (a record's continuation lines joined to it) written after `start`."""
    out: list[str] = []
    mine = False
    with open(path, errors="replace") as log:
        log.seek(start)
        for line in log:
            head = LINE.match(line)
            if head:
                mine = int(head.group(1)) == pid
                if mine:
                    out.append(line.rstrip("\n"))
            elif mine and out:
                out[-1] += "\n" + line.rstrip("\n")
    return out


def cpu_table(recs: list[str], orders: int) -> list[tuple[str, float, float, float, float]]:
    """(statement, calls per order, ms per call, user ms per order, system ms per order): each `duration:`
    record counts the statement's time (parse, bind and execute; a call per execute); each `! system usage
    stats` record (a parse, bind or execute message's getrusage) goes to the `STATEMENT:` record after it."""
    usage = re.compile(r"!\s+([\d.]+) s user, ([\d.]+) s system")
    duration = re.compile(r"duration: ([\d.]+) ms\s+(?:(parse|bind|execute) [^:]*|statement): (.*)", re.S)
    per: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    pending: tuple[float, float] | None = None
    for rec in recs:
        body = rec.split("  ", 1)[1] if "  " in rec else rec
        found_u = usage.search(rec)
        if found_u:
            pending = float(found_u.group(1)), float(found_u.group(2))
            continue
        if body.startswith("STATEMENT:") or " STATEMENT:  " in rec:
            if pending is not None:
                row = per[short(rec.split("STATEMENT:", 1)[1])]
                row[2] += pending[0]
                row[3] += pending[1]
                pending = None
            continue
        found_d = duration.search(rec)
        if found_d is None:
            continue
        row = per[short(found_d.group(3))]
        row[0] += 1 if found_d.group(2) in ("execute", None) else 0
        row[1] += float(found_d.group(1))
    table = []
    for sql, (calls, ms, u, s) in per.items():
        table.append((sql, calls / orders, ms / max(calls, 1), u * 1000 / orders, s * 1000 / orders))
    return sorted(table, key=lambda r: -(r[3] + r[4]))


def explain_table(recs: list[str], orders: int) -> list[tuple[str, float, dict[str, float]]]:
    """(statement, calls per order, per-call sums of rows and buffers and WAL) from auto_explain's records."""
    keys = ("hit", "read", "dirtied", "written")
    per: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rec in recs:
        if "Query Text:" not in rec:
            continue
        sql = rec.split("Query Text:", 1)[1].split("\n", 1)[0]
        row = per[short(sql)]
        row["calls"] += 1
        plan = rec.split("\n", 1)[1] if "\n" in rec else ""
        # The top node's Buffers and WAL lines are the statement's totals (they include the children's).
        top_buffers = re.search(r"Buffers: shared ([^\n]*)", plan)
        if top_buffers:
            for key in keys:
                found = re.search(rf"{key}=(\d+)", top_buffers.group(1))
                if found:
                    row[key] += int(found.group(1))
        top_wal = re.search(r"WAL: ([^\n]*)", plan)
        if top_wal:
            for key in ("records", "fpi", "bytes"):
                found = re.search(rf"{key}=(\d+)", top_wal.group(1))
                if found:
                    row["wal_" + key] += int(found.group(1))
        row["trigger_lines"] += len(re.findall(r"Trigger [^\n]*calls=(\d+)", plan))
    out = []
    for sql, row in per.items():
        calls = row.pop("calls")
        out.append((sql, calls / orders, {k: v / calls for k, v in row.items()}))
    return sorted(out, key=lambda r: -r[1])


def run(count: int, warm: int, mode: str, log_path: str) -> None:
    from django.db import connection

    import bench_registrar as br
    from kzreg.registrar.actions import Seller
    from kzreg.resellers.models import Reseller

    big_id, customers, hosts = br.workload()
    seller = Seller(br.HANDLE, Reseller.objects.get(pk=big_id), "regbench")
    conn = br.open_conn("local", 0, "")
    tag = "rp" + uuid.uuid4().hex[:6]
    for i in range(warm):
        br.place(conn, seller, f"{tag}-w{i}.kz", customers[i % len(customers)], hosts)
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        if mode == "cpu":
            cursor.execute("SET log_min_duration_statement = 0")
            cursor.execute("SET log_statement_stats = on")
        else:
            cursor.execute("LOAD 'auto_explain'")
            for setting in ("log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_wal = on",
                            "log_timing = off", "log_nested_statements = on", "log_triggers = on",
                            "log_verbose = off"):  # fmt: skip
                cursor.execute(f"SET auto_explain.{setting}")
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn_before = cursor.fetchone()[0]
    start = os.path.getsize(log_path)
    cpu_before, wall = _cpu(pid), time.perf_counter()
    for i in range(count):
        state = br.place(conn, seller, f"{tag}-{i}.kz", customers[(warm + i) % len(customers)], hosts)
        assert state == "done", state
    wall = time.perf_counter() - wall
    cpu_after = _cpu(pid)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [lsn_before])
        wal = float(cursor.fetchone()[0])
        cursor.execute("RESET ALL")
    time.sleep(0.5)  # the log's writer
    recs = records(log_path, start, pid)
    user = (cpu_after[0] - cpu_before[0]) * 1000 / count
    system = (cpu_after[1] - cpu_before[1]) * 1000 / count
    print(f"pgstats ({mode}): {count} orders, backend {pid}: CPU per order {user:.2f} ms user + {system:.2f} ms "
          f"system (logging on: {'statement stats' if mode == 'cpu' else 'auto_explain'}); wall per order "
          f"{wall * 1000 / count:.1f} ms; cluster WAL {wal / count:,.0f} bytes per order; {br.steal_and_pace()}")  # fmt: skip
    if mode == "cpu":
        table = cpu_table(recs, count)
        tot = [
            sum(r[1] for r in table),
            sum(r[1] * r[2] for r in table),
            sum(r[3] for r in table),
            sum(r[4] for r in table),
        ]
        print(f"  {'calls':>6} {'ms/call':>8} {'user ms':>8} {'sys ms':>7}  statement (per order)")
        for sql, calls, ms, u, s in table:
            print(f"  {calls:6.2f} {ms:8.3f} {u:8.3f} {s:7.3f}  {sql}")
        print(f"  {tot[0]:6.2f} {tot[1]:8.3f} {tot[2]:8.3f} {tot[3]:7.3f}  (all; ms column: statement ms per order)")
        return
    table2 = explain_table(recs, count)
    print(
        f"  {'calls':>6} {'hit':>6} {'read':>5} {'dirt':>5} {'writ':>5} {'walrec':>6} {'fpi':>4} {'walB':>7}  statement"
    )
    for sql, calls, row in table2:
        print(f"  {calls:6.2f} {row.get('hit', 0):6.1f} {row.get('read', 0):5.1f} {row.get('dirtied', 0):5.1f} "
              f"{row.get('written', 0):5.1f} {row.get('wal_records', 0):6.1f} {row.get('wal_fpi', 0):4.1f} "
              f"{row.get('wal_bytes', 0):7.0f}  {sql}")  # fmt: skip
