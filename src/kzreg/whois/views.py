"""The web WHOIS page (P1): the same lookup and text as port 43, with the page in kk, ru or en.

Lookups are rate-limited like port 43's queries (`kzreg.whois.pagelimit`): over the limit, 429 with
`Retry-After` and the page saying when to try again.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.registry.reads.connection import django_database
from kzreg.whois import pagelimit
from kzreg.whois.limits import RateLimiter
from kzreg.whois.lookup import Lookup
from kzreg.whois.query import MAX_TERM

LANGUAGES = ("kk", "ru", "en")
PAGE_TEXT = {
    "kk": {
        "title": "WHOIS: домендік атауды іздеу",
        "intro": "Домендік атауды (.kz, .қаз), NIC нөмірін, атаулар серверін немесе тіркеушіні енгізіңіз.",
        "label": "Сұрау",
        "submit": "Іздеу",
        "found": "Табылды",
        "not_found": "Ештеңе табылмады: бұл атау бос болуы мүмкін.",
        "port43": "Дәл осы жауапты 43-порттағы WHOIS береді.",
        "limited": "{network} желісінен сұраулар тым көп; {seconds} с кейін қайталаңыз.",
    },
    "ru": {
        "title": "WHOIS: поиск доменного имени",
        "intro": "Введите доменное имя (.kz, .қаз), NIC-хэндл, сервер имён или регистратора.",
        "label": "Запрос",
        "submit": "Найти",
        "found": "Найдено",
        "not_found": "Ничего не найдено: имя, возможно, свободно.",
        "port43": "Тот же ответ даёт WHOIS на порту 43.",
        "limited": "Слишком много запросов из сети {network}; повторите через {seconds} с.",
    },
    "en": {
        "title": "WHOIS: look a name up",
        "intro": "Enter a domain name (.kz, .қаз), a NIC handle, a name server or a registrar.",
        "label": "Query",
        "submit": "Look up",
        "found": "Found",
        "not_found": "Nothing found: the name may be available.",
        "port43": "WHOIS on port 43 gives the same answer.",
        "limited": "Too many lookups from the network {network}; try again in {seconds} s.",
    },
}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def page_language(request: HttpRequest) -> str:
    """`?lang=` first, then what LocaleMiddleware took from Accept-Language, then Kazakh."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    detected = (getattr(request, "LANGUAGE_CODE", "") or "")[:2]
    return detected if detected in LANGUAGES else "kk"


def lookup_page(request: HttpRequest) -> HttpResponse:
    lang = page_language(request)
    query = request.GET.get("q", "").strip()[: MAX_TERM + 20]
    context: dict[str, Any] = {
        "lang": lang,
        "text": PAGE_TEXT[lang],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "query": query,
        "answer": None,
    }
    if query:  # the form alone costs no lookup and is not counted
        wait, network = pagelimit.check(request)
        if wait:
            seconds = RateLimiter.whole_seconds(wait)
            context["limited"] = PAGE_TEXT[lang]["limited"].format(network=network, seconds=seconds)
            response = render(request, "whois/lookup.html", context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        context["answer"] = Lookup(django_database(), languages=(lang,)).answer(query)
    return render(request, "whois/lookup.html", context, status=200)
