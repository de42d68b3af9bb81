"""PGP public keys of contacts (T9): import a key into a throw-away keyring to learn its fingerprint."""

from __future__ import annotations

import tempfile

import gnupg


def key_fingerprint(armored_key: str) -> str | None:
    """The fingerprint of the one public key in `armored_key`, or None when it holds no usable key."""
    if "BEGIN PGP PUBLIC KEY BLOCK" not in armored_key:
        return None
    with tempfile.TemporaryDirectory(prefix="kzreg-gpg-") as home:
        gpg = gnupg.GPG(gnupghome=home)
        result = gpg.import_keys(armored_key)
        fingerprints = [fp for fp in result.fingerprints if fp]
        return fingerprints[0].upper() if len(fingerprints) == 1 else None
