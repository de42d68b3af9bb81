"""The web WHOIS page (P1): the same lookup and text as port 43, with the page in kk, ru or en."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kzreg.whois.db import django_database
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
    },
    "ru": {
        "title": "WHOIS: поиск доменного имени",
        "intro": "Введите доменное имя (.kz, .қаз), NIC-хэндл, сервер имён или регистратора.",
        "label": "Запрос",
        "submit": "Найти",
        "found": "Найдено",
        "not_found": "Ничего не найдено: имя, возможно, свободно.",
        "port43": "Тот же ответ даёт WHOIS на порту 43.",
    },
    "en": {
        "title": "WHOIS: look a name up",
        "intro": "Enter a domain name (.kz, .қаз), a NIC handle, a name server or a registrar.",
        "label": "Query",
        "submit": "Look up",
        "found": "Found",
        "not_found": "Nothing found: the name may be available.",
        "port43": "WHOIS on port 43 gives the same answer.",
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
    answer = Lookup(django_database(), languages=(lang,)).answer(query) if query else None
    context = {
        "lang": lang,
        "text": PAGE_TEXT[lang],
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "query": query,
        "answer": answer,
    }
    return render(request, "whois/lookup.html", context, status=200)
