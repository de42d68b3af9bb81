"""`kzreg demo load` (the demo parties and domains) and `kzreg bulkload` (N domains for benchmarks)."""

from __future__ import annotations

import argparse

from django.core.management import call_command


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="demo data: a registrar, resellers, staff users and ~300 domains")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    load = demo_sub.add_parser("load", help="load the demo data (only into a database without domains)")
    load.add_argument("--force", action="store_true", help="load even if the database already has domains")
    load.set_defaults(func=cmd_demo_load)

    bulk = sub.add_parser("bulkload", help="fill the database with N realistic domains (benchmarks, tests)")
    bulk.add_argument("--domains", type=int, required=True, metavar="N", help="how many domains to add")
    bulk.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
    bulk.add_argument("--batch", type=int, default=50_000, help="domains per transaction (default 50000)")
    bulk.set_defaults(func=cmd_bulkload)


def cmd_demo_load(args: argparse.Namespace) -> int:
    from kzreg.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    try:
        load_demo(force=args.force)
    except RuntimeError as exc:  # an operation refused demo data: nothing was loaded
        print(f"error: {exc}")
        return 1
    return 0


def cmd_bulkload(args: argparse.Namespace) -> int:
    from kzreg.demo.bulk import bulkload

    if args.domains < 1 or args.batch < 1:
        print("error: --domains and --batch must be at least 1")
        return 2
    call_command("migrate", interactive=False, verbosity=0)
    stats = bulkload(args.domains, seed=args.seed, batch=args.batch)
    print(
        f"bulkload: added {stats.domains:,} domains, {stats.contacts:,} contacts, {stats.hosts:,} hosts, "
        f"{stats.links:,} name-server links, {stats.statuses:,} status periods, {stats.history:,} history rows "
        f"in {stats.seconds:,.1f} s ({stats.rate:,.0f} domains/s)"
    )
    return 0
