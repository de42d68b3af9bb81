"""The big reseller's domain list and search, as the API runs them (`bench_registrar.py lists`).

Each shape is a queryset over the services the reseller's user may see — `registrar.access.
services_visible_to(user)` when it exists, else the same filter written here — evaluated to one page of 50
rows of the fields a list shows, `--repeat` times after one warm-up; printed as p50/p95/p99 milliseconds of
this process's wall time (the database's and Django's share together: what the API's view would spend
before rendering JSON). Offset pages and keyset pages ("after this name / expiry") are both measured.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.db.models import Q, QuerySet

PAGE = 50
DEEP = 1000  # the deep page's number: offset 50,000
FIELDS = ("id", "name", "expires_at", "statuses", "auto_renew", "sponsored", "customer_id")


def visible(reseller: Any) -> QuerySet[Any]:
    """What a user of the reseller sees: through the access function when it has been written."""
    from kzreg.registrar.models import Service

    try:
        from kzreg.registrar.access import services_visible_to  # type: ignore[attr-defined]
    except ImportError:
        return Service.objects.filter(registrar_handle="PS-KZ", reseller=reseller)
    user = reseller_user(reseller)
    return services_visible_to(user)


def reseller_user(reseller: Any) -> Any:
    """A staff user of the reseller (made once)."""
    from django.contrib.auth import get_user_model

    from kzreg.accounts.models import StaffProfile

    user, made = get_user_model().objects.get_or_create(username="regbench-admin")
    if made:
        StaffProfile.objects.create(user=user, organisation="reseller", reseller=reseller, administrator=True)
    return user


def timed(make: Callable[[], Any], repeat: int) -> list[float]:
    make()  # warm: plans, caches
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        make()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def page(qs: QuerySet[Any], start: int = 0) -> list[dict[str, Any]]:
    return list(qs.values(*FIELDS)[start : start + PAGE])


def shapes(base: Callable[[], QuerySet[Any]]) -> dict[str, Callable[[], Any]]:
    now = dt.datetime.now(dt.UTC)
    by_name, by_expiry = base().order_by("name"), base().order_by("expires_at", "id")
    deep_name = by_name.values_list("name", flat=True)[DEEP * PAGE - 1]
    deep_expiry = by_expiry.values_list("expires_at", "id")[DEEP * PAGE - 1]
    soon = Q(expires_at__gte=now, expires_at__lt=now + dt.timedelta(days=30))

    def after_expiry(at: dt.datetime, pk: int) -> QuerySet[Any]:
        """(expires_at, id) > (at, pk) as a range the index can start from (an OR of the two is a scan)."""
        return base().filter(expires_at__gte=at).exclude(expires_at=at, id__lte=pk).order_by("expires_at", "id")

    def api_page(qs: QuerySet[Any], start: int) -> Any:  # what /api/v1/domains does: total, then the page
        return qs.count(), page(qs.order_by("-id"), start)

    return {
        "API: newest first + total, page 1": lambda: api_page(base(), 0),
        f"API: newest first + total, page {DEEP}": lambda: api_page(base(), DEEP * PAGE),
        "API: contains 'nur' + total, page 1": lambda: api_page(base().filter(name__contains="nur"), 0),
        "API: status serverHold + total, page 1": lambda: api_page(base().filter(statuses__contains=["serverHold"]), 0),
        "API: expiry range (__date) + total, page 1": lambda: api_page(
            base().filter(expires_at__date__gte=now.date(), expires_at__date__lt=(now + dt.timedelta(days=30)).date()),
            0,
        ),
        "first page, by name": lambda: page(base().order_by("name")),
        "first page, by expiry": lambda: page(base().order_by("expires_at", "id")),
        f"page {DEEP}, by name (OFFSET)": lambda: page(base().order_by("name"), DEEP * PAGE),
        f"page {DEEP}, by expiry (OFFSET)": lambda: page(base().order_by("expires_at", "id"), DEEP * PAGE),
        f"page {DEEP}, by name (keyset: name > last)": lambda: page(base().filter(name__gt=deep_name).order_by("name")),
        f"page {DEEP}, by expiry (keyset)": lambda: page(after_expiry(*deep_expiry)),
        "count of all": lambda: base().count(),
        "name contains 'ab', by name": lambda: page(base().filter(name__contains="ab").order_by("name")),
        "name contains 'nur', by name": lambda: page(base().filter(name__contains="nur").order_by("name")),
        "name contains 'qzxj' (no match)": lambda: page(base().filter(name__contains="qzxj").order_by("name")),
        "name contains 'nur', count": lambda: base().filter(name__contains="nur").count(),
        "status serverHold, by name": lambda: page(base().filter(statuses__contains=["serverHold"]).order_by("name")),
        "status ok, by expiry": lambda: page(base().filter(statuses__contains=["ok"]).order_by("expires_at", "id")),
        "status serverHold, count": lambda: base().filter(statuses__contains=["serverHold"]).count(),
        "expired (expiry before now), by expiry": lambda: page(
            base().filter(expires_at__lt=now).order_by("expires_at", "id")
        ),
        "expiring in 30 days, by expiry": lambda: page(base().filter(soon).order_by("expires_at", "id")),
        "expiring in 30 days, count": lambda: base().filter(soon).count(),
        "contains 'a' + ok + 30 days, by expiry": lambda: page(
            base().filter(soon, name__contains="a", statuses__contains=["ok"]).order_by("expires_at", "id")
        ),
        **cyrillic_shapes(base, api_page),
    }


# Parts of Cyrillic names as the API's `name_contains` takes them (URL-encoded by the caller): a common
# word part, a rarer one, one with a digit, one mixed with the zone, and one that matches nothing.
CYRILLIC = ("нұр", "мектеп", "ұлп", "нұр8", "ар.қаз", "щюэ")
# `bench_registrar.py api-lists` shapes (`registrar_http.list_shapes` takes them in): query strings.
API_CYRILLIC = {f"name contains '{part}' (Cyrillic) + total": f"name_contains={quote(part)}&include_total=true"
                for part in ("нұр", "мектеп", "щюэ")}  # fmt: skip
API_CYRILLIC |= {
    f"name contains '{part}' (Cyrillic)": f"name_contains={quote(part)}" for part in ("нұр", "ұлп", "ар.қаз")
}
API_CYRILLIC["name contains 'нұр' (Cyrillic), by name"] = f"name_contains={quote('нұр')}&sort=name"


def cyrillic_shapes(base: Callable[[], QuerySet[Any]], api_page: Callable[..., Any]) -> dict[str, Callable[[], Any]]:
    """Part of a Cyrillic name (issue 12): the search's own filter (`registrar.models.name_search`, the
    Unicode name's trigram index); none before it existed (a tree without it is measured without them)."""
    try:
        from kzreg.registrar.models import name_search  # type: ignore[attr-defined]
    except ImportError:
        return {}
    shapes: dict[str, Callable[[], Any]] = {}
    for part in CYRILLIC:
        shapes[f"API: contains '{part}' + total, page 1"] = lambda p=part: api_page(base().filter(name_search(p)), 0)
    for part in CYRILLIC[:3]:
        shapes[f"name contains '{part}', by name"] = lambda p=part: page(base().filter(name_search(p)).order_by("name"))
    shapes["name contains 'нұр', count"] = lambda: base().filter(name_search("нұр")).count()
    return shapes


def run(repeat: int) -> None:
    from kzreg.resellers.models import Reseller

    reseller = Reseller.objects.get(handle="RB-BIG")
    total = visible(reseller).count()
    print(f"lists: reseller {reseller.handle} with {total:,} services; {connection.vendor}; {repeat} runs per shape")
    for label, make in shapes(lambda: visible(reseller)).items():
        spent = sorted(timed(make, repeat))
        p50, p95, p99 = (spent[min(len(spent) - 1, int(len(spent) * share))] for share in (0.5, 0.95, 0.99))
        print(f"  {label:48s} p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms")
