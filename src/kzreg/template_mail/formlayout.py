"""What the parser knows of each template: its field keys in order and the label wording accepted for
each key in each language, learned from the blank forms themselves (T1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from kzreg.template_mail.blank import LANGS, blank_form

_KEY_RE = re.compile(r"^(?P<key>\d(?:\.?[a-zA-Z])?)\.?(?=[\s(])\s*(?P<rest>.*)$")


@lru_cache(maxsize=8192)
def normalize_label(label: str) -> str:
    return "".join(ch for ch in label.casefold() if ch.isalnum())


def split_label(rest: str) -> tuple[str | None, str]:
    """`Label.......: value` → (label, value); (None, "") when there is no colon. Values keep their own
    colons (IPv6 addresses); labels never contain one."""
    label, colon, value = rest.partition(":")
    if not colon:
        return None, ""
    return label.rstrip(" .\t"), value


def canonical_key(raw: str) -> str:
    return raw.replace(".", "").lower()


@dataclass(frozen=True)
class Layout:
    """A template's fields in order, and the label wording accepted for each, per language."""

    order: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # key → {normalized label: language}
    position: dict[str, int]  # key → its index in `order`


# Seed spellings that differ from the blank form of the same language, still accepted.
ALIASES = {"domain": {"6e": ["Мекен-жайы"], "6d": ["Ұйым атауы"], "3l": ["E-mail"], "4l": ["E-mail"]}}


@cache
def layout(template: str) -> Layout:
    order: list[str] = []
    labels: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        for line in blank_form(template, lang).splitlines():
            m = _KEY_RE.match(line)
            if not m:
                continue
            key = canonical_key(m["key"])
            if key not in labels:
                order.append(key)
                labels[key] = {}
            label, _ = split_label(m["rest"])
            labels[key].setdefault(normalize_label(label or ""), lang)
    for key, extra in ALIASES.get(template, {}).items():
        for label in extra:
            labels[key].setdefault(normalize_label(label), "kk")
    return Layout(tuple(order), labels, {key: i for i, key in enumerate(order)})
