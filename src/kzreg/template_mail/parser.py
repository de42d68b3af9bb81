"""Form text → fields, with the line each came from and every layout problem (T1, T4, T5).

Tolerant where people differ harmlessly (Kazakh, Russian or English labels, leader dots of any number,
blank lines, CRLF, quoting `>` of a forwarded form, case), strict where a mistake would change meaning
(the version line, an unknown or duplicated field, fields out of the form's order, values too long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from kzreg.template_mail.blank import LANGS, TEMPLATES, VERSION_LINES
from kzreg.template_mail.formlayout import ALIASES, Layout, canonical_key, layout, normalize_label, split_label
from kzreg.template_mail.problems import FormProblem
from kzreg.template_mail.splitting import FormText, split_forms

MAX_VALUE = 1000  # characters in one field's value; longer is refused, not truncated
MAX_FORMS = 10  # forms in one message


@dataclass
class ParsedForm:
    template: str
    fields: dict[str, str] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    language: str = "kk"
    first_line: int = 1
    text: str = ""  # the form as found, for the record and for signatures
    pgp_key: str = ""  # a public key block that follows a Contact form (3c)

    def get(self, key: str) -> str:
        return self.fields.get(key, "")

    def any_filled(self, prefixes: str) -> bool:
        return any(v for k, v in self.fields.items() if k[:1] in prefixes)

    def line_of(self, offset: int) -> int:
        """The line number (in the text the form came from) of a position in `text`."""
        return self.first_line + 1 + self.text.count("\n", 0, offset)

    @property
    def lines(self) -> dict[str, int]:
        """key → the line its value was read from; counted only when asked (replies name lines only
        for problems): the first line of a known key with a colon, as the reading loops take it."""
        labels = layout(self.template).labels
        found: dict[str, int] = {}
        for m in _FIELD_RE.finditer(self.text):
            key = canonical_key(m[2])
            if m[3] and key in labels and key not in found:
                found[key] = self.line_of(m.start())
        return found


# One field line: its head (key and label, up to the colon), the key alone, the colon, the value.
_FIELD_RE = re.compile(r"^[ \t]*((\d(?:\.?[a-zA-Z])?)\.?(?=[ \t(])[ \t]*[^:\n]*)(:?)([^\n]*)", re.M)
_KEYS: dict[str, str] = {}  # "1.a" → "1a", "3L" → "3l": raw keys seen so far
# template → {head: (key, language, position)} for heads already understood: a filled-in form repeats
# the blank form's heads, so nearly every line is one dictionary lookup. Bounded: odd heads are few
# and cheap to work out again.
_HEADS: dict[str, dict[str, tuple[str, str, int]]] = {template: {} for template in TEMPLATES}
_HEADS_MAX = 20_000
_HEAD, _COLON, _VALUE = itemgetter(0), itemgetter(1), itemgetter(2)  # of a line's `str.partition(":")`


@dataclass(frozen=True)
class _Layout:
    """Where the field lines of a form read cleanly were (a blank form's layout, as filled in)."""

    pick: itemgetter  # the field lines' `str.partition(":")` out of all the lines' (two or more)
    keys: tuple[str, ...]  # their keys, in order
    votes: dict[str, int]  # field lines per label language


# template → {the text of every line of a form up to its first colon: that form's layout}. Bounded:
# senders fill in a few blank forms; a form of a new layout is read by the loop, as before.
_LAYOUTS: dict[str, dict[tuple[str, ...], _Layout]] = {template: {} for template in TEMPLATES}
_LAYOUTS_MAX = 500


def parse_form(form: FormText) -> ParsedForm:
    """One pass of one regular expression over the form; Python only touches the field lines.

    The common case (every head already known, fields in order, none twice, none too long) is read in
    a tight loop; anything else is read again by the careful loop, which names every problem's line.
    """
    template = form.template
    text = form.text
    parsed = ParsedForm(template, first_line=form.first_line, text=text)
    expected = VERSION_LINES[template]
    if not form.version:
        parsed.problems.append(FormProblem("", "version_missing", {"expected": expected}))
    elif " ".join(form.version.split()).lower() != expected.lower():
        parsed.problems.append(FormProblem("", "version_altered", {"value": form.version[:80], "expected": expected}))
    key_block = text.find("-----BEGIN PGP PUBLIC KEY BLOCK")
    if key_block >= 0:
        parsed.pgp_key = _key_block(text[key_block:].splitlines())
        text = text[:key_block]
    votes = _read_clean(template, text, parsed.fields) or _read_carefully(template, text, parsed)
    top = max(votes.values())
    if top:
        parsed.language = next(lang for lang in LANGS if votes[lang] == top)
    return parsed


def _read_clean(template: str, text: str, fields: dict[str, str]) -> dict[str, int] | None:
    """The fields of a form without layout problems, or None (and `fields` cleared) at the first doubt.

    Reads line by line with `str.partition` instead of `_FIELD_RE`: a line without leading blanks whose
    text up to the first colon is a known head is exactly the field line `_FIELD_RE` would match (known
    heads are its captures, which hold no colon), and that regular expression — run over the whole form
    it cost more than everything else here — is then needed only for the few other lines. A form whose
    lines have, up to their first colon, exactly the text of a form read before (the same blank form,
    filled in) has its field lines where that one had them: they are picked without a loop (`_Layout`).
    """
    parts = list(map(str.partition, text.split("\n"), repeat(":")))
    line_heads = tuple(map(_HEAD, parts))
    seen = _LAYOUTS[template].get(line_heads)
    if seen is not None:
        picked = seen.pick(parts)
        if all(map(_COLON, picked)):
            values = list(map(str.strip, map(_VALUE, picked)))
            if max(map(len, values)) <= MAX_VALUE:
                fields.update(zip(seen.keys, values, strict=True))
                return dict(seen.votes)
        # a colon missing or a value too long: the loop below finds it
    heads = _HEADS[template]
    votes = dict.fromkeys(LANGS, 0)
    last_index = -1
    field_lines: list[int] = []
    for number, (head, colon, value) in enumerate(parts):
        known = heads.get(head) if colon else None
        if known is None:
            line = head + colon + value
            first = line[:1]
            if not first or (first not in " \t" and not first.isdecimal()):
                continue  # cannot start a field line: `_FIELD_RE` needs blanks or a digit first
            m = _FIELD_RE.match(line)
            if m is None:
                continue  # not a field line: the regular expression skips it too
            known = heads.get(m[1]) if m[3] else None
            if known is None:
                fields.clear()
                return None
            value = m[4]
        if known[2] <= last_index:
            fields.clear()
            return None
        key, lang, last_index = known
        value = value.strip()
        if len(value) > MAX_VALUE:
            fields.clear()
            return None
        fields[key] = value
        votes[lang] += 1
        field_lines.append(number)
    layouts = _LAYOUTS[template]
    if len(field_lines) > 1 and len(layouts) < _LAYOUTS_MAX:
        layouts[line_heads] = _Layout(itemgetter(*field_lines), tuple(fields), dict(votes))
    return votes


def _read_carefully(template: str, text: str, parsed: ParsedForm) -> dict[str, int]:
    votes = dict.fromkeys(LANGS, 0)
    fields, problems, heads = parsed.fields, parsed.problems, _HEADS[template]
    offsets: dict[str, int] = {}
    last_index, last_key = -1, ""
    for m in _FIELD_RE.finditer(text):
        head, raw_key, colon, value = m.groups()
        known = heads.get(head) if colon else None
        if known is None:
            known = _understand(template, head, raw_key, colon, m.start(), parsed)
            if known is None:
                continue
        key, lang, index = known
        if lang:
            votes[lang] += 1
        if key in offsets:
            number = parsed.line_of(m.start())
            problems.append(FormProblem(key, "duplicate", {"first": parsed.line_of(offsets[key]), "line": number}))
            continue
        if index < last_index:
            problems.append(FormProblem(key, "out_of_order", {"line": parsed.line_of(m.start()), "after": last_key}))
        else:
            last_index, last_key = index, key
        value = value.strip()
        if len(value) > MAX_VALUE:
            problems.append(FormProblem(key, "too_long", {"limit": MAX_VALUE}))
            value = ""
        fields[key] = value
        offsets[key] = m.start()
    return votes


def _understand(
    template: str, head: str, raw_key: str, colon: str, offset: int, parsed: ParsedForm
) -> tuple[str, str, int] | None:
    """A head not seen before: (key, language or "" when the label is unknown, position), remembered
    when clean; None (with the problem added) when the line cannot be a field of this form."""
    lay = layout(template)
    key = _KEYS.get(raw_key) or _KEYS.setdefault(raw_key, canonical_key(raw_key))
    if key not in lay.labels:
        parsed.problems.append(FormProblem("", "unknown_field", {"line": parsed.line_of(offset), "value": raw_key}))
        return None
    if not colon:
        parsed.problems.append(FormProblem(key, "no_colon", {"line": parsed.line_of(offset)}))
        return None
    label = head[len(raw_key) :].lstrip(".").lstrip(" \t").rstrip(" .\t")
    lang = lay.labels[key].get(normalize_label(label))
    if lang is None:
        parsed.problems.append(FormProblem(key, "label_unknown", {"line": parsed.line_of(offset), "value": label[:60]}))
        return key, "", lay.position[key]
    known = key, lang, lay.position[key]
    if len(_HEADS[template]) < _HEADS_MAX:
        _HEADS[template][head] = known
    return known


def _key_block(lines: list[str]) -> str:
    out = []
    for line in lines:
        out.append(line.strip())
        if "END PGP PUBLIC KEY BLOCK" in line:
            break
    return "\n".join(out) + "\n"


def parse_text(text: str) -> list[ParsedForm]:
    return [parse_form(form) for form in split_forms(text)]


__all__ = [
    "ALIASES", "MAX_FORMS", "TEMPLATES", "FormText", "Layout", "ParsedForm", "canonical_key", "layout",
    "normalize_label", "parse_form", "parse_text", "split_forms", "split_label",
]  # fmt: skip
