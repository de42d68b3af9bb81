"""Logging that follows `sys.stderr` as it is at each record, not as it was at start-up.

Test runners swap `sys.stderr` per test; a handler that kept the stream of its creation time writes to a
closed file when a server thread logs after its test ended ("--- Logging error ---").
"""

from __future__ import annotations

import logging
import sys


class CurrentStderrHandler(logging.StreamHandler):
    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # type: ignore[no-untyped-def]
        """The stream is always the current `sys.stderr`."""
