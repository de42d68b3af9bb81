"""The dashboard: balance and credit, domains expiring in 30/60/90 days, today's orders and their
states, and registrations and renewals per month. Every number is read through `registrar.access`;
each block is one query over one index range that the count reads without the rows (registrar
migration 0007): the expiry windows one aggregate, today's orders one grouped count, the chart two
grouped counts, kept for `CHART_SECONDS`. Open tickets wait for a ticket system (there is none yet)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
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
    """One range of the partial index of sponsored services (reseller, expires_at); counting `expires_at`
    (never null in the range) rather than `id` keeps the count inside the index."""
    horizon = now + dt.timedelta(days=max(WINDOWS))
    rows = services_visible_to(user).filter(sponsored=True, expires_at__gte=now, expires_at__lt=horizon)
    counts = rows.aggregate(
        **{f"d{days}": Count("expires_at", filter=Q(expires_at__lt=now + dt.timedelta(days=days))) for days in WINDOWS}
    )
    return [(days, counts[f"d{days}"]) for days in WINDOWS]


def todays_orders(user: Any, now: dt.datetime) -> dict[str, Any]:
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = orders_visible_to(user).filter(created_at__gte=midnight)
    by_state = dict(rows.values_list("state").annotate(n=Count("*")).order_by())
    return {
        "orders": list(rows.order_by("-id")[:TODAY_SHOWN]),
        "by_state": [(state, by_state[state]) for state in OrderState.values if by_state.get(state)],
    }


def per_month(user: Any, now: dt.datetime) -> list[chart.Month]:
    """The chart's bars: two counts, each one index range read without the rows (services by (reseller,
    created_at), orders by (payer, created_at, kind, state)), kept for a few minutes per user and day all
    the same (a big reseller's year is still ~100,000 index entries to count)."""
    today = timezone.localtime(now).date()
    key = f"cabinet:per-month:{user.pk}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = _counts_per_month(user, today)
        cache.set(key, counts, CHART_SECONDS)
    return chart.layout(chart.months_back(today, CHART_MONTHS), *counts)


def _counts_per_month(user: Any, today: dt.date) -> tuple[dict[dt.date, int], dict[dt.date, int]]:
    starts = chart.months_back(today, CHART_MONTHS)
    created = _by_month(services_visible_to(user), starts)
    renewals = orders_visible_to(user).filter(kind=OrderKind.RENEW, state__in=(OrderState.DONE, OrderState.RECONCILED))
    return created, _by_month(renewals, starts)


def _by_month(rows: QuerySet[Any], starts: list[dt.date]) -> dict[dt.date, int]:
    """One aggregate: a count per month between local midnights, `created_at` compared as stored (cheaper
    per row than truncating each row's time to its month in the database, ~2x on PostgreSQL)."""
    edges = [timezone.make_aware(dt.datetime.combine(start, dt.time())) for start in starts]
    windows = {}
    for i, low in enumerate(edges):
        within = Q(created_at__gte=low) & (Q(created_at__lt=edges[i + 1]) if i + 1 < len(edges) else Q())
        windows[f"m{i}"] = Count("created_at", filter=within)
    counts = rows.filter(created_at__gte=edges[0]).aggregate(**windows)
    return {start: counts[f"m{i}"] for i, start in enumerate(starts) if counts[f"m{i}"]}


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
