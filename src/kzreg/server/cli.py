"""`kzreg up`, `kzreg web`, `kzreg migrate` and `kzreg manage …` (any Django management command)."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys

from django.conf import settings
from django.core.management import call_command, execute_from_command_line


def register(sub: argparse._SubParsersAction) -> None:
    up = sub.add_parser("up", help="migrate, load demo data on first start, start every service")
    up.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty database")
    up.set_defaults(func=cmd_up)

    web = sub.add_parser("web", help="serve the web site, admin, RDAP, cabinet and API (gunicorn)")
    web.add_argument("--port", type=int, default=settings.WEB_PORT)
    web.add_argument("--bind", default=os.environ.get("KZREG_BIND", "127.0.0.1"))
    web.add_argument("--workers", type=int, default=int(os.environ.get("KZREG_WEB_WORKERS") or 2),
                     help="worker processes (default 2; with sync workers: CPUs + 1, ADR 0013)")  # fmt: skip
    web.add_argument("--worker-class", default=os.environ.get("KZREG_WEB_WORKER_CLASS") or BALANCED,
                     help="gunicorn worker class (default balanced: gthread that spreads connections evenly; "
                          "gthread; sync: one request per process; ADR 0013)")  # fmt: skip
    web.add_argument("--threads", type=int, default=int(os.environ.get("KZREG_WEB_THREADS") or 0) or None,
                     help="threads per worker (balanced, gthread; default 4 for these, 1 otherwise)")  # fmt: skip
    web.add_argument("--timeout", type=int, default=int(os.environ.get("KZREG_WEB_TIMEOUT") or 120),
                     help="seconds a request may run before its worker is restarted (default 120)")  # fmt: skip
    web.add_argument("--reuse-port", action=argparse.BooleanOptionalAction,
                     default=os.environ.get("KZREG_WEB_REUSE_PORT", "0") == "1",
                     help="each worker its own listening socket (SO_REUSEPORT; default off): the kernel hashes "
                          "new connections over the workers; not with the balanced worker (ADR 0013)")  # fmt: skip
    web.set_defaults(func=cmd_web)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(func=lambda args: call_command("migrate", interactive=False, verbosity=1) or 0)

    manage = sub.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)


def cmd_manage(args: argparse.Namespace) -> int:
    execute_from_command_line(["kzreg manage", *args.rest])
    return 0


def prepare_database(load_demo: bool) -> None:
    """Schema up to date; static files collected; demo data loaded when the database is empty, with its
    WHOIS and RDAP answers pre-rendered (a few hundred: a second), so the servers answer from the store
    from the first query. (A big existing registry builds its store with `kzreg whois build-answers`.)"""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if load_demo:
        from kzreg.demo import load_demo_if_empty

        if load_demo_if_empty():
            from kzreg.whois.answers import build_all

            print(f"kzreg: {build_all():,} WHOIS and RDAP answers pre-rendered")


def cmd_up(args: argparse.Namespace) -> int:
    from kzreg.plugins import all_services
    from kzreg.server.supervisor import Supervisor

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    print(f"kzreg: data folder {settings.DATA_DIR}, database {settings.DATABASES['default']['ENGINE']}")
    if settings.DEMO and not os.environ.get("KZREG_SECRET_KEY"):
        print(f"kzreg: demo secret key in {settings.DATA_DIR / 'secret_key'} (set KZREG_SECRET_KEY in production)")
    prepare_database(load_demo=not args.no_demo)
    services = all_services()
    print("kzreg: starting " + ", ".join(s.name for s in services) + " (Ctrl-C stops them all)")
    return Supervisor(services).run()


BALANCED = "balanced"  # `kzreg.server.balance.BalancedThreadWorker`: gthread, least connections first
BALANCED_CLASS = "kzreg.server.balance.BalancedThreadWorker"


def worker_class(args: argparse.Namespace) -> str:
    """The class gunicorn loads: `balanced` is a short name for kzreg's own, given either way."""
    return BALANCED_CLASS if args.worker_class == BALANCED else str(args.worker_class)


def gunicorn_argv(args: argparse.Namespace) -> list[str]:
    """gunicorn's command line for `kzreg web`: the balanced gthread worker on the arbiter's one socket,
    4 threads per worker unless told otherwise; a class without threads one (more would make gunicorn
    switch to gthread). ADR 0013 says why and when sync workers serve the API better."""
    threads = args.threads or (4 if worker_class(args) in (BALANCED_CLASS, "gthread") else 1)
    argv = [
        "gunicorn",
        "--bind", f"{args.bind}:{args.port}",
        "--workers", str(args.workers),
        "--worker-class", worker_class(args),
        "--threads", str(threads),
        "--timeout", str(args.timeout),
        "--graceful-timeout", "5",
        "--keep-alive", "5",
        # gunicorn ≥ 25.1 opens a control socket at one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn):
        # a second kzreg (another data dir, the tests) would take it over; the supervisor manages workers.
        "--no-control-socket",
    ]  # fmt: skip
    if args.reuse_port:  # gunicorn then opens the listening sockets in each worker, not in the arbiter
        argv.append("--reuse-port")
    if os.environ.get("KZREG_WEB_ACCESS_LOG", "1") != "0":
        argv += ["--access-logfile", "-"]
    argv.append("kzreg.config.wsgi:application")
    return argv


def port_in_use(bind: str, port: int) -> bool:
    """Whether a server already listens on `bind:port`. With `--reuse-port` the workers' sockets set
    SO_REUSEPORT, so a second kzreg of the same user on the same port would not fail to bind: it would
    silently take a share of the first one's connections. A plain socket (no SO_REUSEPORT) cannot bind
    beside any listener, so trying one first refuses the port as gunicorn's own bind would."""
    try:
        addresses = socket.getaddrinfo(bind, port, type=socket.SOCK_STREAM)
    except OSError:
        return False  # gunicorn names a bad address itself
    for family, kind, proto, _name, address in addresses:
        try:
            with socket.socket(family, kind, proto) as probe:
                # a stopped server's TIME_WAIT connections are no listener
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return True
            # no IPv6 here, an address not on this host: gunicorn's own bind reports it
    return False


def cmd_web(args: argparse.Namespace) -> int:
    from gunicorn.app.wsgiapp import WSGIApplication

    from kzreg.config import deployment, secret_key

    try:  # settings judged KZREG_BIND; `--bind` may name a public address instead
        secret_key.load(os.environ, settings.DATA_DIR, demo=deployment.is_demo(os.environ, args.bind), bind=args.bind)
    except secret_key.MissingSecretKey as refusal:
        print(f"kzreg: {refusal}", file=sys.stderr)
        return secret_key.EXIT_REFUSED
    if args.reuse_port and worker_class(args) == BALANCED_CLASS:
        print("kzreg: --reuse-port gives each worker a socket of its own, the balanced worker shares one: "
              "use --no-reuse-port, or --worker-class gthread with --reuse-port", file=sys.stderr)  # fmt: skip
        return 2
    if port_in_use(args.bind, args.port):
        print(f"kzreg: {args.bind}:{args.port} is in use: another server listens there", file=sys.stderr)
        return 1
    sys.argv = gunicorn_argv(args)
    WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
    return 0
