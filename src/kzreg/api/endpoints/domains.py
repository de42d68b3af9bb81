"""Availability, quotes and domains: list, info, create, renew, modify, delete, transfer in, the
authorization code and registrant change. Orders go through the registrar wing's actions
(`registrar.actions`), reads through its access functions (`registrar.access`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import (
    IDEMPOTENCY,
    MAX_LIMIT,
    Acting,
    Body,
    OrderOut,
    SponsorOut,
    acting,
    order_out,
    order_status,
    registry,
    responses,
)
from kzreg.api.endpoints.offer import in_zone
from kzreg.api.errors import problem
from kzreg.api.idempotency import once
from kzreg.api.pages import Sort, keyset_page
from kzreg.api.problems import ApiCode
from kzreg.core.messages import Code
from kzreg.registrar import actions
from kzreg.registrar.access import access_service_by_name, services_visible_to
from kzreg.registrar.models import Service, name_search

router = Router(tags=["domains"])
DATE = r"^(\d{4}-\d{2}-\d{2})?$"


class DomainOut(Schema):
    name: str
    unicode_name: str
    customer_id: int | None
    auto_renew: bool
    expires_at: dt.datetime | None
    statuses: list[str]
    sponsored: bool
    retail_price: str
    sponsor: SponsorOut


def domain_out(service: Service, registrar: str, reseller_name: str) -> dict[str, Any]:
    return {
        "name": service.name, "unicode_name": service.u_label, "customer_id": service.customer_id,
        "auto_renew": service.auto_renew, "expires_at": service.expires_at, "statuses": list(service.statuses or []),
        "sponsored": service.sponsored, "retail_price": service.retail_price,
        "sponsor": {"registrar": registrar, "reseller": reseller_name},
    }  # fmt: skip


def _out(service: Service, own: Any = None) -> dict[str, Any]:
    """`own`: the caller's reseller, already read with its token: its services name it without a read."""
    reseller = own if own is not None and service.reseller_id == own.pk else service.reseller
    return domain_out(service, service.registrar_handle, reseller.name if reseller else "")


def _own_reseller(now: Acting) -> Any:
    seller = now.seller_if_any()
    return seller.reseller if seller is not None else None


class DomainPage(Schema):
    total: int | None = Field(
        description="How many match, only with include_total=true (a count costs a read of them all)"
    )
    limit: int
    offset: int
    has_more: bool
    next: str | None = Field(description="The next page's path and query (its `after` cursor), or null on the last")
    next_after: str | None = Field(description="The cursor for `after` that reads the next page")
    items: list[DomainOut]


# The orders a list is offered in (`sort`, "-" first: descending); the id is the order of creation.
SORTS = {
    "id": Sort("id", "id", parse=int, unique=True),
    "name": Sort("name", "name", parse=str, unique=True),
    "expires_at": Sort("expires_at", "expires_at", parse=dt.datetime.fromisoformat, nullable=True),
}
SortKey = Literal["-id", "id", "name", "-name", "expires_at", "-expires_at"]
MIN_SEARCH = 3  # a trigram index serves "contains" from three characters on
ALMATY = ZoneInfo("Asia/Almaty")  # the registrar's day: expiry dates are read as days in Almaty
SORT = Query("-id", description="-id newest first (default), id, name, expires_at; '-' first: descending")


@router.get("", response=responses({200: DomainPage}), operation_id="domains_list")
def domains_list(
    request: HttpRequest,
    name_contains: str = Query("", max_length=255, description=f"part of the name, at least {MIN_SEARCH} characters"),
    status: str = Query("", max_length=64),
    expires_after: str = Query("", pattern=DATE, description="YYYY-MM-DD: expiring on or after (a day in Asia/Almaty)"),
    expires_before: str = Query("", pattern=DATE, description="YYYY-MM-DD: expiring before (a day in Asia/Almaty)"),
    customer_id: int | None = Query(None, ge=1, le=2**63 - 1),
    sort: SortKey = SORT,
    after: str = Query("", max_length=1000, description="the `next_after` cursor of the previous page"),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(
        0,
        ge=0,
        le=10**9,
        deprecated=True,
        description="deprecated: rows to skip (slow deep in a long list); use `after`",
    ),
    include_total: bool = Query(False, description="also count every match (costs a read of them all)"),
) -> Any:
    """The caller's domains in keyset pages (`after`: the previous page's `next_after`), newest first
    unless `sort` says otherwise; filters combine."""
    now = acting(request, Permission.VIEW)
    if after and offset:
        raise problem(ApiCode.CURSOR_WITH_OFFSET, "offset")
    own = _own_reseller(now)  # a reseller's user sees only its reseller's services: no join needed
    visible = services_visible_to(now.who.user)
    rows = _filtered(visible if own is not None else visible.select_related("reseller"), name_contains=name_contains,
                     status=status, expires_after=expires_after, expires_before=expires_before,
                     customer_id=customer_id)  # fmt: skip
    found = keyset_page(rows, SORTS[sort.lstrip("-")], sort, after, limit, offset)
    return {
        "total": rows.count() if include_total else None, "limit": limit, "offset": offset,
        "has_more": found.has_more, "next_after": found.next_after,
        "next": _next_link(request, found.next_after) if found.next_after else None,
        "items": [_out(s, own) for s in found.rows],
    }  # fmt: skip


def _filtered(rows: QuerySet[Service], *, name_contains: str, status: str, expires_after: str,
              expires_before: str, customer_id: int | None) -> QuerySet[Service]:  # fmt: skip
    """The filters as index-friendly conditions: "contains" of three characters or more (the trigram
    index), a status through the statuses' GIN index, expiry as a plain range of `expires_at`."""
    search = name_contains.strip()
    if search:
        if len(search) < MIN_SEARCH:
            raise problem(ApiCode.SEARCH_TOO_SHORT, "name_contains", min=MIN_SEARCH, value=search)
        rows = rows.filter(name_search(search))  # a part anywhere, Cyrillic too (docs/api.md, Lists)
    if status.strip():
        rows = rows.filter(statuses__contains=[status.strip()]) if _json_contains() else rows.filter(
            statuses__icontains=f'"{status.strip()}"')  # fmt: skip
    if expires_after:
        rows = rows.filter(expires_at__gte=_day_starts(expires_after, "expires_after"))
    if expires_before:
        rows = rows.filter(expires_at__lt=_day_starts(expires_before, "expires_before"))
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    return rows


def _day_starts(value: str, field: str) -> dt.datetime:
    """Midnight in Almaty of the day `value` names."""
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=ALMATY)
    except ValueError:
        raise problem(Code.INVALID, field, value=value) from None


def _next_link(request: HttpRequest, cursor: str) -> str:
    query = request.GET.copy()
    query.pop("offset", None)
    query["after"] = cursor
    return f"{request.path}?{query.urlencode()}"


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


class LocationIn(Body):
    address: str = Field(..., max_length=255)
    city: str = Field(..., max_length=100)
    region: str = Field(..., max_length=100)


class CreateIn(Body):
    name: str = Field(..., max_length=255)
    years: int = Field(1, ge=1, le=10)
    customer_id: int = Field(..., ge=1, le=2**63 - 1)
    admin_customer_id: int | None = Field(None, ge=1, le=2**63 - 1)
    nameservers: list[str] = Field(..., min_length=1, max_length=13)
    location: LocationIn
    auto_renew: bool = False


def _order_response(request: HttpRequest, tenant: str, key: str, place: Any) -> HttpResponse:
    def run() -> tuple[int, Any]:
        order = place()
        return order_status(order), order_out(order, now.seller)

    now = acting(request, Permission.ORDER)
    return once(request, now.tenant, key, run)


@router.post("", response=responses({201: OrderOut, 202: OrderOut}), operation_id="domains_create")
def domains_create(request: HttpRequest, payload: CreateIn, idempotency_key: str = IDEMPOTENCY) -> HttpResponse:
    """Registers a name for one of the caller's customers (an order: quoted, charged, sent)."""
    now = acting(request, Permission.ORDER)
    key = in_zone(payload.name)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_create(
                conn, now.seller, name=key, years=payload.years, customer_id=payload.customer_id,
                nameservers=payload.nameservers, location=payload.location.dict(), key=idempotency_key,
                admin_customer_id=payload.admin_customer_id, auto_renew=payload.auto_renew,
            )  # fmt: skip

    return _order_response(request, now.tenant, idempotency_key, place)


class TransferIn(Body):
    name: str = Field(..., max_length=255)
    auth_code: str = Field(..., min_length=1, max_length=64)
    customer_id: int = Field(..., ge=1, le=2**63 - 1)
    years: int = Field(1, ge=1, le=10)


@router.post("/transfers", response=responses({201: OrderOut, 202: OrderOut}), operation_id="domains_transfer_in")
def domains_transfer_in(request: HttpRequest, payload: TransferIn, idempotency_key: str = IDEMPOTENCY) -> HttpResponse:
    """Asks for a domain another registrar sponsors, with its authorization code (sent, never stored)."""
    now = acting(request, Permission.ORDER)
    key = in_zone(payload.name)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_transfer_in(conn, now.seller, key, payload.auth_code, payload.customer_id,
                                             idempotency_key, payload.years)  # fmt: skip

    return _order_response(request, now.tenant, idempotency_key, place)


@router.get("/{name}", response=responses({200: DomainOut}), operation_id="domains_get")
def domains_get(request: HttpRequest, name: str) -> Any:
    now = acting(request, Permission.VIEW)
    return _out(access_service_by_name(now.who.user, name), _own_reseller(now))


class RenewIn(Body):
    years: int = Field(1, ge=1, le=10)


@router.post("/{name}/renew", response=responses({201: OrderOut, 202: OrderOut}), operation_id="domains_renew")
def domains_renew(
    request: HttpRequest, name: str, payload: RenewIn, idempotency_key: str = IDEMPOTENCY
) -> HttpResponse:
    now = acting(request, Permission.ORDER)
    service = access_service_by_name(now.who.user, name, Permission.ORDER)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_renew(conn, now.seller, service.name, payload.years, idempotency_key)

    return _order_response(request, now.tenant, idempotency_key, place)


class ModifyIn(Body):
    nameservers: list[str] | None = Field(None, min_length=1, max_length=13)
    admin_customer_id: int | None = Field(None, ge=1, le=2**63 - 1)
    location: LocationIn | None = None
    ds_records: list[str] | None = Field(None, max_length=8)


@router.patch("/{name}", response=responses({201: OrderOut, 202: OrderOut}), operation_id="domains_modify")
def domains_modify(
    request: HttpRequest, name: str, payload: ModifyIn, idempotency_key: str = IDEMPOTENCY
) -> HttpResponse:
    """Name servers, administrative contact, DS records, server location (only what is given changes)."""
    now = acting(request, Permission.ORDER)
    service = access_service_by_name(now.who.user, name, Permission.ORDER)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_modify(
                conn, now.seller, service.name, idempotency_key, nameservers=payload.nameservers,
                admin_customer_id=payload.admin_customer_id,
                location=payload.location.dict() if payload.location else None, ds_records=payload.ds_records,
            )  # fmt: skip

    return _order_response(request, now.tenant, idempotency_key, place)


@router.delete("/{name}", response=responses({201: OrderOut, 202: OrderOut}), operation_id="domains_delete")
def domains_delete(request: HttpRequest, name: str, idempotency_key: str = IDEMPOTENCY) -> HttpResponse:
    now = acting(request, Permission.ORDER)
    service = access_service_by_name(now.who.user, name, Permission.ORDER)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_delete(conn, now.seller, service.name, idempotency_key)

    return _order_response(request, now.tenant, idempotency_key, place)


class AuthCodeOut(Schema):
    name: str
    auth_code: str


@router.get("/{name}/auth-code", response=responses({200: AuthCodeOut}), operation_id="domains_auth_code")
def domains_auth_code(request: HttpRequest, name: str) -> Any:
    """The authorization code (each showing is logged with who asked)."""
    now = acting(request, Permission.ORDER)
    service = access_service_by_name(now.who.user, name, Permission.ORDER)
    with registry(now) as conn:
        return {"name": service.name, "auth_code": actions.show_auth_code(conn, now.seller, service.name)}


class RegistrantChangeIn(Body):
    customer_id: int = Field(..., ge=1, le=2**63 - 1)


@router.post("/{name}/registrant-change", response=responses({201: OrderOut, 202: OrderOut}),
             operation_id="domains_registrant_change")  # fmt: skip
def domains_registrant_change(
    request: HttpRequest, name: str, payload: RegistrantChangeIn, idempotency_key: str = IDEMPOTENCY
) -> HttpResponse:
    """Another of the caller's customers becomes the registrant (R14)."""
    now = acting(request, Permission.ORDER)
    service = access_service_by_name(now.who.user, name, Permission.ORDER)

    def place() -> Any:
        with registry(now) as conn:
            return actions.order_registrant_change(conn, now.seller, service.name, payload.customer_id,
                                                   idempotency_key)  # fmt: skip

    return _order_response(request, now.tenant, idempotency_key, place)
