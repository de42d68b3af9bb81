"""A text → the forms in it (T1, T4): each from its version line to the end marker, the next form or
the end of the text; a forwarded form's `>` quoting removed.

Version lines and end markers are matched ignoring case. Searching a whole message with a
case-insensitive regular expression tries every position and costs more than reading the fields, so
both are found with `str.find` in the lower-cased text whenever that finds exactly the same
(`_plain_lower`), and by the regular expression otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kzreg.template_mail.blank import END_MARKERS
from kzreg.template_mail.formlayout import _KEY_RE, canonical_key, layout


@dataclass
class FormText:
    template: str
    text: str  # the form's lines joined with "\n" (line ends of any kind), quoting removed
    first_line: int  # 1-based line number of the version line in the text it came from
    version: str  # the version line as found ("" when missing)

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []


_VERSION_LINE_RE = re.compile(
    r"^(?P<quote>[> \t]*)(?P<template>domain|contact|host)[ \t]+version[ \t]+number\b[^\n]*", re.I | re.M
)
# The end of a form: the first line that is not a field line and holds an end marker or the start of a
# signature (matched ignoring case). Searched with `str.find` in the lower-cased text (`_plain_lower`),
# many times cheaper than a case-insensitive regular expression scanning every position.
_END_RE = re.compile(
    r"^(?![ \t>]*\d)[^\n]*?(?:" + "|".join(re.escape(m) for m in END_MARKERS) + r"|-----BEGIN PGP SIGNATURE-----)",
    re.I | re.M,
)
_END_MARKS = (*(m.lower() for m in END_MARKERS), "-----begin pgp signature-----")
_RE_I_ONLY = "ıſ\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88"
_FIELD_START_RE = re.compile(r"[ \t>]*\d")


def _end_of_form(body: str, low: str | None) -> int:
    """Where the line holding the first end marker starts (`len(body)` when there is none); `low` is
    the body lower-cased, or None when only the regular expression can tell."""
    if low is None:
        m = _END_RE.search(body)
        return m.start() if m else len(body)
    pos = 0
    while True:
        first = -1  # the earliest marker from `pos`; each later search stops where it could no longer win
        for mark in _END_MARKS:
            i = low.find(mark, pos) if first < 0 else low.find(mark, pos, first - 1 + len(mark))
            if i >= 0:
                first = i
        if first < 0:
            return len(body)
        line_start = body.rfind("\n", 0, first) + 1
        if not _FIELD_START_RE.match(body, line_start):
            return line_start
        pos = body.find("\n", first)
        if pos < 0:
            return len(body)


def _plain_lower(text: str) -> str | None:
    """The text lower-cased when `str.find` in it finds exactly what a case-insensitive regular
    expression would: every position kept (checked by length), and none of the few letters that only
    `re.I` equates with an ASCII or Cyrillic one (dotless ı, long ſ, old Cyrillic forms)."""
    low = text.lower()
    if len(low) != len(text) or any(ch in text for ch in _RE_I_ONLY):
        return None
    return low


def _version_lines(text: str, low: str | None) -> list[re.Match[str]]:
    """The version lines, in order. Each holds the word "version", so only lines holding it are tried."""
    if low is None:
        return list(_VERSION_LINE_RE.finditer(text))
    found = []
    pos = low.find("version")
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        m = _VERSION_LINE_RE.match(text, line_start)
        if m is not None:
            found.append(m)
        line_end = text.find("\n", pos)
        pos = low.find("version", line_end) if line_end >= 0 else -1
    return found


def split_forms(text: str) -> list[FormText]:
    """Each form in a text: from its version line to the end marker, the next form or the end."""
    low = _plain_lower(text)
    starts = _version_lines(text, low)
    if not starts:
        lines = text.splitlines()
        return [FormText("domain", "\n".join(lines), 1, "")] if _looks_like_unversioned_form(lines) else []
    forms = []
    for i, m in enumerate(starts):
        body_start = m.end() + 1
        body_end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[body_start:body_end]
        body = body[: _end_of_form(body, low[body_start:body_end] if low is not None else None)]
        quote = m["quote"]
        if quote:
            lines = [line[len(quote) :] if line.startswith(quote) else line.lstrip("> ") for line in body.splitlines()]
            form_text = "\n".join(lines)
        else:
            form_text = _joined_lines(body)
        version = m.group(0)[len(quote) :].strip()
        forms.append(FormText(m["template"].lower(), form_text, text.count("\n", 0, m.start()) + 1, version))
    return forms


# Every line boundary `str.splitlines` knows besides "\n" (and "\r\n", replaced first).
_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _joined_lines(body: str) -> str:
    r"""`"\n".join(body.splitlines())`, without building a list of lines in the usual case (only "\n"
    or "\r\n" line ends), where it is the text with CRLF replaced and a last line end dropped."""
    joined = body.replace("\r\n", "\n")
    if any(ch in joined for ch in _OTHER_LINE_BREAKS):
        return "\n".join(body.splitlines())
    return joined[:-1] if joined.endswith("\n") else joined


def _looks_like_unversioned_form(lines: list[str]) -> bool:
    keys = {canonical_key(m["key"]) for line in lines if (m := _KEY_RE.match(line.strip()))}
    return {"0a", "2"} <= keys or len(keys & set(layout("domain").order)) >= 5
