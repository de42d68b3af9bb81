"""Calls per token per minute (`KZREG_API_RATE_PER_MINUTE`), counted in the database so that every web
process shares the count: a fixed one-minute window, its row bumped with one UPDATE."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

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
    window = now.replace(second=0, microsecond=0)
    updated = RateWindow.objects.filter(token=token, window=window).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateWindow.objects.create(token=token, window=window, count=1)
        except IntegrityError:  # another process opened the window at the same moment
            RateWindow.objects.filter(token=token, window=window).update(count=F("count") + 1)
        RateWindow.objects.filter(token=token, window__lt=window - dt.timedelta(minutes=5)).delete()
    count = RateWindow.objects.filter(token=token, window=window).values_list("count", flat=True).first() or 0
    if count > limit:
        seconds = max(1, 60 - now.second)
        error = problem(ApiCode.RATE_LIMITED, limit=limit, seconds=seconds)
        error.headers["Retry-After"] = str(seconds)
        raise error
