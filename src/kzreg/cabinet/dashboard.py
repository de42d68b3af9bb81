"""The dashboard: balance and credit, domains expiring in 30/60/90 days, today's orders and their
states, and registrations and renewals per month. Every number is read through `registrar.access`;
each block is one query (the expiry counts one aggregate over one index range, the chart two grouped
counts, kept for `CHART_SECONDS`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kzreg.accounts.roles import Permission, permissions_of
from kzreg.billing.money import Money
from kzreg.cabinet import chart
from kzreg.cabinet.guard import cabinet_page
from kzreg.core import clock
from kzreg.registrar.access import account_of, orders_visible_to, services_visible_to
from kzreg.registrar.models import OrderKind, OrderState

WINDOWS = (30, 60, 90)
CHART_MONTHS = 12
TODAY_SHOWN = 20
CHART_SECONDS = 300  # how long the chart's counts are kept (per user and day)


def money_block(user: Any) -> dict[str, Any] | None:
    """Balance, credit limit and what may still be spent; None without the pay permission."""
    if Permission.PAY not in permissions_of(user):
        return None
    try:
        account = account_of(user)
    except Http404:
        return {"account": None}
    credit = account.credit_limit or Money.zero(account.currency)
    return {"account": account, "balance": account.balance, "credit": credit, "spendable": account.balance + credit}


def expiring(user: Any, now: dt.datetime) -> list[tuple[int, int]]:
    horizon = now + dt.timedelta(days=max(WINDOWS))  # one index range: (reseller, expires_at)
    rows = services_visible_to(user).filter(sponsored=True, expires_at__gte=now, expires_at__lt=horizon)
    counts = rows.aggregate(
        **{f"d{days}": Count("id", filter=Q(expires_at__lt=now + dt.timedelta(days=days))) for days in WINDOWS}
    )
    return [(days, counts[f"d{days}"]) for days in WINDOWS]


def todays_orders(user: Any, now: dt.datetime) -> dict[str, Any]:
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = orders_visible_to(user).filter(created_at__gte=midnight)
    by_state = dict(rows.values_list("state").annotate(n=Count("id")).order_by())
    return {
        "orders": list(rows.order_by("-id")[:TODAY_SHOWN]),
        "by_state": [(state, by_state[state]) for state in OrderState.values if by_state.get(state)],
    }


def per_month(user: Any, now: dt.datetime) -> list[chart.Month]:
    """The chart's bars. Counting a big reseller's registrations by month reads each of its services (no
    index orders them by creation), so the counts are kept for a few minutes per user and day."""
    today = timezone.localtime(now).date()
    key = f"cabinet:per-month:{user.pk}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = _counts_per_month(user, today)
        cache.set(key, counts, CHART_SECONDS)
    return chart.layout(chart.months_back(today, CHART_MONTHS), *counts)


def _counts_per_month(user: Any, today: dt.date) -> tuple[dict[dt.date, int], dict[dt.date, int]]:
    starts = chart.months_back(today, CHART_MONTHS)
    since = timezone.make_aware(dt.datetime.combine(starts[0], dt.time()))
    month = TruncMonth("created_at", tzinfo=timezone.get_current_timezone())
    created_rows = services_visible_to(user).filter(created_at__gte=since).annotate(month=month)
    created = _by_month(created_rows.values_list("month").annotate(n=Count("id")).order_by())
    renewals = orders_visible_to(user).filter(
        kind=OrderKind.RENEW, state__in=(OrderState.DONE, OrderState.RECONCILED), created_at__gte=since
    )
    renewed = _by_month(renewals.annotate(month=month).values_list("month").annotate(n=Count("id")).order_by())
    return created, renewed


def _by_month(rows: Any) -> dict[dt.date, int]:
    counts: dict[dt.date, int] = {}
    for month, n in rows:
        day = month.date() if isinstance(month, dt.datetime) else month
        counts[day.replace(day=1)] = counts.get(day.replace(day=1), 0) + n
    return counts


@cabinet_page
def dashboard_page(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    user = request.user
    context = {
        "money": money_block(user),
        "expiring": expiring(user, now),
        "today": todays_orders(user, now),
        "months": per_month(user, now),
        "chart": {"width": chart.WIDTH, "height": chart.HEIGHT, "baseline": chart.HEIGHT - chart.BOTTOM},
        "chart_months": CHART_MONTHS,
        "now": now,
    }
    return render(request, "cabinet/pages/dashboard.html", context)
