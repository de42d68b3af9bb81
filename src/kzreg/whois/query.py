"""What a WHOIS query asks for: a domain, a NIC handle, a name server or a registrar (P1).

Names come in any case, as A-labels or U-labels (`EXAMPLE.KZ`, `мысал.қаз`, `xn--…`); an optional
first word (`domain`, `contact`, `handle`, `host`, `nameserver`, `registrar`) says which kind is meant.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import idna


class Kind(enum.StrEnum):
    DOMAIN = "domain"
    HOST = "host"
    HANDLE = "handle"  # a contact's NIC handle, else a registrar's handle
    REGISTRAR = "registrar"
    CONTACT = "contact"


KEYWORDS = {
    "domain": Kind.DOMAIN,
    "host": Kind.HOST,
    "nameserver": Kind.HOST,
    "ns": Kind.HOST,
    "contact": Kind.CONTACT,
    "handle": Kind.CONTACT,
    "registrar": Kind.REGISTRAR,
}
MAX_TERM = 253
ASCII_NAME = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")  # lowercase ASCII labels, none empty


class InvalidQuery(ValueError):
    """The query names nothing that could exist (bad characters, bad IDN, too many words)."""


@dataclass(frozen=True)
class Query:
    kind: Kind
    key: str  # A-label name, lowercase; or handle, uppercase

    @property
    def cache_key(self) -> str:
        return f"{self.kind}:{self.key}"


def parse_query(text: str) -> Query | None:
    """The query in `text` (one line), None when it is empty; raises InvalidQuery."""
    words = text.split()
    if not words:
        return None
    kind: Kind | None = None
    if len(words) == 2 and words[0].lower() in KEYWORDS:
        kind = KEYWORDS[words[0].lower()]
        words = words[1:]
    if len(words) != 1:
        raise InvalidQuery(text)
    term = words[0].rstrip(".")
    if not term or len(term) > MAX_TERM or not term.isprintable():
        raise InvalidQuery(text)
    if kind in (Kind.CONTACT, Kind.REGISTRAR) or (kind is None and "." not in term):
        if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in term):
            raise InvalidQuery(text)
        return Query(kind or Kind.HANDLE, term.upper())
    name = to_a_label(term)
    if kind is None:
        kind = Kind.DOMAIN if name.count(".") == 1 else Kind.HOST
    return Query(kind, name)


def to_a_label(term: str) -> str:
    """Lowercase A-label form of a name given in any case, as A-labels or U-labels."""
    if term.isascii():
        name = term.lower()
        if ASCII_NAME.fullmatch(name):
            return name
        raise InvalidQuery(term)
    try:
        return idna.encode(term, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidQuery(term) from exc
