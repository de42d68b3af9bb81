"""Orders: what the caller asked of the registry, its state and price (list and one)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import MAX_LIMIT, OrderOut, acting, order_out, responses
from kzreg.registrar.access import access_order_by_id, orders_visible_to
from kzreg.registrar.models import OrderKind, OrderState

router = Router(tags=["orders"])


class OrderPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[OrderOut]


@router.get("", response=responses({200: OrderPage}), operation_id="orders_list")
def orders_list(
    request: HttpRequest,
    state: Literal[tuple(OrderState.values)] | None = None,  # type: ignore[valid-type]
    kind: Literal[tuple(OrderKind.values)] | None = None,  # type: ignore[valid-type]
    domain: str = Query("", max_length=255),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
) -> Any:
    """The caller's orders, newest first."""
    now = acting(request, Permission.VIEW)
    rows = orders_visible_to(now.who.user).order_by("-id")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if domain.strip():
        from kzreg.registrar.actions import a_label

        rows = rows.filter(domain=a_label(domain))
    total = rows.count()
    seller = now.seller_if_any()
    items = [order_out(o, seller) for o in rows[offset : offset + limit]]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get("/{order_id}", response=responses({200: OrderOut}), operation_id="orders_get")
def orders_get(request: HttpRequest, order_id: int) -> Any:
    now = acting(request, Permission.VIEW)
    return order_out(access_order_by_id(now.who.user, order_id), now.seller_if_any())
