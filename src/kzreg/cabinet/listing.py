"""Lists that stay fast with 100,000 rows: keyset pages ("the rows after this one"), never OFFSET, never a
count of the whole list.

A page reads `size + 1` rows in the chosen order with the row's id as tie-breaker, so the extra row only
says a next page exists. The cursor (`?after=`) is the last row's sort value and id, opaque to the user;
a cursor that does not parse starts from the first page instead of failing. A cursor starting with `~`
reads backwards (the rows before that one: the same ranges in the reversed order, which is the order
with its direction flipped), so the pager's "previous" link needs nothing from the pages. Rows without a value (an
unknown expiry) come last ascending and first descending, and are read as their own part, so that every
query is one range of an index such as `(reseller_id, expires_at, id)` or `(reseller_id, name)`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kzreg.core import keyset

PAGE_SIZE = 50
BACK = "~"  # not in the URL-safe base64 alphabet


@dataclass(frozen=True)
class SortOption:
    key: str  # the URL's name for it: `sort=name`, `sort=-name`
    field: str
    parse: Callable[[str], Any] = str
    nullable: bool = False  # rows without a value come after the others ascending, before them descending
    unique: bool = False  # the value alone orders the rows (no id needed to break ties)


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    sort: str  # as asked: "name" or "-name"
    next_cursor: str
    first: bool
    previous_cursor: str = ""


def _encode(value: Any, row_id: int) -> str:
    shown = value.isoformat() if isinstance(value, dt.datetime | dt.date) else value
    raw = json.dumps([shown, row_id], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(cursor: str, parse: Callable[[str], Any]) -> tuple[Any, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, row_id = json.loads(raw.decode("utf-8"))
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            return None
        return (None if value is None else parse(value)), row_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        return None


def choose_sort(asked: str, options: Sequence[SortOption]) -> tuple[SortOption, bool, str]:
    """The sort asked for (`-` first: descending), else the first option ascending."""
    descending = asked.startswith("-")
    by_key = {option.key: option for option in options}
    option = by_key.get(asked.lstrip("-"))
    if option is None:
        return options[0], False, options[0].key
    return option, descending, asked


def keyset_page(rows: QuerySet, options: Sequence[SortOption], asked: str, cursor: str, size: int = PAGE_SIZE) -> Page:
    option, descending, sort = choose_sort(asked, options)
    backwards = cursor.startswith(BACK)
    after = _decode(cursor.removeprefix(BACK), option.parse) if cursor else None
    way = descending != (backwards and after is not None)
    parts = keyset.parts(rows, option, way)
    if after is not None:
        at = next(i for i, (holds_nulls, _) in enumerate(parts) if holds_nulls == (after[0] is None))
        parts = [(parts[at][0], keyset.after(parts[at][1], option, way, *after)), *parts[at + 1 :]]
    found: list[Any] = []
    for _, part in parts:
        found.extend(part[: size + 1 - len(found)])
        if len(found) > size:
            break
    shown, more = found[:size], len(found) > size
    if backwards and after is not None:  # read in the reversed order: shown the right way round
        shown.reverse()
        before, beyond = more, True
    else:
        before, beyond = after is not None, more
    next_cursor = _encode(getattr(shown[-1], option.field), shown[-1].pk) if beyond and shown else ""
    previous_cursor = BACK + _encode(getattr(shown[0], option.field), shown[0].pk) if before and shown else ""
    return Page(shown, sort, next_cursor, not before, previous_cursor)


def as_id(raw: str) -> int:
    """An id from a URL or a query; anything else is 0, which the access functions answer with 404."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
