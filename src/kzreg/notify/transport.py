"""Where delivered mail goes: the SMTP relay (`KZREG_SMTP_RELAY=host:port`) or `.eml` files in the data folder.

A transport raises `DeliveryError` saying whether the failure is permanent (SMTP 5xx: retrying cannot help)
or transient (4xx, connection refused, timeout, disk full: retry later).
"""

from __future__ import annotations

import os
import smtplib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from kzreg.notify.mime import as_bytes, envelope
from kzreg.notify.models import OutboxMessage

SMTP_TIMEOUT = 30.0  # seconds for connect and for each SMTP command


class DeliveryError(Exception):
    def __init__(self, text: str, *, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


@dataclass(frozen=True)
class Delivered:
    """Where a message went (relay `host:port` or file path); `refused` lists recipients the relay refused."""

    where: str
    refused: str = ""


class Transport(Protocol):
    def send(self, message: OutboxMessage) -> Delivered: ...

    def close(self) -> None: ...


def eml_path(message: OutboxMessage, root: Path) -> Path:
    """`<root>/<YYYY-MM-DD>/<id>.eml`, dated by queue time, so a retry rewrites the same file."""
    return root / timezone.localtime(message.created_at).date().isoformat() / f"{message.pk}.eml"


class EmlFolder:
    """The default: each message as an `.eml` file, written whole or not at all (temp file + `os.replace`)."""

    def __init__(self, root: Path):
        self.root = root

    def send(self, message: OutboxMessage) -> Delivered:
        path = eml_path(message, self.root)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{message.pk}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(as_bytes(message))
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise DeliveryError(f"cannot write {path}: {exc}") from exc
        return Delivered(str(path))

    def close(self) -> None:
        pass


def parse_relay(value: str) -> tuple[str, int]:
    """`host:port` or `[v6]:port` → (host, port); anything else is a configuration error, said plainly."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"KZREG_SMTP_RELAY must be host:port (e.g. 127.0.0.1:25), not {value!r}")
    return host, int(port)


def _smtp_error(exc: smtplib.SMTPException) -> DeliveryError:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {_text(msg)}" for rcpt, (code, msg) in exc.recipients.items())
        return DeliveryError(f"all recipients refused: {text}", permanent=all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(f"{exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500)
    return DeliveryError(f"{type(exc).__name__}: {exc}")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class SmtpRelay:
    """One SMTP connection per delivery pass, reopened after any failure."""

    def __init__(self, host: str, port: int, timeout: float = SMTP_TIMEOUT):
        self.host, self.port, self.timeout = host, port, timeout
        self.name = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: OutboxMessage) -> Delivered:
        sender, recipients = envelope(message)
        try:
            if self._smtp is None:
                self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            refused = self._smtp.sendmail(sender, recipients, as_bytes(message))
        except smtplib.SMTPException as exc:
            self.close()
            raise _smtp_error(exc) from exc
        except OSError as exc:  # refused connection, timeout, reset
            self.close()
            raise DeliveryError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        return Delivered(self.name, "; ".join(f"{r}: {code} {_text(msg)}" for r, (code, msg) in refused.items()))

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def from_settings() -> Transport:
    if settings.SMTP_RELAY:
        return SmtpRelay(*parse_relay(settings.SMTP_RELAY))
    return EmlFolder(Path(settings.DATA_DIR) / "outbox")
