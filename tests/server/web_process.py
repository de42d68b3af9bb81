"""`kzreg web` as a real process for the server tests: started on a free loopback port with a secret key
and the given settings, and ready when `ready(process)` says so (or the port answers)."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.config.conftest import environment
from tests.server.test_refusal import free_port


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def kzreg_web(
    directory: Path, ready: Callable[[subprocess.Popen[str], int], bool] | None = None, **settings: str
) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    env = environment(directory, KZREG_SECRET_KEY=secrets.token_urlsafe(50), KZREG_WEB_ACCESS_LOG="0", **settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "kzreg", "web", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    is_ready = ready or (lambda _process, port: _answers(port))
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline and not is_ready(process, port):
        time.sleep(0.1)
    assert process.poll() is None, process.stderr.read() if process.stderr else ""
    try:
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=15)
