"""`kzreg web`'s gunicorn command line (ADR 0013): the balanced gthread worker (`server.balance`), 2 workers
of 4 threads on one listening socket, a 120 s request timeout, unless the environment or the options say
otherwise; sync workers get one thread (more would make gunicorn switch to gthread)."""

from __future__ import annotations

import argparse
import os

import pytest

from kzreg.server import cli

ENV = (
    "KZREG_WEB_WORKERS",
    "KZREG_WEB_WORKER_CLASS",
    "KZREG_WEB_THREADS",
    "KZREG_WEB_TIMEOUT",
    "KZREG_WEB_ACCESS_LOG",
    "KZREG_WEB_REUSE_PORT",
)


def argv_of(*options: str) -> list[str]:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())  # the defaults are read from the environment here
    return cli.gunicorn_argv(parser.parse_args(["web", *options]))


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_the_default_is_two_balanced_workers_of_four_threads():
    argv = argv_of()
    assert (option(argv, "--worker-class"), option(argv, "--workers"), option(argv, "--threads")) == (
        "kzreg.server.balance.BalancedThreadWorker",
        "2",
        "4",
    )
    assert option(argv, "--timeout") == "120"
    assert option(argv, "--access-logfile") == "-"
    assert "--reuse-port" not in argv  # one socket, the workers take connections least-connections first
    assert argv[-1] == "kzreg.config.wsgi:application"
    assert option(argv_of("--threads", "8"), "--threads") == "8"


def test_sync_workers_get_one_thread(monkeypatch):
    monkeypatch.setenv("KZREG_WEB_WORKER_CLASS", "sync")
    monkeypatch.setenv("KZREG_WEB_WORKERS", str((os.cpu_count() or 1) + 1))
    argv = argv_of()
    assert option(argv, "--worker-class") == "sync"
    assert option(argv, "--workers") == str((os.cpu_count() or 1) + 1)
    assert option(argv, "--threads") == "1"  # more would make gunicorn switch to gthread


def test_the_environment_and_the_options_set_every_part(monkeypatch):
    monkeypatch.setenv("KZREG_WEB_THREADS", "3")
    monkeypatch.setenv("KZREG_WEB_TIMEOUT", "45")
    monkeypatch.setenv("KZREG_WEB_ACCESS_LOG", "0")
    argv = argv_of("--workers", "7", "--worker-class", "gthread")
    assert (option(argv, "--workers"), option(argv, "--threads"), option(argv, "--timeout")) == ("7", "3", "45")
    assert "--access-logfile" not in argv


def test_a_socket_per_worker_is_one_setting_away_for_gthread(monkeypatch):
    """`--reuse-port` or KZREG_WEB_REUSE_PORT=1 (gunicorn opens an SO_REUSEPORT socket in each worker, ADR
    0013) with gthread; the balanced worker needs the one socket, so `kzreg web` refuses the pair."""
    assert "--reuse-port" in argv_of("--reuse-port", "--worker-class", "gthread")
    monkeypatch.setenv("KZREG_WEB_REUSE_PORT", "1")
    assert "--reuse-port" in argv_of("--worker-class", "gthread")
    assert "--reuse-port" not in argv_of("--no-reuse-port")
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    assert cli.cmd_web(parser.parse_args(["web", "--port", "1"])) == 2  # balanced and reuse-port: refused
    by_path = ["web", "--port", "1", "--worker-class", cli.BALANCED_CLASS]
    assert cli.cmd_web(parser.parse_args(by_path)) == 2  # the class named by its path is the same worker


def test_the_balanced_worker_named_by_its_path_gets_threads_too():
    argv = argv_of("--worker-class", "kzreg.server.balance.BalancedThreadWorker")
    assert (option(argv, "--worker-class"), option(argv, "--threads")) == (cli.BALANCED_CLASS, "4")


def test_a_port_another_server_listens_on_is_refused():
    """With SO_REUSEPORT a second server would share the port silently; `kzreg web` asks first."""
    import socket

    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as a gunicorn worker's socket
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert cli.port_in_use("127.0.0.1", port)
        argv = ["web", "--port", str(port), "--bind", "127.0.0.1"]
        parser = argparse.ArgumentParser()
        cli.register(parser.add_subparsers())
        assert cli.cmd_web(parser.parse_args(argv)) == 1  # refused before gunicorn starts
    assert not cli.port_in_use("127.0.0.1", port)


def test_gunicorn_takes_the_command_line_and_opens_no_control_socket():
    """gunicorn ≥ 25.1 opens a control socket at one path per user; two kzreg web servers of one user (two
    data dirs, a test beside `kzreg up`) would take it from each other, so `kzreg web` opens none."""
    from gunicorn.config import Config

    config = Config()
    parsed = config.parser().parse_args(argv_of()[1:])
    for name, value in vars(parsed).items():
        if value is not None and name in config.settings:
            config.set(name, value)
    assert config.control_socket_disable is True
    assert (config.worker_class_str, config.workers, config.threads) == (cli.BALANCED_CLASS, 2, 4)
    from kzreg.server.balance import BalancedThreadWorker

    assert config.worker_class is BalancedThreadWorker  # gunicorn loads the class the name gives


def test_an_address_the_probe_cannot_bind_is_left_to_gunicorn():
    """Only a listener refuses the port: an address not on this host (or no IPv6) is gunicorn's to report."""
    assert not cli.port_in_use("192.0.2.1", 8000)  # TEST-NET-1, on no interface here: EADDRNOTAVAIL
