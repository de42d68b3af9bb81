"""The registrar's regulation for resellers in force (C5, PS-9.3: the version in force is always published).

Its text ships with kzreg as a file of this package (the seed's text, as approved, in Kazakh), in the small
Markdown subset the seed uses: `#`/`##` headings, `- ` items, paragraphs, `**bold**`, `[text](url)` and
`<url>` links. `render()` turns it into HTML with every character of the text escaped first, so nothing
in the file can become markup. The compliance work will manage versions; until then the newest file is
the one in force.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

FOLDER = Path(__file__).resolve().parent
FILE_NAME = re.compile(r"reseller-regulation-(\d{4}-\d{2}-\d{2})\.(kk|ru|en)\.txt")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BARE_LINK = re.compile(r"&lt;(https?://[^\s&]+)&gt;")


@dataclass(frozen=True)
class Regulation:
    version: dt.date
    language: str
    text: str

    @property
    def title(self) -> str:
        return next((line.lstrip("# ").strip() for line in self.text.splitlines() if line.startswith("# ")), "")


@functools.cache
def in_force() -> Regulation:
    """The newest regulation file of this package."""
    found = sorted((FILE_NAME.fullmatch(p.name), p) for p in FOLDER.glob("reseller-regulation-*.txt"))
    found = [(m, p) for m, p in found if m is not None]
    match, path = max(found, key=lambda pair: pair[0].group(1))  # type: ignore[union-attr]
    assert match is not None
    return Regulation(dt.date.fromisoformat(match.group(1)), match.group(2), path.read_text(encoding="utf-8"))


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    escaped = _LINK.sub(r'<a href="\2" rel="noopener">\1</a>', escaped)
    return _BARE_LINK.sub(r'<a href="\1" rel="noopener">\1</a>', escaped)


def render(text: str) -> SafeString:
    """The text as HTML: `#` → h2, `##` → h3 (the page's own h1 is the title), items → lists."""
    out: list[str] = []
    in_list = False
    for raw in text.splitlines():
        line = raw.strip()
        is_item = line.startswith("- ")
        if in_list and not is_item:
            out.append("</ul>")
            in_list = False
        if not line:
            continue
        if line.startswith("## "):
            out.append(f"<h3>{_inline(line[3:])}</h3>")
        elif line.startswith("# "):
            out.append(f"<h2>{_inline(line[2:])}</h2>")
        elif is_item:
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line[2:])}</li>")
        else:
            out.append(f"<p>{_inline(line)}</p>")
    if in_list:
        out.append("</ul>")
    return mark_safe("\n".join(out))  # every piece of text went through html.escape
