"""Issue 9 §6: outside the demo, no secret key means no server — `kzreg up`, `kzreg web --bind` and a bare
gunicorn worker each stop with the one line naming KZREG_SECRET_KEY (gunicorn halts instead of respawning
workers), and nothing listens."""

from __future__ import annotations

import socket
import subprocess
import sys

from kzreg.config.secret_key import EXIT_REFUSED
from tests.config.conftest import environment, run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refusal_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if "KZREG_SECRET_KEY is not set" in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_kzreg_up_with_a_public_bind_and_no_key_refuses(tmp_path):
    result = run(["-m", "kzreg", "up"], environment(tmp_path, KZREG_BIND="0.0.0.0"))
    assert result.returncode == EXIT_REFUSED and result.stderr.count("\n") == 1
    assert refusal_line(result).startswith("kzreg: KZREG_SECRET_KEY is not set: kzreg will not serve on 0.0.0.0")
    assert not (tmp_path / "kzreg.sqlite3").exists()  # refused before migrating anything


def test_kzreg_web_given_a_public_bind_refuses(tmp_path):
    """Settings saw a loopback KZREG_BIND (the demo), but `--bind` asks for a public address."""
    port = free_port()
    result = run(["-m", "kzreg", "web", "--bind", "0.0.0.0", "--port", str(port)], environment(tmp_path))
    assert result.returncode == EXIT_REFUSED and "0.0.0.0" in refusal_line(result)


def test_bare_gunicorn_worker_refuses_and_the_master_halts(tmp_path):
    port = free_port()
    argv = ["-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "kzreg.config.wsgi:application"]
    result = run(argv, environment(tmp_path, KZREG_BIND="0.0.0.0"), timeout=60)
    assert result.returncode == EXIT_REFUSED  # gunicorn: "Worker failed to boot", not a respawn loop
    assert "KZREG_SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_kzreg_cli_on_the_loopback_demo_still_works(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kzreg", "manage", "check"], env=environment(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()
