"""The EPP commands this process sends, by name, for tests that count them (sessions, read-backs)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kzreg.epp import client as epp_client


@contextmanager
def epp_commands_sent(names: tuple[str, ...]) -> Iterator[list[str]]:
    """Records the first of `names` each frame sent carries (`<login` or `:check`, …) while it is open."""
    sent: list[str] = []

    def record(payload: bytes) -> None:
        for name in names:
            if f"<{name}".encode() in payload or f":{name}".encode() in payload:
                sent.append(name)
                return

    epp_client.SEND_HOOKS.append(record)
    try:
        yield sent
    finally:
        epp_client.SEND_HOOKS.remove(record)
