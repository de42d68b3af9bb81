"""Django's SECRET_KEY: the operator's outside the demo, a generated one kept in the data folder for the demo.

The key signs sessions, CSRF tokens and password-reset links; a public constant would let anyone forge
them. So a production start without `KZREG_SECRET_KEY` is refused, and the demo (a loopback bind, or
`KZREG_DEBUG=1`) gets a random key written once to `$KZREG_DATA_DIR/secret_key` (mode 0600), the same
across restarts so logins survive them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

FILE_NAME = "secret_key"
# What a worker that cannot boot exits with: gunicorn's arbiter halts on it instead of respawning.
EXIT_REFUSED = 3


class MissingSecretKey(Exception):
    """A start outside the demo without `KZREG_SECRET_KEY`; the message is the one line the operator sees."""


def load(env: Mapping[str, str], data_dir: Path, demo: bool, bind: str) -> str:
    """The key to use; raises `MissingSecretKey` outside the demo when the operator gave none."""
    key = env.get("KZREG_SECRET_KEY", "").strip()
    if key:
        return key
    if not demo:
        raise MissingSecretKey(
            f"KZREG_SECRET_KEY is not set: kzreg will not serve on {bind} (not loopback, KZREG_DEBUG unset) "
            "with a made-up key. Set KZREG_SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` (see docs/deployment.md)."
        )
    return demo_key(data_dir)


def demo_key(data_dir: Path) -> str:
    """The data folder's key, generated on first use. Several processes may start at once (`kzreg up`
    starts its services together): the key is written to a private temporary file and linked into
    place, so every process ends up reading the one key that won."""
    path = data_dir / FILE_NAME
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    temporary = data_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(temporary, path)
    finally:
        temporary.unlink()
    return _read(path)


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise MissingSecretKey(f"{path} is empty: delete it and kzreg writes a new demo key")
    return key
