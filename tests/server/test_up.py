"""`kzreg up`: migrate, demo data (and its pre-rendered WHOIS/RDAP answers) on first start, every service up,
Ctrl-C stops them all (issues 2, 4)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

from kzreg.plugins import all_services

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate, seconds: float, process: subprocess.Popen) -> bool:
    """Polls until `predicate()` holds; gives up at the deadline or when `process` has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_up_starts_everything_and_ctrl_c_stops_everything(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the process test runs once, on the embedded SQLite database")
    ports = {"KZREG_WEB_PORT": free_port(), "KZREG_WHOIS_PORT": free_port(), "KZREG_SMTP_PORT": free_port()}
    ports["KZREG_EPP_PORT"] = free_port()  # EPP (issue 10) on a free port too
    env = {
        **os.environ,
        "KZREG_DATA_DIR": str(tmp_path),
        "KZREG_DATABASE_URL": "",
        "KZREG_WEB_WORKERS": "1",
        **{k: str(v) for k, v in ports.items()},
    }
    names = {s.name for s in all_services()}
    process = subprocess.Popen(
        [sys.executable, "-m", "kzreg", "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    problems = []
    try:
        if not wait_for(lambda: port_open(ports["KZREG_WEB_PORT"]), 120, process):
            problems.append("web server did not start")
        else:
            web = f"http://127.0.0.1:{ports['KZREG_WEB_PORT']}/admin/login/"
            with urllib.request.urlopen(web, timeout=10) as response:
                if response.status != 200:
                    problems.append(f"login page answered {response.status}")
            for service, variable in (
                ("whois", "KZREG_WHOIS_PORT"),
                ("smtp", "KZREG_SMTP_PORT"),
                ("epp", "KZREG_EPP_PORT"),
            ):
                if service in names and not wait_for(lambda v=variable: port_open(ports[v]), 30, process):
                    problems.append(f"{service} did not start")
            database = sqlite3.connect(tmp_path / "kzreg.sqlite3")
            domains = database.execute("select count(*) from registry_domain where deleted_at is null").fetchone()[0]
            if domains == 0:
                problems.append("no demo data loaded")
            database.close()
            store = sqlite3.connect(tmp_path / "answers.sqlite3")  # WHOIS and RDAP answer from it at once
            if store.execute("select count(*) from answer").fetchone()[0] != domains:
                problems.append("the demo's WHOIS and RDAP answers were not pre-rendered")
            store.close()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert problems == [], output
    assert process.returncode == 0, output
    assert "all services stopped" in output
    for port in ports.values():
        assert not port_open(port), f"port {port} still open after Ctrl-C"
