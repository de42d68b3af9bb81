"""Zone test helpers: export to text, named-checkzone and Knot's kzonecheck on every zone, and a real Knot
DNS server."""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import subprocess
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from kzreg.registry import commands as c
from kzreg.registry.operations import lift_domain_status, set_domain_status
from kzreg.zone.checker import check_zone_file, checker_path
from kzreg.zone.export import ExportResult, export_zone, find_zone

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "zone"
KNOTD = shutil.which("knotd") or "/usr/sbin/knotd"
KNOTC = shutil.which("knotc") or "/usr/sbin/knotc"
KZONECHECK = shutil.which("kzonecheck") or "/usr/bin/kzonecheck"

needs_checker = pytest.mark.skipif(
    checker_path() is None, reason="named-checkzone missing: `make test` installs bind9-utils"
)
needs_knot = pytest.mark.skipif(
    not (Path(KNOTD).exists() and Path(KNOTC).exists()), reason="knotd/knotc missing: `make test` installs knot"
)


def export(zone: str = "kz") -> tuple[str, ExportResult]:
    buffer = io.BytesIO()
    result = export_zone(find_zone(zone), buffer)
    return buffer.getvalue().decode("ascii"), result


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("$")]


def assert_checks(text: str, zone: str, tmp_path: Path) -> str:
    """named-checkzone accepts the zone (T: real DNS tools); returns its output for further checks."""
    if checker_path() is None:
        pytest.skip("named-checkzone missing: `make test` installs bind9-utils")
    path = tmp_path / f"{zone}.checked.zone"
    path.write_text(text, encoding="ascii")
    result = check_zone_file(path, zone)
    assert result.ok, result.output
    return result.output


def assert_kzonecheck(text: str, zone: str, tmp_path: Path) -> None:
    """Knot's checker (semantic checks, e.g. "missing glue record") finds no error in the zone."""
    if not Path(KZONECHECK).exists():
        pytest.skip("kzonecheck missing: `make test` installs knot-dnssecutils")
    path = tmp_path / f"{zone}.kzonecheck.zone"
    path.write_text(text, encoding="ascii")
    done = subprocess.run([KZONECHECK, "-o", zone, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def hold(name: str, actor, reason: str = "court order") -> None:  # type: ignore[no-untyped-def]
    set_domain_status(c.SetDomainStatus(name, "hold", reason), actor)


def unhold(name: str, actor) -> None:  # type: ignore[no-untyped-def]
    lift_domain_status(c.SetDomainStatus(name, "hold", "lifted"), actor)


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (knotd cannot be told to bind port 0)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


class KnotServer:
    """knotd on 127.0.0.1 with one zone file, its own run/storage folders, stopped by `stop()`."""

    def __init__(self, folder: Path, zone: str, zone_file: Path):
        self.folder, self.zone, self.zone_file = folder, zone, zone_file
        self.port = free_port()
        self.conf = folder / "knot.conf"
        self.conf.write_text(
            "server:\n"
            f"    listen: 127.0.0.1@{self.port}\n"
            f"    rundir: {folder}\n"
            "database:\n"
            f"    storage: {folder}\n"
            "template:\n"
            "  - id: default\n"
            f"    storage: {folder}\n"
            "    zonefile-sync: -1\n"
            "    journal-content: none\n"
            "    semantic-checks: on\n"
            "zone:\n"
            f"  - domain: {zone}\n"
            f"    file: {zone_file}\n"
        )
        self.log = (folder / "knotd.log").open("w")
        self.process = subprocess.Popen([KNOTD, "-c", str(self.conf)], stdout=self.log, stderr=subprocess.STDOUT)

    def knotc(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [KNOTC, "-c", str(self.conf), "-t", "10", *args], capture_output=True, text=True, timeout=30, check=False
        )

    def query(self, name: str, rdtype: str = "A", tcp: bool = False) -> dns.message.Message:
        message = dns.message.make_query(name, rdtype)
        message.flags &= ~dns.flags.RD
        send = dns.query.tcp if tcp else dns.query.udp
        return send(message, "127.0.0.1", port=self.port, timeout=2)

    def wait_for_serial(self, serial: int, attempts: int = 200) -> None:
        """Bounded: until the server answers the SOA with this serial (knotd loads zones asynchronously)."""
        last = None
        for _ in range(attempts):
            if self.process.poll() is not None:
                break
            try:
                answer = self.query(self.zone, "SOA")
            except (OSError, dns.exception.Timeout):
                self._wait_for_exit(0.1)  # not listening yet: bounded wait that also notices a crash
                continue
            if answer.rcode() == dns.rcode.NOERROR and answer.answer:
                last = answer.answer[0][0].serial
                if last == serial:
                    return
            self.knotc("zone-status", self.zone)  # a round trip to the server instead of a sleep
        raise AssertionError(f"knotd never served serial {serial} (last {last}); log:\n{self.log_text()}")

    def _wait_for_exit(self, seconds: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=seconds)

    def log_text(self) -> str:
        self.log.flush()
        return (self.folder / "knotd.log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.knotc("stop")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
