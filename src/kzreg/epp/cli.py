"""`kzreg epp serve|certificate|attempts` and `kzreg registrar epp-access` (registry staff)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import signal
import ssl
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from django.conf import settings

from kzreg.epp import command_log

if TYPE_CHECKING:
    from kzreg.epp.server import ServerConfig


def register(sub: argparse._SubParsersAction) -> None:
    parsers = sub.add_parser("epp", help="the EPP server for registrars").add_subparsers(required=True)
    p = parsers.add_parser("serve", help="serve EPP over TLS (RFC 5734)")
    p.add_argument("--port", type=int, default=settings.EPP_PORT)
    p.add_argument("--bind", default=settings.EPP_BIND)
    p.add_argument("--workers", type=int, default=settings.EPP_WORKERS, help="processes sharing the port")
    p.set_defaults(func=cmd_serve)

    p = parsers.add_parser("certificate", help="issue a client certificate from the local CA")
    p.add_argument("handle", help="the registrar, e.g. PS-KZ (the certificate's common name)")
    p.set_defaults(func=cmd_certificate)

    p = parsers.add_parser("attempts", help="recent EPP logins: time, client id, address, outcome")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--handle", help="only this client id")
    p.set_defaults(func=cmd_attempts)


def register_registrar(parsers: argparse._SubParsersAction) -> None:
    """`kzreg registrar epp-access` (added to the registry's `registrar` command; see cli_registrar)."""
    p = parsers.add_parser(
        "epp-access", help="set or show a registrar's EPP password, client certificates and allowed networks"
    )
    p.add_argument("handle")
    p.add_argument("--password", help="new EPP password (8–128 characters); '-' asks for it")
    p.add_argument(
        "--certificate", action="append", type=Path, metavar="CERT.pem",
        help="client certificate(s) it may use (replaces the list; repeat for several)",
    )  # fmt: skip
    p.add_argument(
        "--allow-ip", action="append", metavar="CIDR",
        help="client network(s) it may connect from (replaces the list; none: loopback only)",
    )  # fmt: skip
    p.add_argument("--loopback-only", action="store_true", help="empty the list of networks")
    p.set_defaults(func=cmd_epp_access)


def cmd_epp_access(args: argparse.Namespace) -> int:
    from kzreg.epp.access import set_access
    from kzreg.epp.models import EppAccess
    from kzreg.registry.queries import find_registrar

    registrar = find_registrar(args.handle)
    password = getpass.getpass("EPP password: ") if args.password == "-" else args.password
    networks = [] if args.loopback_only else args.allow_ip
    certificates = [path.read_bytes() for path in args.certificate] if args.certificate else None
    if password is not None or certificates is not None or networks is not None:
        set_access(registrar, password=password, certificates=certificates, networks=networks)
        print(f"EPP access of {registrar.handle} updated")
    access = EppAccess.objects.filter(registrar=registrar).first()
    if access is None:
        print(f"{registrar.handle} has no EPP access (give --password and --certificate)")
        return 1
    print(f"registrar:        {registrar.handle} ({registrar.status})")
    print(f"password changed: {access.password_changed_at:%Y-%m-%d %H:%M:%S %Z}")
    for fingerprint in access.certificate_fingerprints:
        print(f"certificate:      SHA-256 {fingerprint}")
    print(f"networks:         {', '.join(access.allowed_networks) or 'loopback only'}")
    return 0


def cmd_certificate(args: argparse.Namespace) -> int:
    from kzreg.epp.services import local_pki

    pki = local_pki()
    pki.ensure()
    pki.issue_client(args.handle)
    print(f"certificate {pki.client_cert(args.handle)}")
    print(f"key         {pki.client_key(args.handle)}")
    print(f"pin it:     kzreg registrar epp-access {args.handle} --certificate {pki.client_cert(args.handle)}")
    return 0


def cmd_attempts(args: argparse.Namespace) -> int:
    from kzreg.epp.models import LoginAttempt

    query = LoginAttempt.objects.all()
    if args.handle:
        query = query.filter(client_id=args.handle)
    for attempt in query[: args.limit]:
        print(f"{attempt.at:%Y-%m-%d %H:%M:%S}\t{attempt.client_id}\t{attempt.address}\t{attempt.outcome}")
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _server_config(port: int, bind: str, reuse_port: bool) -> ServerConfig:
    from kzreg.epp.framing import Limits
    from kzreg.epp.server import ServerConfig
    from kzreg.epp.services import server_files

    files = server_files()
    limits = Limits(max_frame=settings.EPP_MAX_FRAME, idle_timeout=settings.EPP_IDLE_TIMEOUT)
    return ServerConfig(
        cert=files.cert, key=files.key, client_ca=files.client_ca, host=bind, port=port, limits=limits,
        reuse_port=reuse_port,
    )  # fmt: skip


def _serve_one(config: ServerConfig, tls: ssl.SSLContext) -> None:
    from kzreg.epp.access import FailureLimiter, Gatekeeper
    from kzreg.epp.server import EppServer
    from kzreg.epp.session import ServerContext

    bind = config.host
    limiter = FailureLimiter(settings.EPP_LOGIN_FAILURES, settings.EPP_LOGIN_WINDOW)
    gatekeeper = Gatekeeper(limiter, password_days=settings.EPP_PASSWORD_DAYS)
    server = EppServer(config, ServerContext(gatekeeper=gatekeeper), tls)
    server.bind()
    logging.getLogger("kzreg.epp").info("EPP server (pid %s) on %s:%s", os.getpid(), bind, server.port)
    batched = command_log.install(_log_batch())
    try:
        server.serve_forever()
    finally:
        server.stop()
        command_log.uninstall(batched)


def _log_batch() -> float:
    """Seconds between writes of the per-command log lines (`KZREG_EPP_LOG_BATCH`; 0: each at once)."""
    value = os.environ.get("KZREG_EPP_LOG_BATCH", "")
    return float(value) if value.strip() else command_log.DEFAULT_INTERVAL


def cmd_serve(args: argparse.Namespace) -> int:
    """One process, or `--workers` processes that share the port (SO_REUSEPORT; the kernel spreads the
    connections). Forked before any database connection is opened."""
    from django import db

    from kzreg.epp.server import tls_context
    from kzreg.epp.services import prepare_first_start

    signal.signal(signal.SIGTERM, _stop)
    prepare_first_start(print_to_console=True)  # the local CA and demo access once, before any worker
    db.connections.close_all()  # no connection crosses a fork
    config = _server_config(args.port, args.bind, reuse_port=args.workers > 1)
    tls = tls_context(config)  # before the fork: the workers share its TLS ticket key (resumption anywhere)
    if args.workers <= 1:
        _serve_one(config, tls)
        return 0
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:
            try:
                _serve_one(config, tls)
            finally:
                os._exit(0)
        children.append(pid)
    try:
        for pid in children:
            os.waitpid(pid, 0)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
    return 0
