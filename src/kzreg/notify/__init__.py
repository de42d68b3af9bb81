"""Outbox: every message to send is a row written with the change that causes it.

`from kzreg.notify import queue_email` — resolved lazily, because this package is imported while Django
is still loading its apps (before models may be imported).
"""

from __future__ import annotations

from typing import Any

__all__ = ["OutboxMessage", "queue_email"]


def __getattr__(name: str) -> Any:
    if name == "queue_email":
        from kzreg.notify.outbox import queue_email

        return queue_email
    if name == "OutboxMessage":
        from kzreg.notify.models import OutboxMessage

        return OutboxMessage
    raise AttributeError(f"module 'kzreg.notify' has no attribute {name!r}")
