"""What the domain-operation pages share: placing an order through the registrar wing with the
connection opened for this user, and an order the registry refused shown as problems beside the fields
(the form comes back with what was typed; a refused order is refunded by the wing, a free one costs
nothing)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest

from kzreg.accounts.roles import Permission
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.texts import current_language, text
from kzreg.core.errors import OperationFailed
from kzreg.registrar.access import customers_visible_to
from kzreg.registrar.connection import RegistryConnection, RegistryError, open_connection
from kzreg.registrar.models import Customer, Order, OrderState

CUSTOMERS_OFFERED = 500


def lines_of(value: str) -> list[str]:
    """One item a line (commas too), blanks dropped."""
    return [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]


def customers_offered(request: HttpRequest, leave_out: int | None = None) -> QuerySet[Customer]:
    """The registrants a form offers (the first ones by name), `leave_out` not among them."""
    rows = customers_visible_to(request.user, Permission.ORDER)
    if leave_out is not None:
        rows = rows.exclude(pk=leave_out)
    return rows.order_by("name")[:CUSTOMERS_OFFERED]


def place(
    request: HttpRequest, typed: Typed, known: tuple[str, ...], call: Callable[[RegistryConnection], Order]
) -> Order | None:
    """The order `call` places, or None with its problems in `typed`: refused by the wing before anything
    was sent, the registry unreachable, or refused by the registry (the order failed)."""
    try:
        conn = open_connection(f"cabinet:{request.user.get_username()}")
    except RegistryError:
        typed.add("", text("search.unavailable"))
        return None
    try:
        order = call(conn)
    except OperationFailed as failure:
        typed.take(failure, known)
        return None
    finally:
        conn.close()
    if order.state == OrderState.FAILED:
        take_answer(typed, order, known)
        return None
    return order


def take_answer(typed: Typed, order: Order, known: tuple[str, ...]) -> None:
    """A failed order's problems (stored as JSON by the wing), each beside its field."""
    lang = current_language()
    problems = [p for p in (order.answer or {}).get("problems") or [] if isinstance(p, dict)]
    for problem in problems:
        name = str(problem.get("field") or "").removeprefix("location.").split("[")[0]  # ds_records[1]
        message = (problem.get("message") or {}).get(lang) or str(problem.get("code") or "")
        typed.add(name if name in known else "", message)
    if not problems:
        typed.add("", text("order.failed", name=order.domain, reason="—"))
