"""Template tags of the design system: `{% t "key" %}` (the catalog's words in the page's language),
`|money`, `|day`, `|moment` (Almaty time), `{% account_url "login" %}`, `{% query_with sort="name" %}`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kzreg.billing.money import Money
from kzreg.cabinet import display
from kzreg.cabinet.texts import CATALOG, current_language, text

register = template.Library()

# The people engineer's /account/ pages, by URL name; the paths stand in while a name is not routed.
ACCOUNT_PAGES = {"login": "/account/login/", "logout": "/account/logout/", "home": "/account/"}


@register.simple_tag
def t(key: str, **params: Any) -> str:
    return text(key, **params)


@register.simple_tag
def lang() -> str:
    return current_language()


@register.filter
def money(value: Money | None) -> str:
    return display.money(value, current_language())


@register.filter
def day(value: dt.datetime | dt.date | None) -> str:
    return display.date_text(value)


@register.filter
def moment(value: dt.datetime | None) -> str:
    return display.datetime_text(value)


@register.simple_tag
def account_url(page: str) -> str:
    try:
        return reverse(f"accounts:{page}")
    except NoReverseMatch:
        return ACCOUNT_PAGES[page]


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: object) -> str:
    """This page's query string with some parameters changed (empty removes one) and the cursor dropped:
    links for sorting and filters that keep the rest of what the user chose."""
    current: QueryDict = context["request"].GET.copy()
    for name in ("after", "page"):
        current.pop(name, None)
    for name, value in changes.items():
        current.pop(name, None)
        if value not in (None, ""):
            current[name] = str(value)
    encoded = current.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def nav_item(context: dict[str, Any], url_name: str, key: str, exact: bool = False, section: str = "") -> str:
    """One menu entry, marked `aria-current="page"` on its own page and below it (or below `section`, a
    path, when its pages are not all below its own URL); `exact`: on its own page only — an entry whose
    URL is above the others' (the dashboard's `/cabinet/`) would otherwise be marked on every page beside
    the right one."""
    try:
        href = reverse(url_name)
    except NoReverseMatch:  # a page of an app that is not routed in this deployment
        return ""
    path = context["request"].path
    below = section or href
    current = path == href or (not exact and below != "/" and path.startswith(below))
    marker = mark_safe(' aria-current="page"') if current else ""
    return format_html('<li><a href="{}"{}>{}</a></li>', href, marker, text(key))


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], column: str, key: str, current: str) -> str:
    """A column header that sorts by `column` (again: the other way), with `aria-sort` on the sorted one."""
    label = text(key)
    state = "ascending" if current == column else "descending" if current == f"-{column}" else ""
    target = f"-{column}" if current == column else column
    href = query_with(context, sort=target)
    aria = format_html(' aria-sort="{}"', state) if state else ""
    return format_html(
        '<th scope="col"{}><a class="sort-link" href="{}" title="{}">{}</a></th>',
        aria, href, text("domains.sort_by", column=label), label,
    )  # fmt: skip


@register.filter
def status_text(status: str) -> str:
    """A status word in the page's language; a word the catalog does not know (an EPP status another
    registry sends) is shown as it came."""
    key = f"status.{status}"
    return text(key) if key in CATALOG else status


@register.filter
def status_tone(status: str) -> str:
    """The badge colour of a domain status or an order state."""
    if status in ("active", "ok", "done", "reconciled"):
        return "ok"
    if status in ("hold", "suspended", "client_hold", "pending_transfer", "unknown", "submitted", "charged", "quoted"):
        return "warn"
    if status in ("expired", "pending_delete", "deleted", "failed"):
        return "bad"
    return "info"


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")


@register.filter
def unicode_name(a_label: str) -> str:
    """`xn--80ak6aa92e.kz` → `мысал.kz` (what people read); the A-label stays in URLs."""
    return display.unicode_name(a_label)


@register.filter
def add_days(moment: dt.datetime, days: int) -> dt.datetime:
    return moment + dt.timedelta(days=int(days))
