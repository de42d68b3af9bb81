"""Which worker process holds an outbox row, and whether a worker on this host is gone.

A worker is named by its host (host name, kernel boot id, PID namespace), its PID and its start time
(`/proc/<pid>/stat`), so a PID used again by another process, another container with the same host
name or the same host after a reboot is never taken for the worker that claimed a row. Only a worker of
this host can be found gone; one on another host is waited for until its lease passes.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

_PROC = Path("/proc")
_UNKNOWN = "-"


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks after boot) of a process, None when there is none."""
    text = _read(_PROC / str(pid) / "stat")
    if not text:
        return None
    fields = text.rpartition(")")[2].split()  # after "pid (command)", which may hold spaces
    return (fields[0], fields[19]) if len(fields) > 19 else None


def _host() -> str:
    """`name boot-id pid-namespace`; an unknown part is `-` (then no worker is ever found gone)."""
    boot = _read(_PROC / "sys" / "kernel" / "random" / "boot_id") or _UNKNOWN
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = _UNKNOWN
    name = socket.gethostname().replace(" ", "_") or _UNKNOWN
    return f"{name} {boot} {namespace}"


_current: tuple[int, str] | None = None


def name(pid: int) -> str:
    """A process of this host named as an outbox row stores its worker: `host boot-id pid-namespace pid
    start`."""
    stat = _stat(pid)
    return f"{_host()} {pid} {stat[1] if stat else _UNKNOWN}"


def current() -> str:
    """This process's name (`name`), computed once (again in a forked child)."""
    global _current
    pid = os.getpid()
    if _current is None or _current[0] != pid:
        _current = (pid, name(pid))
    return _current[1]


def gone(owner: str) -> bool:
    """True when `owner` (a `current()` value) ran on this host and no longer runs: its PID is free,
    belongs to a process started at another time, or is a zombie. False when in doubt."""
    parts = owner.split(" ")
    me = current().split(" ")
    if len(parts) != 5 or _UNKNOWN in parts or _UNKNOWN in me or parts[:3] != me[:3] or owner == current():
        return False
    if not parts[3].isdigit():
        return False
    stat = _stat(int(parts[3]))
    return stat is None or stat[0] in ("Z", "X") or stat[1] != parts[4]
