"""`kzreg whois serve` (the port-43 server) and `kzreg whois query NAME` (one lookup, printed)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from django.conf import settings

from kzreg.whois import config
from kzreg.whois.limits import Limits

LIMIT_OPTIONS = (  # option → setting (kzreg.whois.config); the same for port 43 and the web page
    ("--rate", "RATE", "queries/s per network, 0 = no limit"),
    ("--burst", "BURST", "queries a network may send at once"),
    ("--max-connections", "MAX_CONNECTIONS", "open connections per process"),
    ("--max-per-network", "MAX_PER_NETWORK", "open connections per network (also --max-per-address)"),
    ("--idle-timeout", "IDLE_TIMEOUT", "seconds to send the first byte"),
    ("--busy-idle-timeout", "BUSY_IDLE_TIMEOUT", "the same while over half of --max-connections are open"),
    ("--read-timeout", "READ_TIMEOUT", "seconds to send the whole query line"),
    ("--ipv4-prefix", "IPV4_PREFIX", "IPv4 addresses in one /N are one network (32: each address)"),
    ("--ipv6-prefix", "IPV6_PREFIX", "IPv6 addresses in one /N are one network"),
)


def _env(name: str, default: object) -> str:
    return os.environ.get(f"KZREG_WHOIS_{name}") or str(default)


def register(sub: argparse._SubParsersAction) -> None:
    whois = sub.add_parser("whois", help="the port-43 WHOIS server and lookups (RFC 3912)")
    actions = whois.add_subparsers(dest="whois_command", metavar="ACTION", required=True)

    serve = actions.add_parser("serve", help="serve WHOIS on a TCP port")
    serve.add_argument("--port", type=int, default=settings.WHOIS_PORT, help="default: $KZREG_WHOIS_PORT or 4343")
    serve.add_argument("--bind", default=os.environ.get("KZREG_BIND", "127.0.0.1"))
    serve.add_argument("--workers", type=int, default=int(_env("WORKERS", 1)), help="processes sharing the port")
    serve.add_argument("--reuse-port", action="store_true", help="bind with SO_REUSEPORT (set for --workers > 1)")
    for option, name, text in LIMIT_OPTIONS:
        aliases = ("--max-per-address",) if name == "MAX_PER_NETWORK" else ()
        value = config.default(name)
        serve.add_argument(
            option, *aliases, type=type(value), default=value, help=f"{text} (default: $KZREG_WHOIS_{name} or {value})"
        )
    serve.add_argument("--cache", type=int, default=int(_env("CACHE", 200_000)), help="cached answers per process")
    serve.add_argument("--poll", type=float, default=1.0, help="seconds between checks for changed objects")
    serve.add_argument(
        "--loop", choices=("uvloop", "asyncio"), default=_env("LOOP", "uvloop"), help="event loop (default uvloop)"
    )
    serve.add_argument("--live", action="store_true", help="render every answer; ignore the pre-rendered ones")
    serve.add_argument("--parent", type=int, default=0, help=argparse.SUPPRESS)  # set for helper processes
    serve.set_defaults(func=cmd_serve)

    build = actions.add_parser(
        "build-answers", help="pre-render every live domain's answer (then the worker keeps them)"
    )
    build.add_argument(
        "--processes", type=int, default=1, help="render in this many processes (a large registry's first build)"
    )
    build.set_defaults(func=cmd_build_answers)

    query = actions.add_parser("query", help="print the WHOIS answer for one query, as port 43 gives it")
    query.add_argument("text", nargs="+", help="domain (A- or U-label), NIC handle, name server or registrar")
    query.set_defaults(func=cmd_query)


def cmd_serve(args: argparse.Namespace) -> int:
    from kzreg.whois.runner import run, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    chosen = {config.FIELDS[name][0]: getattr(args, option[2:].replace("-", "_")) for option, name, _ in LIMIT_OPTIONS}
    limits = Limits(**chosen)
    reuse = args.reuse_port or args.workers > 1
    tail = [
        "--port", str(args.port), "--bind", args.bind, "--cache", str(args.cache), "--poll", str(args.poll),
        "--loop", args.loop,
    ] + (["--live"] if args.live else [])  # fmt: skip
    for option, name, _ in LIMIT_OPTIONS:
        tail += [option, str(chosen[config.FIELDS[name][0]])]

    def serve_one() -> None:
        main = serve(args.bind, args.port, limits, args.cache, args.poll, reuse, args.parent, not args.live)
        if args.loop == "uvloop":
            import uvloop

            uvloop.run(main)
        else:
            asyncio.run(main)

    return run(tail, args.workers, serve_one)


def cmd_query(args: argparse.Namespace) -> int:
    from kzreg.registry.reads.connection import django_database
    from kzreg.whois.lookup import Lookup

    answer = Lookup(django_database()).answer(" ".join(args.text))
    print(answer.text, end="")
    return 0 if answer.found else 1


def cmd_build_answers(args: argparse.Namespace) -> int:
    import time

    from kzreg.whois.answers import build_all

    started = time.monotonic()
    count = build_all(progress=lambda n: print(f"{n} answers", end="\r", flush=True), processes=args.processes)
    print(f"{count} answers rendered in {time.monotonic() - started:.1f} s")
    return 0
