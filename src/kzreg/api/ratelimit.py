"""Calls per token per minute (`KZREG_API_RATE_PER_MINUTE`), counted in the database so that every web
process shares the count: a fixed one-minute window, its row made or bumped by one UPSERT that
answers the new count."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, cast

from django.conf import settings

from kzreg.api import statements
from kzreg.api.errors import problem
from kzreg.api.models import ApiToken, RateWindow
from kzreg.api.problems import ApiCode
from kzreg.core import clock


def per_minute() -> int:
    return int(cast(dict[str, Any], settings.KZREG_API)["RATE_PER_MINUTE"])


def count_call(token: ApiToken) -> None:
    """Counts this call; over the limit, a 429 with `Retry-After` (seconds to the next window)."""
    limit = per_minute()
    if limit <= 0:
        return
    now = clock.now()
    counted = getattr(token, "_kzreg_counted", None)  # counted by the token's own read (tokens.verify)
    window, count = counted if counted is not None else (now.replace(second=0, microsecond=0), None)
    if count is None:
        count = _bump(token.pk, window)
    if count == 1:  # this call opened the window: the token's old ones go (once a minute per token)
        RateWindow.objects.filter(token_id=token.pk, window__lt=window - dt.timedelta(minutes=5)).delete()
    if count > limit:
        seconds = max(1, 60 - now.second)
        error = problem(ApiCode.RATE_LIMITED, limit=limit, seconds=seconds)
        error.headers["Retry-After"] = str(seconds)
        raise error


def _bump(token_id: int, window: dt.datetime) -> int:
    """The window's count after this call, in one statement (an UPSERT: the row made by the first call of
    the minute, counted up by the others; PostgreSQL and SQLite ≥ 3.35 alike), prepared on PostgreSQL."""
    found = statements.run(RateWindow, _bump_sql(statements.vendor(RateWindow)),
                           [token_id, statements.prep(RateWindow, "window", window)])  # fmt: skip
    return int(found[0][0])


@functools.cache
def _bump_sql(vendor: str) -> str:
    q = functools.partial(statements.quote, RateWindow)
    table, token, window, count = (
        statements.table(RateWindow),
        q("token_id"),
        q("window"),
        q("count"),
    )  # WINDOW is reserved
    return (
        f"INSERT INTO {table} ({token}, {window}, {count}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({token}, {window}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"
    )
