"""What every endpoint module shares: the error responses every operation declares, the seller behind a
call, the registry connection for one call, pagination, and how orders and money are shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Header, Schema
from pydantic import model_validator

from kzreg.accounts.roles import Permission
from kzreg.api.auth import Caller, need
from kzreg.api.errors import ApiError
from kzreg.billing.money import Money
from kzreg.registrar.access import seller_of
from kzreg.registrar.actions import Seller, sponsor
from kzreg.registrar.connection import RegistryConnection, open_connection, registrar_settings
from kzreg.registrar.models import Order

MAX_LIMIT = 500
# Required on every call that places an order (docs/api.md: idempotency).
IDEMPOTENCY = Header(..., alias="Idempotency-Key", min_length=1, max_length=100)


class Body(Schema):
    """A request body: a JSON object (ninja's schemas would otherwise read attributes off any value)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        if not isinstance(getattr(value, "_obj", value), dict):  # ninja wraps the value in a DjangoGetter
            raise ValueError("the body must be a JSON object")
        return value


class ErrorItem(Schema):
    code: str
    field: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorItem]


# Every operation may answer these; each in the one error shape.
ERRORS: dict[int, Any] = {status: ErrorsOut for status in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503)}


def responses(ok: dict[int, Any]) -> dict[int, Any]:
    return {**ERRORS, **ok}


class MoneyOut(Schema):
    amount: str
    currency: str


def money(value: Money | None) -> dict[str, str] | None:
    return None if value is None else {"amount": str(value.amount), "currency": value.currency}


class SponsorOut(Schema):
    registrar: str
    reseller: str


class OrderOut(Schema):
    id: int
    kind: str
    state: str
    domain: str
    years: int | None
    price: MoneyOut | None
    created_at: dt.datetime
    updated_at: dt.datetime
    answer: dict[str, Any]
    sponsor: SponsorOut


def order_out(order: Order, seller: Seller | None = None) -> dict[str, Any]:
    who = sponsor(seller) if seller is not None else None
    return {
        "id": order.pk, "kind": order.kind, "state": order.state, "domain": order.domain, "years": order.years,
        "price": money(Money.from_minor(order.price_minor, order.currency)) if order.currency else None,
        "created_at": order.created_at.isoformat(), "updated_at": order.updated_at.isoformat(),
        "answer": order.answer or {},
        "sponsor": {"registrar": who.registrar if who else order.registrar_handle,
                    "reseller": who.reseller if who else ""},
    }  # fmt: skip


def order_status(order: Order) -> int:
    """201 done, 202 still under way (unknown, pending transfer), 422 the registry refused (refunded)."""
    if order.state == "failed":
        return 422
    return 201 if order.state == "done" else 202


class Acting:
    """The caller and (asked for only by calls that need it) the seller it acts as: a registrant's user
    reads its own domains through the access functions but sells nothing."""

    def __init__(self, who: Caller):
        self.who = who

    @cached_property
    def seller(self) -> Seller:
        return seller_of(self.who.user)

    def seller_if_any(self) -> Seller | None:
        try:
            return self.seller
        except PermissionDenied:
            return None

    @property
    def tenant(self) -> str:
        seller = self.seller
        return f"reseller:{seller.reseller.pk}" if seller.reseller else f"registrar:{seller.registrar_handle}"


def acting(request: HttpRequest, permission: Permission) -> Acting:
    """The caller, if it has `permission` (403 otherwise); one per request, so the seller it acts as is
    worked out once however many parts of the call ask."""
    who = need(request, permission)
    now = getattr(request, "_kzreg_acting", None)
    if not isinstance(now, Acting) or now.who is not who:
        now = Acting(who)
        setattr(request, "_kzreg_acting", now)  # noqa: B010  (HttpRequest declares no such attribute)
    return now


# The local registry connections made so far, by (registrar handle, principal): see `registry`.
_KEPT_LOCAL: dict[tuple[str, str], RegistryConnection] = {}
KEPT_LOCAL_MAX = 256


@contextmanager
def registry(acting_: Acting) -> Iterator[RegistryConnection]:
    """The registry connection for one call. A `local` one holds only the registrar's handle and id, read
    by handle when it is made (an ORM read and a statement: ~0.6 ms of CPU per order call), so one is kept
    per registrar and caller and used again; registrars are never deleted (PROTECT) and handles do not
    change. A call that fails drops its kept connection, so the next call reads the registrar again. An
    `epp` connection is made per call as before (it keeps its sessions per thread itself)."""
    config = registrar_settings()
    principal = acting_.who.principal
    if config["CONNECTION"] != "local":
        conn = open_connection(principal)
        try:
            yield conn
        finally:
            conn.close()
        return
    key = (str(config["HANDLE"]), principal)
    kept = _KEPT_LOCAL.get(key)
    if kept is None:
        if len(_KEPT_LOCAL) >= KEPT_LOCAL_MAX:
            _KEPT_LOCAL.clear()
        kept = _KEPT_LOCAL[key] = open_connection(principal)
    try:
        yield kept
    except BaseException:
        _KEPT_LOCAL.pop(key, None)
        raise


def forget_registry_connections() -> None:
    """Drops the kept local connections (tests: each test's database has its own registrar rows)."""
    _KEPT_LOCAL.clear()


def via(request: HttpRequest) -> str:
    return f"api:{request.method} {request.path}"


def page(rows: QuerySet[Any], limit: int, offset: int) -> tuple[int, list[Any]]:
    """The total and one page (ordered by the caller)."""
    return rows.count(), list(rows[offset : offset + limit])


__all__ = ["ApiError"]
