"""Runs the services as child processes, restarts one that dies, and stops all on Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from kzreg.plugins import Service

log = logging.getLogger("kzreg.up")
RESTART_WINDOW = 60.0  # seconds
MAX_RESTARTS = 5  # within the window; then the whole group stops
STOP_GRACE = 10.0


@dataclass
class Child:
    service: Service
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "kzreg", *self.service.argv])
        log.info("started %s (pid %s): kzreg %s", self.service.name, self.process.pid, " ".join(self.service.argv))


class Supervisor:
    def __init__(self, services: list[Service]):
        self.children = [Child(s) for s in services]
        self.stopping = False

    def _stop_signal(self, signum: int, _frame: object) -> None:
        log.info("received %s, stopping all services", signal.Signals(signum).name)
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._stop_signal)
        signal.signal(signal.SIGTERM, self._stop_signal)
        for child in self.children:
            child.start()
        status = 0
        while not self.stopping:
            time.sleep(0.5)
            for child in self.children:
                code = child.process.poll() if child.process else None
                if code is None or self.stopping:
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < RESTART_WINDOW] + [now]
                if len(child.restarts) > MAX_RESTARTS:
                    log.error("%s keeps failing (exit %s); stopping everything", child.service.name, code)
                    self.stopping, status = True, 1
                    break
                log.warning("%s exited with %s; restarting", child.service.name, code)
                time.sleep(min(2 ** len(child.restarts) / 4, 5))
                child.start()
        self.stop_all()
        return status

    def stop_all(self) -> None:
        alive = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in alive:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in alive:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.info("all services stopped")
