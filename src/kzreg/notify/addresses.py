"""Checking and normalising mail addresses before they enter the outbox.

A bad address is refused when the message is queued (naming the field, e.g. `to[1]`), not discovered by
the worker later, so the change that caused the message fails whole instead of half-notifying.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from email.headerregistry import Address
from email.utils import getaddresses

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from kzreg.core.errors import Problems
from kzreg.core.messages import Code


@functools.lru_cache(maxsize=4096)
def addr_spec(address: str) -> str:
    """`Name <a@b.kz>` → `a@b.kz` (what the SMTP envelope and de-duplication use). Kept, as `_checked`:
    the stdlib's address parser cost more than the rest of queueing a message, for the same few addresses."""
    return getaddresses([address])[0][1]


@functools.lru_cache(maxsize=4096)
def bare(address: str) -> str:
    """The bare address in the form the outbox stores it (IDN domain as A-labels), lower case: the key
    that counts mail per address (`notify.limits`). Text that is no address is only lower-cased."""
    stored, _, _ = _checked((address or "").strip())
    return addr_spec(stored or address or "").lower()


def normalise(value: str, field: str, problems: Problems) -> str | None:
    """One address (`a@b.kz` or `Name <a@b.kz>`) in its stored form, or None after adding a problem.

    IDN domains are stored as A-labels so any relay can take them; the local part must be ASCII (no
    SMTPUTF8), which is what Django's validator enforces.
    """
    text = (value or "").strip()
    address, code, shown = _checked(text)
    if code is not None:
        problems.add(field, code, **({"value": shown} if code != Code.REQUIRED else {}))
    return address


@functools.lru_cache(maxsize=4096)
def _checked(text: str) -> tuple[str | None, Code | None, str]:
    """(stored form, None) or (None, problem code, text to quote). Pure, so kept: mail goes to few people."""
    if not text:
        return None, Code.REQUIRED, ""
    if "\r" in text or "\n" in text:
        return None, Code.INVALID_EMAIL, text.replace("\r", " ").replace("\n", " ")
    parsed = getaddresses([text])
    if len(parsed) != 1 or not parsed[0][1] or "@" not in parsed[0][1]:
        return None, Code.INVALID_EMAIL, text
    name, spec = parsed[0]
    local, _, domain = spec.rpartition("@")
    try:
        domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
        validate_email(f"{local}@{domain}")
        address = Address(display_name=name, username=local, domain=domain.lower())
    except (ValidationError, idna.IDNAError, UnicodeError, ValueError):
        return None, Code.INVALID_EMAIL, text
    return str(address), None, text


def normalise_list(
    values: Sequence[str] | str, field: str, problems: Problems, *, exclude: Iterable[str] = ()
) -> list[str]:
    """Every address checked (each problem names `field[i]`) and de-duplicated by address, first wins."""
    if isinstance(values, str):  # a lone string is one address, not a sequence of characters
        values = [values]
    seen = {addr_spec(a).lower() for a in exclude}
    result: list[str] = []
    for i, value in enumerate(values):
        address = normalise(value, f"{field}[{i}]", problems)
        if address is None:
            continue
        key = addr_spec(address).lower()
        if key not in seen:
            seen.add(key)
            result.append(address)
    return result
