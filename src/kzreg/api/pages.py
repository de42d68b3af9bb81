"""Keyset pages for the API's lists (issue 12, Speed): "the rows after this one", so page 2,000 costs what
page 1 costs. An OFFSET reads and throws away every row before the page, and a count of the whole list
reads every row of it; neither is done unless asked for.

A page reads `limit + 1` rows in the chosen order with the row's id as tie-breaker; the extra row only says
that a next page exists. The cursor (`after`) names the sort and the last row's sort value and id, signed
with the site's secret so that a cursor changed by hand is refused (400 naming `after`) instead of
silently showing another part of the list. Rows without a value (an unknown expiry) come after the others
ascending and before them descending, read as their own part, so every query is one range of an index
such as `(reseller_id, expires_at, id)`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.crypto import salted_hmac

from kzreg.api.errors import problem
from kzreg.api.problems import ApiCode
from kzreg.core import keyset

SALT = "kzreg.api.pages"
SIGNATURE_BYTES = 12


@dataclass(frozen=True)
class Sort:
    key: str  # as the API names it, without the "-" of descending
    field: str
    parse: Callable[[Any], Any] = lambda value: value
    nullable: bool = False  # rows without a value: after the others ascending, before them descending
    unique: bool = False  # the value alone orders the rows


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    has_more: bool
    next_after: str | None


def _signature(payload: bytes, secret: str | None = None) -> bytes:
    return salted_hmac(SALT, payload, secret=secret, algorithm="sha256").digest()[:SIGNATURE_BYTES]


def _genuine(signature: bytes, payload: bytes) -> bool:
    """Signed with the site's secret, or one it was rotated from (`KZREG_SECRET_KEY_FALLBACKS`)."""
    keys = [None, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(signature, _signature(payload, key)) for key in keys)


def encode_cursor(sort: str, value: Any, row_id: int) -> str:
    shown = value.isoformat() if isinstance(value, dt.datetime) else value
    payload = json.dumps([sort, shown, row_id], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(_signature(payload) + payload).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: str, option: Sort, field: str = "after") -> tuple[Any, int]:
    """The sort value and id a cursor names; a cursor that was changed, is of another sort, or does not
    parse is a 400 naming `field`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        signature, payload = raw[:SIGNATURE_BYTES], raw[SIGNATURE_BYTES:]
        if not _genuine(signature, payload):
            raise ValueError("signature")
        made_for, value, row_id = json.loads(payload.decode("utf-8"))
        if made_for != sort:
            raise problem(ApiCode.CURSOR_OTHER_SORT, field, sort=made_for)
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise ValueError("id")
        return (None if value is None else option.parse(value)), row_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise problem(ApiCode.CURSOR_INVALID, field) from None


def keyset_page(rows: QuerySet[Any], option: Sort, sort: str, after: str, limit: int, offset: int = 0) -> KeysetPage:
    """One page of `rows` in `sort` (`key` or `-key` of `option`) after the cursor `after` (or, for old
    clients, after skipping `offset` rows: slow deep in a long list, kept for compatibility)."""
    descending = sort.startswith("-")
    parts = keyset.parts(rows, option, descending)
    if after:
        value, last_id = decode_cursor(after, sort, option)
        at = next(i for i, (holds_nulls, _) in enumerate(parts) if holds_nulls == (value is None))
        parts = [(parts[at][0], keyset.after(parts[at][1], option, descending, value, last_id)), *parts[at + 1 :]]
    found: list[Any] = []
    skip = offset
    for _, part in parts:
        if skip:
            taken = _skipping(part, skip, limit + 1 - len(found))
            skip = 0 if taken else skip - part.count()  # past this part: skip the rest in the next one
        else:
            taken = list(part[: limit + 1 - len(found)])
        found.extend(taken)
        if len(found) > limit:
            break
    shown, more = found[:limit], len(found) > limit
    last = shown[-1] if shown else None
    next_after = encode_cursor(sort, getattr(last, option.field), last.pk) if more and last is not None else None
    return KeysetPage(shown, more, next_after)


def _skipping(part: QuerySet[Any], skip: int, count: int) -> list[Any]:
    """`list(part[skip : skip + count])`, the skipped rows read as ids only: the database then walks the
    index alone (an index-only scan where the order's index holds the filter and the id) and reads the
    table only for the page. RB-BIG's page 1,000 of 1M: 64 ms → 8 ms (docs/benchmarks.md, session 13).
    A row gone between the two reads is left out, as it would be from a page read a moment later."""
    ids = list(part.values_list("pk", flat=True)[skip : skip + count])
    if not ids:
        return []
    by_id = {row.pk: row for row in part.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]
