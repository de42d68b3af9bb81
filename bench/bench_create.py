"""Domain creates per second through `create_domain`, single process (issue 2: at least 500/s).

    python bench/bench_create.py [N] [--profile]          # SQLite in KZREG_DATA_DIR (migrated if fresh)
    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_bench python bench/bench_create.py

Realistic requests: name servers that already exist, the administrative contact by handle, the holder
by handle for most domains (a returning customer) and as new data for the rest (30%: a new contact with a
new handle, since each run draws from its own seed). A database with fewer
than 1,000 domains is first filled by the bulk loader, so lookups run against a registry with data.
`--profile` prints where the time goes (cProfile, top 30 by cumulative time; BENCH_SORT=tottime and
BENCH_TOP=N change that).
`--batch K` commits K creates per transaction, each create still its own operation in a savepoint (a
registrar's batch request): it shows what durable per-create commits cost where an fsync is slow.
`--threads T` runs the creates in T threads of this one process, each with its own connection, as the
web server's threads do: on PostgreSQL one thread's Python runs while another waits for the server
and its commit, which one thread alone can never overlap.
On PostgreSQL it also prints the CPU time of the server processes that did the work, and on Linux the
share of the vCPUs the host gave to others during the run ("steal"), and the "machine pace" before and
after it (a fixed Python loop's time): on a shared VM runs with steal or a slow pace are slower, old code
and new alike.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import threading
import time


def backend_cpu_seconds(connection) -> float:
    """CPU time so far of this thread's PostgreSQL backend process (same machine), from /proc; 0 elsewhere."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def hot_rows_note(connection) -> str:
    """The state that makes a charge's PostgreSQL CPU drift between runs: the heap pages of billing_account
    (every charge updates two of its rows; a page of dead versions that cannot be pruned yet grows the table
    and every lookup of those rows walks them) and the oldest open transaction on the whole cluster (its
    snapshot, in any database, keeps those versions from being pruned). Empty off PostgreSQL."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('billing_account') / current_setting('block_size')::int, "
            "COALESCE(EXTRACT(EPOCH FROM max(clock_timestamp() - xact_start)), 0) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)"
        )
        pages, oldest = cursor.fetchone()
    return f"billing_account {int(pages)} pages, oldest open transaction {float(oldest):.0f} s"


def cpu_times() -> list[int]:
    """The machine's CPU counters (user, nice, system, idle, iowait, irq, softirq, steal) from /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            return [int(x) for x in stat.readline().split()[1:9]]
    except OSError:
        return []


def steal_share(before: list[int], after: list[int]) -> str:
    """The share of the vCPUs the host took for others meanwhile: on a shared VM every figure falls with it."""
    if not before or not after:
        return ""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return f"; host steal {100 * spent[7] / max(1, sum(spent)):.0f}%"


def machine_pace() -> float:
    """Milliseconds for a fixed piece of pure Python (best of five): the VM's speed drifts with its
    host's other tenants, by a third or more within minutes, without showing as steal; printed before
    and after a run so that runs can be told apart."""

    def work() -> int:
        table: dict[int, str] = {}
        for i in range(200_000):
            table[i % 1000] = str(i) + "x"
        return len(table)

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--seed", type=int, help="random seed of the requests (default: the number of domains, new every run)"
    )
    parser.add_argument("--batch", type=int, default=1, help="creates per transaction (default 1)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads in this one process, each with its own connection (default 1)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from kzreg.core.actor import Actor, Channel, Role
    from kzreg.demo import names, people
    from kzreg.demo.bulk import bulkload
    from kzreg.demo.parties import ensure_registrar
    from kzreg.registry import commands as c
    from kzreg.registry.models import Contact, Domain, Host
    from kzreg.registry.operations import create_domain

    call_command("migrate", interactive=False, verbosity=0)
    if Domain.objects.count() < 1000:
        bulkload(1000, seed=99, out=lambda line: None)
    registrar = ensure_registrar()
    actor = Actor("bench", Role.REGISTRAR, Channel.API, registrar_id=registrar.id)
    # A seed of its own for every run, so that the holders given as data are new customers each time
    # (with one fixed seed every run after the first would find them all as existing contacts, R7).
    rnd = random.Random(args.seed if args.seed is not None else Domain.objects.count())
    handles = list(Contact.objects.order_by("-id").values_list("handle", flat=True)[:5000])
    hosts = list(Host.objects.filter(name__startswith="ns").order_by("name").values_list("name", flat=True)[:200])
    pairs = [hosts[i : i + 2] for i in range(0, len(hosts) - 1, 2)]
    source = names.NameSource(rnd, Domain.objects.filter(deleted_at__isnull=True).values_list("name", flat=True))
    location = c.Location("пр. Абая, 10", "Алматы", "г. Алматы")
    requests = []
    for _ in range(args.count):
        holder = rnd.choice(handles) if rnd.random() < 0.7 else people.role(rnd, rnd.getrandbits(40))
        requests.append(
            c.CreateDomain(
                name=source.next()[1], period=rnd.choice((1, 1, 2, 5)), registrant=holder,
                admin=rnd.choice(handles), nameservers=tuple(c.NameServer(h) for h in rnd.choice(pairs)),
                location=location,
            )
        )  # fmt: skip

    # The name source holds every registered name (a million strings on a big database): a registry
    # process holds nothing like it, and Python's cycle collector would walk it again and again during
    # the run, so it goes, and what is left of the set-up is frozen out of the collector's way.
    del source
    gc.collect()
    gc.freeze()

    server_cpu: list[float] = []

    def run(part: list) -> None:
        started_cpu = backend_cpu_seconds(connection)
        if args.batch <= 1:
            for command in part:
                create_domain(command, actor)
        else:
            for start in range(0, len(part), args.batch):
                with transaction.atomic():
                    for command in part[start : start + args.batch]:
                        create_domain(command, actor)
        server_cpu.append(backend_cpu_seconds(connection) - started_cpu)

    def run_in_thread(part: list) -> None:
        try:
            run(part)
        finally:
            connections.close_all()  # this thread's own connection

    pace_before = machine_pace()
    started, cpu_started, machine_started = time.perf_counter(), time.process_time(), cpu_times()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine may be shared
        profiler.runcall(run, requests)
        sort, top = os.environ.get("BENCH_SORT", "cumulative"), int(os.environ.get("BENCH_TOP", "30"))
        pstats.Stats(profiler).sort_stats(sort).print_stats(top)
    elif args.threads <= 1:
        run(requests)
    else:
        workers = [
            threading.Thread(target=run_in_thread, args=(requests[i :: args.threads],)) for i in range(args.threads)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"bench_create: {connection.vendor} ({Domain.objects.count():,} domains in the database), "
        f"batch {args.batch}, threads {args.threads}: {args.count:,} creates in {elapsed:,.1f} s = "
        f"{args.count / elapsed:,.0f} creates/s; client CPU {cpu * 1000 / args.count:.2f} ms/create"
        + (f", server CPU {sum(server_cpu) * 1000 / args.count:.2f} ms/create" if sum(server_cpu) else "")
        + "; "
        f"load average {os.getloadavg()[0]:.2f}"
        + steal_share(machine_started, cpu_times())
        + f"; machine pace {pace_before:.0f} → {machine_pace():.0f} ms (a fixed Python loop; lower is faster)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
