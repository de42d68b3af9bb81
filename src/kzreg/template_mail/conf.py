"""The gateway's settings, from the environment (see docs/template-mail.md)."""

from __future__ import annotations

import os


def mail_registrar_handle() -> str:
    """Registrar that sponsors domains registered directly with the registry by mail."""
    return os.environ.get("KZREG_MAIL_REGISTRAR") or "KAZNIC"


def max_message_size() -> int:
    """Bytes; larger messages are refused with `552` before they are stored."""
    return int(os.environ.get("KZREG_SMTP_MAX_SIZE") or 2 * 1024 * 1024)


def smtp_bind() -> str:
    return os.environ.get("KZREG_SMTP_BIND") or "127.0.0.1"
