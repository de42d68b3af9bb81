"""Names and search patterns from the request path and query (RFC 9082 §3.1.3, §4.1).

A name may come as U-labels or A-labels; lookups use the A-label form. A search pattern is a name with
one `*` at the end of a label (`exa*`, `exa*.kz`, `ns*.ps.kz`), with at least `MIN_PATTERN_PREFIX`
characters before it; anything else is a 400 that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kzreg.core.errors import Problem
from kzreg.rdap.config import MIN_PATTERN_PREFIX
from kzreg.registry.policy import normalize_host_name


class BadQuery(ValueError):
    """The path or query is not a valid RDAP query; `lines` say why in kk, ru and en."""

    def __init__(self, lines: list[str]):
        super().__init__(lines[-1])
        self.lines = lines


def ldh_name(raw: str) -> str:
    """A domain or host name in U- or A-labels → its A-label form (lowercase, no trailing dot)."""
    result = _normalized(raw)
    if isinstance(result, Problem):
        raise BadQuery([result.message(lang) for lang in ("kk", "ru", "en")])
    return result[0]


@lru_cache(maxsize=65536)
def _normalized(raw: str) -> tuple[str, str] | Problem:
    """IDNA checks cost more than a cached answer; a name asked again is normalised once per process."""
    return normalize_host_name(raw)


@dataclass(frozen=True)
class Pattern:
    """`prefix*suffix` to match against `column` (the A-label name, or the Unicode name when the
    pattern has non-ASCII characters: a partial U-label has no A-label)."""

    column: str
    prefix: str
    suffix: str
    exact: bool


def name_pattern(raw: str, bad: list[str]) -> Pattern:
    text = raw.strip().rstrip(".").lower()
    if "*" not in text:
        return Pattern("name", ldh_name(text), "", exact=True)
    prefix, _, suffix = text.partition("*")
    if "*" in suffix or (suffix and not suffix.startswith(".")) or len(prefix) < MIN_PATTERN_PREFIX:
        raise BadQuery(bad)
    if not all(ch.isalnum() or ch in "-." for ch in prefix + suffix) or ".." in prefix + suffix:
        raise BadQuery(bad)
    if suffix:
        ldh_name("x" + suffix)  # the labels after '*' must form a valid name
    column = "name" if (prefix + suffix).isascii() else "unicode_name"
    return Pattern(column, prefix, suffix, exact=False)


def text_pattern(raw: str, bad: list[str]) -> tuple[str, bool]:
    """A handle or a contact name with an optional trailing `*` → (prefix, exact)."""
    text = " ".join(raw.split())
    exact = not text.endswith("*")
    stem = text.rstrip("*") if not exact else text
    if "*" in stem or len(stem) < (1 if exact else MIN_PATTERN_PREFIX):
        raise BadQuery(bad)
    return stem, exact
