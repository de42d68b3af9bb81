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


def accept_unproven() -> bool:
    """Legacy mode (`KZREG_MAIL_ACCEPT_UNPROVEN=1`, off by default): a sender address that SPF, DKIM and
    DMARC do not prove still counts for Mail-From and forwarded originals, as before issue 9. Every such
    use is logged and named in the verdict; the stored message keeps `proven = False`."""
    return (os.environ.get("KZREG_MAIL_ACCEPT_UNPROVEN") or "0").strip().lower() in ("1", "true", "yes", "on")


def reply_limit() -> int:
    """Gateway mails one address may be sent per hour (`KZREG_MAIL_REPLY_LIMIT`, default 20; 0 = no
    limit): whatever a remote robot does, no mail loop with it can grow past this."""
    return int(os.environ.get("KZREG_MAIL_REPLY_LIMIT") or 20)
