from __future__ import annotations

import argparse
import logging


def register(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="run the deadline and outbox jobs")
    worker.add_argument("--once", action="store_true", help="run every job once and exit")
    worker.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from kzreg.worker.loop import run_forever, run_once

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if args.once:
        for name, result in run_once().items():
            print(f"{name}: {result}")
        return 0
    run_forever()
    return 0
