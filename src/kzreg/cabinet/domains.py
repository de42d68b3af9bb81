"""The domains list: search and filters (name, status, expiry range, registrant, reseller for registrar
staff), sortable columns and keyset pages (`listing`), over `registrar.access.services_visible_to`.

What the user typed comes back in the form; a value that cannot be read is named beside its field and
the filter is left out rather than guessed.

The name search (`name_filter`, the registrar wing's `models.name_search`): a part of the name matches
anywhere — Latin text in the A-label, text with Cyrillic (or any non-ASCII) letters in the stored U-label
form (`Service.name_unicode`, its own trigram index on PostgreSQL), folded as IDNA folds names (case,
width): `сәл` finds `сәлем.kz`, `сәлем.қаз` and `сәлемдер.қаз`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import SortOption, as_id, keyset_page
from kzreg.cabinet.texts import text
from kzreg.registrar.access import access_customer_by_id, access_reseller_by_id, services_visible_to
from kzreg.registrar.models import Service, name_search

STATUSES = ("active", "ok", "inactive", "hold", "suspended", "client_hold", "pending_delete", "expired", "deleted")
SORTS = (
    SortOption("name", "name", unique=True),
    SortOption("expires", "expires_at", dt.datetime.fromisoformat, nullable=True),
)


@dataclass
class Filters:
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    registrant: Any = None
    reseller: Any = None


def _day(raw: str, end: bool) -> dt.datetime | None:
    """A date typed as YYYY-MM-DD → the start (or end) of that day in Almaty time."""
    day = dt.date.fromisoformat(raw)
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
    return timezone.make_aware(moment)


def read_filters(request: HttpRequest) -> Filters:
    names = ("q", "status", "expires_from", "expires_to", "registrant", "reseller")
    filters = Filters({name: request.GET.get(name, "").strip()[:255] for name in names})
    for name in ("expires_from", "expires_to"):
        if filters.values[name]:
            try:
                _day(filters.values[name], end=False)
            except ValueError:
                filters.errors[name] = text("domains.bad_date")
    if filters.values["status"] not in ("", *STATUSES):
        filters.values["status"] = ""
    if filters.values["registrant"]:  # another tenant's id is a 404, as everywhere
        filters.registrant = access_customer_by_id(request.user, as_id(filters.values["registrant"]))
    if filters.values["reseller"]:
        filters.reseller = access_reseller_by_id(request.user, as_id(filters.values["reseller"]))
    return filters


def name_filter(term: str) -> Q:
    """What the name search matches (see the module's docstring)."""
    return name_search(term)


def apply_filters(rows: QuerySet[Service], filters: Filters) -> QuerySet[Service]:
    values = filters.values
    if values["q"]:
        rows = rows.filter(name_filter(values["q"]))
    if values["status"]:  # PostgreSQL: `@>`, which the statuses' GIN index answers; SQLite has no such operator
        wanted = values["status"]
        json_contains = connection.features.supports_json_field_contains
        rows = (
            rows.filter(statuses__contains=[wanted])
            if json_contains
            else rows.filter(statuses__icontains=f'"{wanted}"')
        )
    if values["expires_from"] and "expires_from" not in filters.errors:
        rows = rows.filter(expires_at__gte=_day(values["expires_from"], end=False))
    if values["expires_to"] and "expires_to" not in filters.errors:
        rows = rows.filter(expires_at__lt=_day(values["expires_to"], end=True))
    if filters.registrant is not None:
        rows = rows.filter(customer_id=filters.registrant.pk)
    if filters.reseller is not None:
        rows = rows.filter(reseller_id=filters.reseller.pk)
    return rows


def shows_resellers(user: Any) -> bool:
    """Registrar staff see which reseller serves each domain; a reseller's users and registrants do not."""
    profile = getattr(user, "staff_profile", None)
    return profile is not None and profile.organisation == "registrar"


@cabinet_page
def domains_page(request: HttpRequest) -> HttpResponse:
    filters = read_filters(request)
    rows = apply_filters(services_visible_to(request.user).select_related("customer", "reseller"), filters)
    page = keyset_page(rows, SORTS, request.GET.get("sort", ""), request.GET.get("after", ""))
    context = {
        "page": page,
        "filters": filters,
        "statuses": STATUSES,
        "show_resellers": shows_resellers(request.user),
        "filtered": any(filters.values.values()),
    }
    template = "cabinet/pages/_domain_table.html" if request.headers.get("HX-Request") else "cabinet/pages/domains.html"
    return render(request, template, context)
