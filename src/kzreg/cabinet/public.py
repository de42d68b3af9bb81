"""The public site (no login): the home page with the domain search, the resellers (S6), the registrant
rights links (S5, PS-3.11), the regulation in force (C5) and the registrar's contacts.

The search answers a whole page, or only its results when htmx asks (`HX-Request`): the same form works
with scripts off. A search costs what a WHOIS lookup costs and shares the web WHOIS page's per-network
bucket (`kzreg.whois.pagelimit`): over it, the page answers 429 with `Retry-After` (htmx gets the same
message in the results with 200, since it swaps no 4xx); the WHOIS form on `/` submits to the WHOIS
page, limited there.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kzreg.cabinet import registrar_card, regulation
from kzreg.cabinet.search import BadTerm, search
from kzreg.cabinet.texts import current_language, text
from kzreg.core import clock
from kzreg.registrar.connection import RegistryError
from kzreg.whois import pagelimit
from kzreg.whois.limits import RateLimiter

MAX_TERM = 253


def _search_context(request: HttpRequest) -> dict[str, Any]:
    term = request.GET.get("q", "")[:MAX_TERM]
    context: dict[str, Any] = {"term": term, "results": None, "search_error": ""}
    if "q" not in request.GET:
        return context
    wait, network = pagelimit.check(request)
    if wait:
        context["retry_after"] = seconds = RateLimiter.whole_seconds(wait)
        context["search_error"] = text("search.limited", network=network, seconds=seconds)
        return context
    try:
        context["results"] = search(term, registrar_card.yearly_prices(clock.now()), current_language())
    except BadTerm as bad:
        context["search_error"] = text(bad.key, term=term.strip())
    except RegistryError:
        context["search_error"] = text("search.unavailable")
    return context


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = _search_context(request)
    limited = "retry_after" in context
    if request.headers.get("HX-Request"):  # htmx swaps only the results (and swaps no 4xx: errors answer 200)
        response = render(request, "cabinet/public/_search_results.html", context)
    else:
        context["resellers"] = registrar_card.resellers()
        context["regulation"] = regulation.in_force()
        response = render(request, "cabinet/public/home.html", context, status=429 if limited else 200)
    if limited:
        response["Retry-After"] = str(context["retry_after"])
    return response


@require_GET
def regulation_page(request: HttpRequest) -> HttpResponse:
    current = regulation.in_force()
    context = {"regulation": current, "body": regulation.render(current.text)}
    return render(request, "cabinet/public/regulation.html", context)


@require_GET
def rights_page(request: HttpRequest) -> HttpResponse:
    return render(request, "cabinet/public/rights.html")


@require_GET
def resellers_page(request: HttpRequest) -> HttpResponse:
    context = {"resellers": registrar_card.resellers()}
    return render(request, "cabinet/public/resellers.html", context)
