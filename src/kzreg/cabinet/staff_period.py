"""What the registrar staff pages share: who may open them, and a period of days typed as `from`/`to`
(YYYY-MM-DD, Almaty days, both included; by default the last 30 days), kept as typed with a problem
beside the field it is in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from kzreg.accounts.roles import Permission, permissions_of, profile_of
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.texts import text
from kzreg.core import clock

DEFAULT_DAYS = 30


def staff_only(user: Any) -> None:
    """The staff pages are for users with registrar roles; a reseller's user or a registrant: 403."""
    profile = profile_of(user)
    if profile is None or profile.organisation != "registrar" or Permission.VIEW not in permissions_of(user):
        raise PermissionDenied(text("staff.only"))


@dataclass
class Period:
    typed: Typed
    start: dt.datetime  # the first moment of the `from` day
    end: dt.datetime  # the first moment after the `to` day

    @property
    def valid(self) -> bool:
        return not self.typed.errors


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_default_timezone())


def read_period(request: HttpRequest, names: tuple[str, ...] = ()) -> Period:
    """The period asked for (and any other `names` from the query), problems beside `from` or `to`."""
    typed = Typed({name: request.GET.get(name, "").strip()[:200] for name in ("from", "to", *names)})
    today = timezone.localdate(clock.now())
    typed.values["to"] = typed.values["to"] or today.isoformat()
    typed.values["from"] = typed.values["from"] or (today - dt.timedelta(days=DEFAULT_DAYS - 1)).isoformat()
    first, last = _day(typed.values["from"]), _day(typed.values["to"])
    for name, day in (("from", first), ("to", last)):
        if day is None:
            typed.add(name, text("staff.bad_date"))
    if first is not None and last is not None and last < first:
        typed.add("to", text("staff.bad_period"))
    first, last = first or today, last or today
    return Period(typed, _midnight(first), _midnight(last + dt.timedelta(days=1)))
