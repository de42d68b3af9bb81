"""Registrants (the seller's customers): a searchable list in keyset pages and one registrant's page.

Opening a registrant's page is a view of personal data: `access_customer_by_id(..., via=...)` logs it
(who, when, which fields, through which page), and the page says so. The list shows names only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.accounts.personal_data import PERSONAL_FIELDS, logged
from kzreg.accounts.roles import Permission, permissions_of
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import SortOption, as_id, keyset_page
from kzreg.registrar.access import access_customer_by_id, customers_visible_to, services_visible_to

SORTS = (SortOption("name", "name"), SortOption("added", "created_at", dt.datetime.fromisoformat))
DOMAINS_SHOWN = 50
VIA = "page:cabinet:registrant"


@cabinet_page
def registrants_page(request: HttpRequest) -> HttpResponse:
    term = request.GET.get("q", "").strip()[:200]
    rows = customers_visible_to(request.user)
    if term:
        rows = rows.filter(Q(name__icontains=term) | Q(organisation__icontains=term) | Q(email__iexact=term))
    page = keyset_page(rows, SORTS, request.GET.get("sort", ""), request.GET.get("after", ""))
    context = {
        "page": page, "filters": {"values": {"q": term}, "errors": {}}, "filtered": bool(term),
        "may_order": Permission.ORDER in permissions_of(request.user),  # adding a registrant needs it
    }  # fmt: skip
    return render(request, "cabinet/pages/registrants.html", context)


@cabinet_page
def registrant_page(request: HttpRequest, customer_id: str) -> HttpResponse:
    customer = access_customer_by_id(request.user, as_id(customer_id), via=VIA, fields=PERSONAL_FIELDS)
    domains = list(
        services_visible_to(request.user).filter(customer_id=customer.pk).order_by("name")[: DOMAINS_SHOWN + 1]
    )
    context = {
        "customer": customer, "domains": domains[:DOMAINS_SHOWN], "more_domains": len(domains) > DOMAINS_SHOWN,
        "view_logged": logged(request.user),  # staff and resellers' users; a registrant's look at itself is not
        "may_order": Permission.ORDER in permissions_of(request.user),  # editing a registrant needs it
    }  # fmt: skip
    return render(request, "cabinet/pages/registrant.html", context)
