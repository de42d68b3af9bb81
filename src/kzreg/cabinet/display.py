"""How amounts and moments read on a page, per language: `12 000,00 ₸` in kk/ru, `₸12,000.00` in en;
dates in the site's time zone (Asia/Almaty, `TIME_ZONE`) whatever zone they were stored in."""

from __future__ import annotations

import datetime as dt

import idna
from django.utils import timezone

from kzreg.billing.money import Money, exponent

SYMBOLS = {"KZT": "₸", "USD": "$", "EUR": "€", "RUB": "₽"}  # billing's currencies and a few more
NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the group separator in kk and ru


def money(value: Money | None, lang: str) -> str:
    """The amount with its currency sign (its code when it has no sign); "" for None."""
    if value is None:
        return ""
    places = exponent(value.currency)
    digits = f"{abs(value.amount):,.{places}f}"
    sign = "−" if value.amount < 0 else ""
    symbol = SYMBOLS.get(value.currency, value.currency)
    if lang == "en":
        return f"{sign}{symbol}{digits}" if value.currency in SYMBOLS else f"{sign}{digits}{NBSP}{symbol}"
    whole, _, fraction = digits.partition(".")
    local = whole.replace(",", NNBSP) + ("," + fraction if fraction else "")
    return f"{sign}{local}{NBSP}{symbol}"


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """The moment in the site's zone (Asia/Almaty)."""
    if moment is None:
        return None
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def date_text(moment: dt.datetime | dt.date | None) -> str:
    """`2026-12-03`: ISO dates read the same in all three languages and sort as text."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = local(moment)
        assert moment is not None
        return moment.date().isoformat()
    return moment.isoformat()


def datetime_text(moment: dt.datetime | None) -> str:
    """`2026-12-03 14:05` in Almaty time."""
    shown = local(moment)
    return shown.strftime("%Y-%m-%d %H:%M") if shown else ""


def unicode_name(a_label: str) -> str:
    try:
        return idna.decode(a_label)
    except (idna.IDNAError, UnicodeError):
        return a_label
