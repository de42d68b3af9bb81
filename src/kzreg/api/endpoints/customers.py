"""Customers (the registrants the caller serves: create, list, get, update, their data-access report),
and the registry's contacts and hosts that belong to the caller."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from kzreg.accounts.personal_data import data_access_report
from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import MAX_LIMIT, Body, acting, registry, responses, via
from kzreg.registrar import customers as wing
from kzreg.registrar.access import access_customer_by_id, customers_visible_to
from kzreg.registrar.actions import contact_info, create_host, host_info
from kzreg.registrar.models import Customer

router = Router(tags=["customers"])
objects = Router(tags=["contacts and hosts"])
ID = 2**63 - 1


class CustomerIn(Body):
    kind: Literal["I", "R"]
    name: str = Field(..., max_length=255)
    organisation: str = Field("", max_length=255)
    address: str = Field(..., max_length=255)
    city: str = Field(..., max_length=100)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    country_code: str = Field(..., max_length=2)
    email: str = Field(..., max_length=254)
    phone: str = Field(..., max_length=40)
    language: Literal["kk", "ru", "en"] = "kk"
    consent_at: dt.datetime | None = Field(None, description="When the registrant consented (R18); required")

    def data(self) -> wing.CustomerData:
        return wing.CustomerData(**self.dict())


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    organisation: str
    address: str
    city: str
    region: str
    postal_code: str
    country_code: str
    email: str
    phone: str
    language: str
    consent_at: dt.datetime
    contact_handle: str
    created_at: dt.datetime


class CustomerSummary(Schema):
    id: int
    kind: str
    name: str
    organisation: str
    contact_handle: str
    created_at: dt.datetime


class CustomerPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[CustomerSummary]


@router.get("", response=responses({200: CustomerPage}), operation_id="customers_list")
def customers_list(
    request: HttpRequest, search: str = Query("", max_length=100), limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
) -> Any:  # fmt: skip
    """The caller's customers (names only: personal data is read one customer at a time, and logged)."""
    who = acting(request, Permission.VIEW).who
    rows = customers_visible_to(who.user).order_by("-id")
    if search.strip():
        rows = rows.filter(Q(name__icontains=search.strip()) | Q(organisation__icontains=search.strip()))
    total = rows.count()
    items = rows.only("id", "kind", "name", "organisation", "contact_handle", "created_at")[offset : offset + limit]
    return {"total": total, "limit": limit, "offset": offset, "items": list(items)}


@router.post("", response=responses({201: CustomerOut}), operation_id="customers_create")
def customers_create(request: HttpRequest, payload: CustomerIn) -> Any:
    """A new customer of the caller (its consent is required, R18)."""
    now = acting(request, Permission.ORDER)
    return Status(201, wing.create_customer(payload.data(), now.seller.registrar_handle, now.seller.reseller))


@router.get("/{customer_id}", response=responses({200: CustomerOut}), operation_id="customers_get")
def customers_get(request: HttpRequest, customer_id: int) -> Customer:
    """One customer with its personal data (the view is logged: its data-access report lists it)."""
    who = acting(request, Permission.VIEW).who
    return access_customer_by_id(who.user, customer_id, via=via(request))


@router.put("/{customer_id}", response=responses({200: CustomerOut}), operation_id="customers_update")
def customers_update(request: HttpRequest, customer_id: int, payload: CustomerIn) -> Customer:
    """New contact data (the registry contact is changed first; refused there, nothing changes)."""
    now = acting(request, Permission.ORDER)
    customer = access_customer_by_id(now.who.user, customer_id, Permission.ORDER, via=via(request))
    with registry(now) as conn:
        return wing.update_customer(conn, customer, payload.data())


class ViewOut(Schema):
    at: dt.datetime
    username: str
    organisation: str
    fields: str
    via: str


@router.get("/{customer_id}/data-access", response=responses({200: list[ViewOut]}),
            operation_id="customers_data_access")  # fmt: skip
def customers_data_access(request: HttpRequest, customer_id: int) -> Any:
    """Who saw this customer's personal data, when, what, and through which page or endpoint (PS-8)."""
    who = acting(request, Permission.VIEW).who
    return data_access_report(access_customer_by_id(who.user, customer_id))


class ContactOut(Schema):
    handle: str
    statuses: list[str]
    kind: str
    name: str
    organisation: str
    address: str
    city: str
    region: str
    postal_code: str
    country_code: str
    email: str
    phone: str


@objects.get("/contacts/{handle}", response=responses({200: ContactOut}), operation_id="contacts_get")
def contacts_get(request: HttpRequest, handle: str) -> Any:
    """The registry contact of one of the caller's customers, as the registry has it (logged)."""
    now = acting(request, Permission.VIEW)
    with registry(now) as conn:
        state = contact_info(conn, now.seller, handle)
    from kzreg.accounts.personal_data import log_view

    log_view(now.who.user, via(request), contact_handle=state.handle)
    return {**state.__dict__, "statuses": list(state.statuses)}


class HostIn(Body):
    name: str = Field(..., max_length=255)
    addresses: list[str] = Field(default_factory=list, max_length=13)


class HostOut(Schema):
    name: str
    addresses: list[str]
    statuses: list[str]


@objects.post("/hosts", response=responses({201: HostOut}), operation_id="hosts_create")
def hosts_create(request: HttpRequest, payload: HostIn) -> Any:
    """A name server at the registry (addresses needed when it is inside a domain of the registry)."""
    now = acting(request, Permission.ORDER)
    with registry(now) as conn:
        create_host(conn, now.seller, payload.name, payload.addresses)
        state = host_info(conn, now.seller, payload.name)
    return Status(201, {"name": state.name, "addresses": list(state.addresses), "statuses": list(state.statuses)})


@objects.get("/hosts/{name}", response=responses({200: HostOut}), operation_id="hosts_get")
def hosts_get(request: HttpRequest, name: str) -> Any:
    now = acting(request, Permission.VIEW)
    with registry(now) as conn:
        state = host_info(conn, now.seller, name)
    return {"name": state.name, "addresses": list(state.addresses), "statuses": list(state.statuses)}


__all__ = ["ID"]
