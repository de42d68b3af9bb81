"""The revenue report in the registry's back-office: the registry's book only (nobody sees another
organisation's book), by month and zone, operation, registrar or reseller, a chart of monthly revenue
per currency (SVG drawn on the server, `chart.py`) with the same figures as a table beside it, and the
rows as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from kzreg.billing.books import registry_book
from kzreg.billing.chart import monthly_chart
from kzreg.billing.models import RevenueReport
from kzreg.billing.reports import DIMENSIONS, ageing, monthly_totals, revenue, revenue_csv
from kzreg.core import clock
from kzreg.core.backoffice import ReadOnlyAdmin
from kzreg.core.errors import OperationFailed


def _day(raw: str | None, default: dt.date) -> tuple[dt.date, str | None]:
    if not raw:
        return default, None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return default, raw


@admin.register(RevenueReport)
class RevenueReportAdmin(ReadOnlyAdmin):
    """One page, no rows to add, change or delete: what the registry's book earned."""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.admin_site.has_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        today = clock.now().date()
        end, bad_end = _day(request.GET.get("to"), today.replace(day=1) + dt.timedelta(days=32))
        end = end.replace(day=1) if not bad_end and not request.GET.get("to") else end
        start, bad_start = _day(request.GET.get("from"), end.replace(year=end.year - 1))
        by = request.GET.get("by", "zone")
        errors = [f"{name}: {raw}" for name, raw in (("from", bad_start), ("to", bad_end)) if raw]
        book = registry_book(clock.now())
        rows = []
        try:
            rows = revenue(book, by, start, end)
        except OperationFailed as refusal:
            errors += refusal.render()
        if request.GET.get("format") == "csv" and not errors:
            response = HttpResponse(revenue_csv(rows, by), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="revenue-{by}-{start}-{end}.csv"'
            return response
        totals = monthly_totals(rows)
        currencies = sorted({c for _, amounts in totals for c in amounts})
        charts = [
            monthly_chart(currency, [(month, amounts[currency]) for month, amounts in totals if currency in amounts])
            for currency in currencies
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Revenue",
            "opts": self.model._meta,
            "book": book,
            "rows": rows,
            "charts": charts,
            "by": by,
            "dimensions": DIMENSIONS,
            "start": start,
            "end": end,
            "errors": errors,
            "ageing": ageing(book, today),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "billing/reports/revenue.html", context)
