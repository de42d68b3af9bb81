"""Crypt-PW secrets (T9): stored only as crypt hashes; legacy md5-crypt and sha512-crypt still verify."""

from __future__ import annotations

from passlib.context import CryptContext

_context = CryptContext(
    schemes=["sha512_crypt", "sha256_crypt", "md5_crypt", "bcrypt", "des_crypt"],
    default="sha512_crypt",
    deprecated=["md5_crypt", "des_crypt"],
    sha512_crypt__default_rounds=5000,
)


def hash_password(clear: str) -> str:
    return _context.hash(clear)


def verify_password(clear: str, stored_hash: str) -> bool:
    """True when `clear` matches; a malformed or unknown stored hash simply does not match."""
    if not clear or not stored_hash:
        return False
    try:
        return _context.verify(clear, stored_hash)
    except (ValueError, TypeError):
        return False


def is_known_hash(value: str) -> bool:
    return _context.identify(value) is not None
