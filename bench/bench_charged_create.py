"""Charged registrations per second, end to end, against the uncharged create path in the same run
(issue 11: at least 300/s on PostgreSQL, and no slower than 80% of the uncharged path).

    KZREG_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kzreg_charged_bench python bench/bench_charged_create.py [N]
        [--block K] [--threads T] [--profile] [--against-after]

Three kinds of create alternate in blocks of K (default 50), so that the machine's drift (a shared VM) falls
on all: its pace swings by half within seconds, and blocks of 250 (half a second or more each, the default
until session 13) left one kind's blocks in a slow spell often enough to move a run's ratio by ±7 points.
Each kind prints creates/s, client CPU and (on PostgreSQL) round trips per create, then the ratios over the
whole run, and the spread of each round's ratio (its blocks side by side: lowest, median, highest):

- **agreed**: the create states the fee it agrees to pay (`fee_agreed`, RFC 8748's <fee:fee> as an EPP
  client sends it; the figure the issue's target is taken on, ADR 0010). Here *quote* means: the registry
  prices that very create in its own transaction (the price in force, or the default fee, read with the
  create's reads and the payer's deposit), compares it with the amount the client agreed to and refuses
  the create (2004) when the agreement is less or in another currency; the fee charged is that price. The
  amount each create states is what a `fees.price` (fee:check, nothing stored) told the client once per
  zone and period before the timing, as an EPP client keeps it. Then, in the same transaction: the balance
  check (the guard's read, and authoritatively the guarded UPDATE), the ledger entries (a transaction, two
  entries, two guarded balance updates) and the registry operation, committed together.
- **quoted**: a stored quote first (`fees.quote`: an id that expires, a request of its own, as the
  registrar wing's and the cabinet's orders do), then the create carrying that quote's id (fee_quote_id),
  in whose transaction the quote is consumed once and charged as above.
- **uncharged**: the same create with the fee guard taken out of `KZREG["OPERATION_GUARDS"]`.

Requests as bench/bench_create.py makes them (existing and new holders, existing name servers).
`--profile` profiles one kind only (cProfile, CPU time; BENCH_KIND: agreed (default), quoted or uncharged;
BENCH_SORT, BENCH_TOP, BENCH_CALLEES: a function name pattern whose callees to print). `--threads T` runs each
block in T threads, each with its own connection. `--against-after` compares quoted creates whose charge is
sent with the writes and COMMIT against quoted creates whose charge is posted in the guard's `after` (as
before session 8). `BENCH_CALLGRIND=agreed` (or `quoted`, `charged` = quoted, `uncharged`) under
`valgrind --tool=callgrind --instr-atstart=no` counts the client's instructions for that kind's creates
only, after BENCH_WARMUP (10) creates that are not counted (the first creates of a process import and
compile what the rest reuse: counted, they added ~2.4 M instructions a create over 100).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import random
import statistics
import sys
import threading
import time
from typing import cast

sys.path.insert(0, os.path.dirname(__file__))
from bench_create import backend_cpu_seconds, hot_rows_note, machine_pace

FEE_GUARD = "kzreg.billing.guard.RegistryFees"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=4000, help="creates of each kind (default 4000)")
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--against-after",
        action="store_true",
        help="compare with charged creates whose charge is posted in the fee guard's `after` (its own round trip "
        "and the COMMIT's), not sent with the writes: the second column is those instead of uncharged creates",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzreg.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from kzreg.billing import fees
    from kzreg.billing.books import open_prepaid, prepaid_account
    from kzreg.billing.money import Money
    from kzreg.billing.payments import record_payment
    from kzreg.core import clock
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
    account = prepaid_account(registrar.id) or open_prepaid(registrar.id, registrar.handle, "USD", clock.now())
    while account.balance_minor < 2 * 100 * 30 * 5 * args.count:  # five years at USD 30, two charged kinds
        record_payment(account, Money.of("1000000.00", account.currency), "bench", clock.now(), "bench top-up")
        account.refresh_from_db()
    actor = Actor("bench", Role.REGISTRAR, Channel.API, registrar_id=registrar.id)
    rnd = random.Random(Domain.objects.count())
    handles = list(Contact.objects.order_by("-id").values_list("handle", flat=True)[:5000])
    hosts = list(Host.objects.filter(name__startswith="ns").order_by("name").values_list("name", flat=True)[:200])
    pairs = [hosts[i : i + 2] for i in range(0, len(hosts) - 1, 2)]
    source = names.NameSource(rnd, Domain.objects.filter(deleted_at__isnull=True).values_list("name", flat=True))
    location = c.Location("пр. Абая, 10", "Алматы", "г. Алматы")

    def request(source: names.NameSource) -> c.CreateDomain:
        holder = rnd.choice(handles) if rnd.random() < 0.7 else people.role(rnd, rnd.getrandbits(40))
        return c.CreateDomain(
            name=source.next()[1], period=rnd.choice((1, 1, 2, 5)), registrant=holder, admin=rnd.choice(handles),
            nameservers=tuple(c.NameServer(h) for h in rnd.choice(pairs)), location=location,
        )  # fmt: skip

    charged = [request(source) for _ in range(args.count)]
    uncharged = [request(source) for _ in range(args.count)]
    plain_agreed = [request(source) for _ in range(args.count)] if not args.against_after else []
    del source
    guards = list(settings.KZREG["OPERATION_GUARDS"])
    if FEE_GUARD not in guards:
        print(f"{FEE_GUARD} is not in KZREG['OPERATION_GUARDS']: nothing would be charged", file=sys.stderr)
        return 2
    without_fees = [g for g in guards if g != FEE_GUARD]

    # What the client was told by a fee:check (`fees.price`, nothing stored) for each zone and period, kept as
    # an EPP client keeps it; each create states it (`fee_agreed`) and the registry prices that create again
    # in its own transaction and refuses it if the statement is less (RFC 8748 §3.4).
    told: dict[tuple[str, int | None], c.AgreedFee] = {}
    for command in plain_agreed:
        key = (command.name.rsplit(".", 1)[-1], command.period)
        if key not in told:
            price = fees.price(key[0], "create", cast(int, key[1]), registrar.id)
            told[key] = c.AgreedFee(price.amount, price.currency)
    agreed = [
        dataclasses.replace(command, fee_agreed=told[(command.name.rsplit(".", 1)[-1], command.period)])
        for command in plain_agreed
    ]
    del plain_agreed
    gc.collect()
    gc.freeze()

    def create_one(command: c.CreateDomain) -> None:  # uncharged, or charged with the fee agreed in it
        create_domain(command, actor)

    def charge_one(command: c.CreateDomain) -> None:  # a stored quote first, then the create that uses it
        quote = fees.quote(command.name.rsplit(".", 1)[-1], "create", cast(int, command.period), registrar.id)
        create_domain(dataclasses.replace(command, fee_quote_id=quote.id), actor)

    from kzreg.billing import guard as fee_guard

    def charge_in_after(command: c.CreateDomain) -> None:
        send, fee_guard.can_send_charge = fee_guard.can_send_charge, lambda account: False
        try:
            charge_one(command)
        finally:
            fee_guard.can_send_charge = send

    def run_block(block: list, one) -> None:
        if args.threads <= 1:
            for command in block:
                one(command)
            return

        def worker(part: list) -> None:
            try:
                for command in part:
                    one(command)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(block[i :: args.threads],)) for i in range(args.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # kind → (its requests, how one is made, the guards in force)
    kinds: dict[str, tuple[list, object, list[str]]] = {"uncharged": (uncharged, create_one, without_fees)}
    if args.against_after:
        kinds = {"charged in after": (uncharged, charge_in_after, guards)}
    else:
        kinds["agreed"] = (agreed, create_one, guards)
    kinds["quoted"] = (charged, charge_one, guards)

    callgrind = os.environ.get("BENCH_CALLGRIND", "")  # under valgrind --tool=callgrind --instr-atstart=no
    if callgrind in ("charged", "quoted", "agreed", "uncharged"):  # instructions counted for that kind only
        import subprocess

        block, one, guard_list = kinds["quoted" if callgrind == "charged" else callgrind]
        settings.KZREG["OPERATION_GUARDS"] = guard_list
        # The first creates of a process import, compile and prepare what the rest reuse (about 2.4 M
        # instructions a create over 100): BENCH_WARMUP of them run before counting (10 by default).
        warmup = int(os.environ.get("BENCH_WARMUP", "10"))
        run_block(block[:warmup], one)
        subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
        run_block(block[warmup:], one)
        subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
        counted = len(block[warmup:])
        print(f"bench_charged_create: {counted} {callgrind} creates counted (callgrind_annotate: PROGRAM TOTALS)")
        return 0

    if args.profile:
        import cProfile
        import pstats

        block, one, guard_list = kinds[os.environ.get("BENCH_KIND", "agreed")]
        settings.KZREG["OPERATION_GUARDS"] = guard_list
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(run_block, block, one)
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("BENCH_TOP", "30")))
        if os.environ.get("BENCH_CALLEES"):  # a function name pattern: what it spends its time on
            stats.print_callees(os.environ["BENCH_CALLEES"])
        return 0

    totals = {kind: [0.0, 0.0, 0.0] for kind in kinds}  # wall, client CPU, PostgreSQL CPU (one thread only)
    trips = dict.fromkeys(kinds, 0)
    counter = _RoundTrips() if connection.vendor == "postgresql" else None
    pace = machine_pace()
    hot_before = hot_rows_note(connection)
    entries_before = _count(connection, "billing_entry")
    rounds: list[dict[str, float]] = []  # each round's wall time per kind
    for start in range(0, args.count, args.block):
        rounds.append({})
        for kind, (requests, one, guard_list) in kinds.items():
            settings.KZREG["OPERATION_GUARDS"] = guard_list
            server = backend_cpu_seconds(connection) if args.threads <= 1 else 0.0  # before counting round trips
            before = counter.count if counter else 0
            wall, cpu = time.perf_counter(), time.process_time()
            run_block(requests[start : start + args.block], one)
            rounds[-1][kind] = time.perf_counter() - wall
            totals[kind][0] += rounds[-1][kind]
            totals[kind][1] += time.process_time() - cpu
            trips[kind] += (counter.count if counter else 0) - before
            if args.threads <= 1:
                totals[kind][2] += backend_cpu_seconds(connection) - server
    settings.KZREG["OPERATION_GUARDS"] = guards
    charges = (_count(connection, "billing_entry") - entries_before) // 2
    rate = {kind: args.count / wall for kind, (wall, _, _) in totals.items()}
    base = "charged in after" if args.against_after else "uncharged"
    figures = ", ".join(
        f"{kind} {rate[kind]:,.0f}/s (client CPU {totals[kind][1] * 1000 / args.count:.2f} ms"
        + (f", PostgreSQL CPU {totals[kind][2] * 1000 / args.count:.2f} ms" if totals[kind][2] else "")
        + (f", {trips[kind] / args.count:.2f} round trips" if counter else "")
        + ")"
        for kind in kinds
    )
    ratios = ", ".join(f"{kind}/{base} {100 * rate[kind] / rate[base]:.0f}%" for kind in kinds if kind != base)
    spread = ", ".join(
        "{} per round {:.0f}–{:.0f}–{:.0f}%".format(kind, *_low_median_high([100 * r[base] / r[kind] for r in rounds]))
        for kind in kinds
        if kind != base
    )
    print(
        f"bench_charged_create: {connection.vendor}, {Domain.objects.count():,} domains, threads {args.threads}, "
        f"blocks of {args.block}: {figures}; {ratios} ({spread}); {charges:,} charges posted; "
        f"load average {os.getloadavg()[0]:.2f}; machine pace {pace:.0f} → {machine_pace():.0f} ms"
        + (f"; before: {hot_before}; after: {hot_rows_note(connection)}" if hot_before else "")
    )
    charged_kinds = sum(1 for kind in kinds if kind != "uncharged")
    return 0 if charges == args.count * charged_kinds else 1


class _RoundTrips:
    """Counts round trips to PostgreSQL (psycopg 3): each pipeline Sync, each statement sent outside a
    pipeline, each COMMIT that is sent (one whose transaction is not already ended by a queued COMMIT)."""

    def __init__(self) -> None:
        import psycopg
        from psycopg import pq
        from psycopg._pipeline_base import BasePipeline

        self.count = 0
        sync, execute, commit = BasePipeline._enqueue_sync, psycopg.Cursor.execute, psycopg.Connection.commit
        idle = pq.TransactionStatus.IDLE

        def counted_sync(pipeline):  # type: ignore[no-untyped-def]
            self.count += 1
            return sync(pipeline)

        def counted_execute(cursor, *args, **kwargs):  # type: ignore[no-untyped-def]
            if cursor._conn._pipeline is None:
                self.count += 1
            return execute(cursor, *args, **kwargs)

        def counted_commit(conn):  # type: ignore[no-untyped-def]
            if conn.pgconn.transaction_status != idle:
                self.count += 1
            return commit(conn)

        BasePipeline._enqueue_sync = counted_sync
        psycopg.Cursor.execute = counted_execute
        psycopg.Connection.commit = counted_commit


def _low_median_high(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return ordered[0], statistics.median(ordered), ordered[-1]


def _count(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    raise SystemExit(main())
