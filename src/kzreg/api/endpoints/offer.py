"""Availability and prices: whether names are free, and what the caller's book would pay now. Names are
taken as written (Cyrillic `.қаз` included) and keyed by their A-label."""

from __future__ import annotations

from typing import Any, Literal

import idna
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import MoneyOut, acting, money, registry, responses
from kzreg.api.errors import language, problem
from kzreg.api.problems import ApiCode
from kzreg.registrar import actions
from kzreg.registrar.bulk import ZONES

offer = Router(tags=["availability and prices"])
MAX_CHECK = 50
NAMES = Query(..., min_length=1, max_length=MAX_CHECK, description="a name to check; repeat for several")


def unicode_name(a_label: str) -> str:
    """The name as people write it (Cyrillic for .қаз). A lower-case name without an `xn--` label is its own
    U-label: answered without IDNA's per-character checks, a fifth of a 50-domain list page's CPU."""
    if "xn--" not in a_label and a_label == a_label.lower():
        return a_label
    try:
        return idna.decode(a_label)
    except idna.IDNAError:
        return a_label


def zone_of(a_label: str) -> str:
    return a_label.rsplit(".", 1)[1] if "." in a_label else ""


def in_zone(name: str, field: str = "name") -> str:
    """The A-label of a name of .kz or .қаз; another zone is refused before anything is ordered."""
    key = actions.a_label(name)
    if zone_of(key) not in ZONES:
        raise problem(ApiCode.WRONG_ZONE, field, name=name)
    return key


class AvailabilityOut(Schema):
    name: str
    a_label: str
    available: bool
    reason: str = Field(description="why not available, in the Accept-Language language (kk, ru, en)")
    reason_code: str | None = Field(None, description="the problem code of `reason`; null when free or unknown")


@offer.get("/availability", response=responses({200: list[AvailabilityOut]}), operation_id="availability")
def availability(request: HttpRequest, name: list[str] = NAMES) -> Any:
    """Whether names are free (.kz and .қаз; Cyrillic names as they are written); why not, in the
    Accept-Language language, with its code (null only for a foreign registry's reason without one)."""
    now = acting(request, Permission.VIEW)
    lang = language(request)
    answers = []
    checkable = [n for n in name if zone_of(actions.a_label(n)) in ZONES]
    found: dict[str, Any] = {}
    if checkable:
        with registry(now) as conn:
            found = {a.name: a for a in actions.check(conn, checkable)}
    for asked in name:
        key = actions.a_label(asked)
        hit = found.get(key)
        why = hit.problem if hit else problem(ApiCode.WRONG_ZONE, name=asked).problems[0]
        answers.append({"name": asked, "a_label": key, "available": bool(hit and hit.available),
                        "reason": why.message(lang) if why else (hit.reason if hit else ""),
                        "reason_code": str(why.code) if why else None})  # fmt: skip
    return answers


class QuoteOut(Schema):
    kind: str
    name: str
    years: int | None
    price: MoneyOut


@offer.get("/quote", response=responses({200: QuoteOut}), operation_id="quote")
def quote(
    request: HttpRequest, name: str, kind: Literal["create", "renew", "transfer_in"] = "create",
    years: int = Query(1, ge=1, le=10),
) -> Any:  # fmt: skip
    """The price the caller's book would pay now."""
    now = acting(request, Permission.ORDER)
    key = in_zone(name)
    amount = actions.quote(now.seller, kind, key, years)
    return {"kind": kind, "name": key, "years": years, "price": money(amount)}
