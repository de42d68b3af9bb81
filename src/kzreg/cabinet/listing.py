"""Lists that stay fast with 100,000 rows: keyset pages ("the rows after this one"), never OFFSET, never a
count of the whole list.

A page reads `size + 1` rows in the chosen order with the row's id as tie-breaker, so the extra row only
says a next page exists. The cursor (`?after=`) is the last row's sort value and id, opaque to the user;
a cursor that does not parse starts from the first page instead of failing. Rows without a value (an
unknown expiry) come last in either direction.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

PAGE_SIZE = 50


@dataclass(frozen=True)
class SortOption:
    key: str  # the URL's name for it: `sort=name`, `sort=-name`
    field: str
    parse: Callable[[str], Any] = str


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    sort: str  # as asked: "name" or "-name"
    next_cursor: str
    first: bool


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
    field = option.field
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    rows = rows.order_by(order, "-id" if descending else "id")
    after = _decode(cursor, option.parse) if cursor else None
    if after is not None:
        value, last_id = after
        beyond = "lt" if descending else "gt"
        if value is None:
            rows = rows.filter(Q(**{f"{field}__isnull": True, f"id__{beyond}": last_id}))
        else:
            rows = rows.filter(
                Q(**{f"{field}__{beyond}": value})
                | Q(**{field: value, f"id__{beyond}": last_id})
                | Q(**{f"{field}__isnull": True})
            )
    found = list(rows[: size + 1])
    shown = found[:size]
    next_cursor = ""
    if len(found) > size:
        last = shown[-1]
        next_cursor = _encode(getattr(last, field), last.pk)
    return Page(shown, sort, next_cursor, after is None)


def as_id(raw: str) -> int:
    """An id from a URL or a query; anything else is 0, which the access functions answer with 404."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
