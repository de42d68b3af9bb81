"""Form text → fields, with the line each came from and every layout problem (T1, T4, T5).

Tolerant where people differ harmlessly (Kazakh, Russian or English labels, leader dots of any number,
blank lines, CRLF, quoting `>` of a forwarded form, case), strict where a mistake would change meaning
(the version line, an unknown or duplicated field, fields out of the form's order, values too long).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from kzreg.template_mail.blank import END_MARKERS, LANGS, TEMPLATES, VERSION_LINES, blank_form
from kzreg.template_mail.problems import FormProblem

MAX_VALUE = 1000  # characters in one field's value; longer is refused, not truncated
MAX_FORMS = 10  # forms in one message

_KEY_RE = re.compile(r"^(?P<key>\d(?:\.?[a-zA-Z])?)\.?(?=[\s(])\s*(?P<rest>.*)$")
_LABEL_RE = re.compile(r"^(?P<label>[^:]*?)[\s.]*:(?P<value>.*)$")
_VERSION_RE = re.compile(r"^(?P<quote>[>\s]*)(?P<template>domain|contact|host)\s+version\s+number\b(?P<tail>.*)$", re.I)
_END_RE = re.compile("|".join(re.escape(m) for m in END_MARKERS) + r"|-----BEGIN PGP SIGNATURE-----", re.I)


def normalize_label(label: str) -> str:
    return "".join(ch for ch in label.casefold() if ch.isalnum())


def canonical_key(raw: str) -> str:
    return raw.replace(".", "").lower()


@dataclass(frozen=True)
class Layout:
    """A template's fields in order, and the label wording accepted for each, per language."""

    order: tuple[str, ...]
    labels: dict[str, dict[str, str]]  # key → {normalized label: language}


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
            lm = _LABEL_RE.match(m["rest"])
            assert lm, line
            labels[key].setdefault(normalize_label(lm["label"]), lang)
    for key, extra in ALIASES.get(template, {}).items():
        for label in extra:
            labels[key].setdefault(normalize_label(label), "kk")
    return Layout(tuple(order), labels)


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


def split_forms(text: str) -> list[FormText]:
    """Each form in a text: from its version line to the end marker, the next form or the end."""
    lines = text.splitlines()
    forms: list[FormText] = []
    current: FormText | None = None
    quote = ""
    for number, raw in enumerate(lines, start=1):
        m = _VERSION_RE.match(raw)
        if m:
            quote = m["quote"]
            current = FormText(m["template"].lower(), [], number, raw[len(quote) :].strip())
            forms.append(current)
            continue
        if current is None:
            continue
        line = raw[len(quote) :] if quote and raw.startswith(quote) else raw.lstrip("> ") if quote else raw
        if _END_RE.search(line) and not _KEY_RE.match(line.strip()):
            current = None
            continue
        current.lines.append(line)
    if not forms and _looks_like_unversioned_form(lines):
        forms.append(FormText("domain", lines, 1, ""))
    return forms


def _looks_like_unversioned_form(lines: list[str]) -> bool:
    keys = {canonical_key(m["key"]) for line in lines if (m := _KEY_RE.match(line.strip()))}
    return {"0a", "2"} <= keys or len(keys & set(layout("domain").order)) >= 5


def parse_form(form: FormText) -> ParsedForm:
    lay = layout(form.template)
    parsed = ParsedForm(form.template, first_line=form.first_line, text="\n".join(form.lines))
    expected = VERSION_LINES[form.template]
    if not form.version:
        parsed.problems.append(FormProblem("", "version_missing", {"expected": expected}))
    elif " ".join(form.version.split()).lower() != expected.lower():
        parsed.problems.append(FormProblem("", "version_altered", {"value": form.version[:80], "expected": expected}))
    votes: Counter[str] = Counter()
    last_index, last_key = -1, ""
    for offset, raw in enumerate(form.lines, start=1):
        number = form.first_line + offset
        line = raw.strip()
        if "BEGIN PGP PUBLIC KEY BLOCK" in line:
            parsed.pgp_key = _key_block(form.lines[offset - 1 :])
            break
        m = _KEY_RE.match(line)
        if not m:
            continue
        key = canonical_key(m["key"])
        if key not in lay.labels:
            parsed.problems.append(FormProblem("", "unknown_field", {"line": number, "value": m["key"]}))
            continue
        lm = _LABEL_RE.match(m["rest"])
        if lm is None:
            parsed.problems.append(FormProblem(key, "no_colon", {"line": number}))
            continue
        lang = lay.labels[key].get(normalize_label(lm["label"]))
        if lang is None:
            parsed.problems.append(FormProblem(key, "label_unknown", {"line": number, "value": lm["label"][:60]}))
        else:
            votes[lang] += 1
        if key in parsed.lines:
            parsed.problems.append(FormProblem(key, "duplicate", {"first": parsed.lines[key], "line": number}))
            continue
        index = lay.order.index(key)
        if index < last_index:
            parsed.problems.append(FormProblem(key, "out_of_order", {"line": number, "after": last_key}))
        else:
            last_index, last_key = index, key
        value = lm["value"].strip()
        if len(value) > MAX_VALUE:
            parsed.problems.append(FormProblem(key, "too_long", {"limit": MAX_VALUE}))
            value = ""
        parsed.fields[key] = value
        parsed.lines[key] = number
    if votes:
        top = max(votes.values())
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
