"""Form text → fields, with the line each came from and every layout problem (T1, T4, T5).

Tolerant where people differ harmlessly (Kazakh, Russian or English labels, leader dots of any number,
blank lines, CRLF, quoting `>` of a forwarded form, case), strict where a mistake would change meaning
(the version line, an unknown or duplicated field, fields out of the form's order, values too long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from kzreg.template_mail.blank import END_MARKERS, LANGS, TEMPLATES, VERSION_LINES, blank_form
from kzreg.template_mail.problems import FormProblem

MAX_VALUE = 1000  # characters in one field's value; longer is refused, not truncated
MAX_FORMS = 10  # forms in one message

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


@dataclass
class ParsedForm:
    template: str
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    language: str = "kk"
    first_line: int = 1
    text: str = ""  # the form as found, for the record and for signatures
    pgp_key: str = ""  # a public key block that follows a Contact form (3c)

    def get(self, key: str) -> str:
        return self.fields.get(key, "")

    def any_filled(self, prefixes: str) -> bool:
        return any(v for k, v in self.fields.items() if k[:1] in prefixes)


@dataclass
class FormText:
    template: str
    lines: list[str]
    first_line: int  # 1-based line number of the version line in the text it came from
    version: str  # the version line as found ("" when missing)


_VERSION_LINE_RE = re.compile(
    r"^(?P<quote>[> \t]*)(?P<template>domain|contact|host)[ \t]+version[ \t]+number\b[^\n]*", re.I | re.M
)
_END_LINE_RE = re.compile(
    r"^(?![ \t>]*\d)[^\n]*?(?:" + "|".join(re.escape(m) for m in END_MARKERS) + r"|-----BEGIN PGP SIGNATURE-----)",
    re.I | re.M,
)


def split_forms(text: str) -> list[FormText]:
    """Each form in a text: from its version line to the end marker, the next form or the end."""
    starts = list(_VERSION_LINE_RE.finditer(text))
    if not starts:
        lines = text.splitlines()
        return [FormText("domain", lines, 1, "")] if _looks_like_unversioned_form(lines) else []
    forms = []
    for i, m in enumerate(starts):
        body_end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[m.end() + 1 : body_end]
        end = _END_LINE_RE.search(body)
        if end:
            body = body[: end.start()]
        lines = body.splitlines()
        quote = m["quote"]
        if quote:
            lines = [line[len(quote) :] if line.startswith(quote) else line.lstrip("> ") for line in lines]
        version = m.group(0)[len(quote) :].strip()
        forms.append(FormText(m["template"].lower(), lines, text.count("\n", 0, m.start()) + 1, version))
    return forms


def _looks_like_unversioned_form(lines: list[str]) -> bool:
    keys = {canonical_key(m["key"]) for line in lines if (m := _KEY_RE.match(line.strip()))}
    return {"0a", "2"} <= keys or len(keys & set(layout("domain").order)) >= 5


_FIELD_RE = re.compile(r"^[ \t]*(\d(?:\.?[a-zA-Z])?)\.?(?=[ \t(])[ \t]*([^:\n]*)(:?)([^\n]*)", re.M)
_KEYS: dict[str, str] = {}  # "1.a" → "1a", "3L" → "3l": raw keys seen so far


def parse_form(form: FormText) -> ParsedForm:
    """One pass of one regular expression over the form; Python only touches the field lines."""
    lay = layout(form.template)
    text = "\n".join(form.lines)
    parsed = ParsedForm(form.template, first_line=form.first_line, text=text)
    expected = VERSION_LINES[form.template]
    if not form.version:
        parsed.problems.append(FormProblem("", "version_missing", {"expected": expected}))
    elif " ".join(form.version.split()).lower() != expected.lower():
        parsed.problems.append(FormProblem("", "version_altered", {"value": form.version[:80], "expected": expected}))
    key_block = text.find("-----BEGIN PGP PUBLIC KEY BLOCK")
    if key_block >= 0:
        parsed.pgp_key = _key_block(text[key_block:].splitlines())
        text = text[:key_block]
    votes = dict.fromkeys(LANGS, 0)
    labels, position, fields, lines, problems = lay.labels, lay.position, parsed.fields, parsed.lines, parsed.problems
    last_index, last_key, number, pos = -1, "", form.first_line + 1, 0
    for m in _FIELD_RE.finditer(text):
        number += text.count("\n", pos, m.start())
        pos = m.start()
        raw_key, label, colon, value = m.groups()
        key = _KEYS.get(raw_key) or _KEYS.setdefault(raw_key, canonical_key(raw_key))
        if key not in labels:
            problems.append(FormProblem("", "unknown_field", {"line": number, "value": raw_key}))
            continue
        if not colon:
            problems.append(FormProblem(key, "no_colon", {"line": number}))
            continue
        label = label.rstrip(" .\t")
        lang = labels[key].get(normalize_label(label))
        if lang is None:
            problems.append(FormProblem(key, "label_unknown", {"line": number, "value": label[:60]}))
        else:
            votes[lang] += 1
        if key in lines:
            problems.append(FormProblem(key, "duplicate", {"first": lines[key], "line": number}))
            continue
        index = position[key]
        if index < last_index:
            problems.append(FormProblem(key, "out_of_order", {"line": number, "after": last_key}))
        else:
            last_index, last_key = index, key
        value = value.strip()
        if len(value) > MAX_VALUE:
            problems.append(FormProblem(key, "too_long", {"limit": MAX_VALUE}))
            value = ""
        fields[key] = value
        lines[key] = number
    top = max(votes.values())
    if top:
        parsed.language = next(lang for lang in LANGS if votes[lang] == top)
    return parsed


def _key_block(lines: list[str]) -> str:
    out = []
    for line in lines:
        out.append(line.strip())
        if "END PGP PUBLIC KEY BLOCK" in line:
            break
    return "\n".join(out) + "\n"


def parse_text(text: str) -> list[ParsedForm]:
    return [parse_form(form) for form in split_forms(text)]


__all__ = ["MAX_FORMS", "TEMPLATES", "FormText", "ParsedForm", "layout", "parse_form", "parse_text", "split_forms"]
