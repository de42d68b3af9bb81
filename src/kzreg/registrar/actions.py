"""What the registrar side offers (the cabinet and the API will call these): availability, quotes, and
orders to create, renew, modify, delete and transfer in; the authorization code (logged); bulk renew and
bulk name-server change.

A `Seller` says who asks: the registrar's own staff (no reseller) or a reseller's user. A reseller acts
only on its own services and customers; the wrong reseller changes nothing (NOT_YOUR_SERVICE). Every
answer a registrant may see names the sponsoring registrar (`sponsor`), never the reseller as the
registrar (PS-3.6–3.8).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import idna

from kzreg.billing.money import Money
from kzreg.core import clock
from kzreg.core.errors import OperationFailed, Problem
from kzreg.core.messages import Code
from kzreg.registrar import charging, order_rows, orders
from kzreg.registrar.connection import (
    AnswerLost,
    Availability,
    RegistryConnection,
    RegistryError,
    RegistryRefused,
    RegistryUnreachable,
)
from kzreg.registrar.customers import checked, contact_for, customer_of
from kzreg.registrar.models import Order, OrderKind, Service
from kzreg.registrar.problems import RegistrarCode
from kzreg.registrar.registry_objects import contact_info, create_host, host_info  # noqa: F401  (re-exported)
from kzreg.resellers.models import Reseller

audit = logging.getLogger("kzreg.registrar.audit")


@dataclass(frozen=True)
class Seller:
    registrar_handle: str
    reseller: Reseller | None
    principal: str

    def payer(self, customer_id: int | None) -> str:
        return orders.payer_key(self.reseller, customer_id)


@dataclass(frozen=True)
class Sponsor:
    """Who registrants are told sponsors their domain (PS-3.8), and who serves them."""

    registrar: str
    reseller: str  # the reseller's trading name, "" for the registrar's own customers


def sponsor(seller: Seller) -> Sponsor:
    return Sponsor(seller.registrar_handle, seller.reseller.name if seller.reseller else "")


def a_label(name: str) -> str:
    """The name as the registry keys it; a name IDNA refuses is passed on for the registry to explain.
    An ASCII name is its own A-label once lowercased (UTS 46 maps ASCII by case only, and a name IDNA
    refuses is passed on as it is anyway), so only other names pay for `idna` (~0.1 ms a call; tested
    against it)."""
    cleaned = (name or "").strip().strip(".").lower()
    if cleaned.isascii():
        return cleaned
    try:
        return idna.encode(cleaned, uts46=True).decode("ascii")
    except idna.IDNAError:
        return cleaned


def _years(years: object, field: str = "years") -> list[Problem]:
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= orders.MAX_YEARS:
        return [Problem(field, RegistrarCode.YEARS_RANGE, {"max": orders.MAX_YEARS, "value": years})]
    return []


def service_of(seller: Seller, name: str) -> Service:
    """A service of this registrar that this seller may act on."""
    key = a_label(name)
    service = Service.objects.filter(name=key, registrar_handle=seller.registrar_handle).first()
    if service is None or not service.sponsored:
        raise OperationFailed([Problem("name", RegistrarCode.SERVICE_UNKNOWN, {"key": name})])
    if seller.reseller is not None and service.reseller_id != seller.reseller.pk:
        raise OperationFailed([Problem("name", RegistrarCode.NOT_YOUR_SERVICE, {"key": name})])
    return service


def _existing(
    seller: Seller, key: str, kind: str, domain: str, customer_id: int | None
) -> tuple[Order | None, int | None]:
    """The order under the key (`_same_order`), and on PostgreSQL an id reserved for a new one (`_place`)."""
    found, order_id = order_rows.order_by_key_reserving(seller.payer(customer_id), key)
    return _same_order(found, kind, domain), order_id


def _same_order(order: Order | None, kind: str, domain: str) -> Order | None:
    """The order found under the key, if it asks for this; another request under the key is refused."""
    if order is not None and (order.kind, order.domain) != (kind, domain):
        raise OperationFailed([Problem("idempotency_key", RegistrarCode.IDEMPOTENCY_REUSED, {"order": order.pk})])
    return order


def _basics(seller: Seller, key: str) -> list[Problem]:
    """An order needs a key, and a reseller whose contract is in force (`active`)."""
    problems = [] if key and len(key) <= 100 else [Problem("idempotency_key", Code.REQUIRED)]
    if seller.reseller is not None and not seller.reseller.active:
        problems.append(Problem("reseller", RegistrarCode.RESELLER_INACTIVE, {"key": seller.reseller.name}))
    return problems


def _place(
    conn: RegistryConnection, seller: Seller, kind: str, domain: str, key: str, years: int | None,
    request: dict[str, Any], service: Service | None = None, secret: str | None = None, period_key: str = "",
    registrar: Any = None, order_id: int | None = None,
) -> Order:  # fmt: skip
    """Opens the order (the caller found none under the key: `_existing`) and takes it as far as it goes:
    quoted, charged and claimed in one transaction (`orders.open_and_claim`), else step by step."""
    claimed = orders.open_and_claim(
        kind, domain, registrar_handle=seller.registrar_handle, reseller=seller.reseller, principal=seller.principal,
        key=key, years=years, request=request, service=service, period_key=period_key,
        flushed_later=bool(getattr(conn, "commits_in_this_database", False)), registrar=registrar,
        order_id=order_id,
    )  # fmt: skip
    if claimed is not None:
        return orders.submit(claimed, conn, secret)
    order = orders.open_order(
        kind, domain, registrar_handle=seller.registrar_handle, reseller=seller.reseller, principal=seller.principal,
        key=key, years=years, request=request, service=service, period_key=period_key, looked_up=True,
    )  # fmt: skip
    return orders.run(order, conn, secret)


def check(conn: RegistryConnection, names: Sequence[str]) -> list[Availability]:
    return conn.check([a_label(n) for n in names])


def quote(seller: Seller, kind: str, name: str, years: int | None, customer_id: int | None = None) -> Money:
    """What the seller's payer would pay for the order now (a single-use quote is stored; an order makes its
    own). Kinds without a fee cost nothing."""
    problems = _years(years) if kind in charging.FEE_COMMANDS else []
    if problems:
        raise OperationFailed(problems)
    row = charging.quote(kind, a_label(name), years, seller.registrar_handle, seller.reseller, customer_id, clock.now())
    amount = charging.quoted_amount(row)
    return amount if amount is not None else Money.zero("USD")


def order_create(
    conn: RegistryConnection, seller: Seller, *, name: str, years: int, customer_id: int, nameservers: Sequence[str],
    location: dict[str, str], key: str, admin_customer_id: int | None = None, auto_renew: bool = False,
) -> Order:  # fmt: skip
    """Registers `name` for the customer (the registrant; the administrative contact too unless another
    customer is named), charged to the seller's book."""
    domain = a_label(name)
    # The order under the key, the customer and the registrar in one read (issue 12, Speed).
    found, customer, registrar, order_id = charging.before_create(seller.payer(customer_id), key, customer_id,
                                                        seller.registrar_handle)  # fmt: skip
    existing = _same_order(found, OrderKind.CREATE, domain)
    if existing is not None:
        return orders.run(existing, conn)
    problems = _basics(seller, key) + _years(years)
    if not domain:
        problems.append(Problem("name", Code.REQUIRED))
    if not nameservers:
        problems.append(Problem("nameservers", Code.REQUIRED))
    for part in ("address", "city", "region"):
        if not str((location or {}).get(part, "")).strip():
            problems.append(Problem(f"location.{part}", Code.REQUIRED))
    customers: dict[str, Any] = {}
    for field, customer_id_ in (("customer", customer_id), ("admin", admin_customer_id or customer_id)):
        if field == "admin" and customer_id_ == customer_id and "customer" in customers:
            customers[field] = customers["customer"]  # the registrant is the administrative contact too
            continue
        try:
            if field == "customer" and customer is not None:  # read with the order: the same check
                customers[field] = checked(customer, customer_id_, seller.reseller)
            else:
                customers[field] = customer_of(customer_id_, seller.registrar_handle, seller.reseller)
        except OperationFailed as failure:
            problems.extend(Problem(field, p.code, p.params) for p in failure.problems)
    if problems:
        raise OperationFailed(problems)
    by_id: dict[int, str] = {}  # registrant and admin may be one customer: one contact
    handles: dict[str, str] = {}
    for field, customer in customers.items():
        if customer.pk not in by_id:
            by_id[customer.pk] = _contact(conn, customer)
        handles[field] = by_id[customer.pk]
    request = {
        "registrant": handles["customer"], "admin": handles["admin"],
        "nameservers": [n.strip().lower() for n in nameservers], "location": dict(location),
        "customer_id": customers["customer"].pk, "reseller_id": seller.reseller.pk if seller.reseller else None,
        "auto_renew": auto_renew,
    }  # fmt: skip
    return _place(conn, seller, OrderKind.CREATE, domain, key, years, request, registrar=registrar,
                  order_id=order_id)  # fmt: skip


def _contact(conn: RegistryConnection, customer: Any) -> str:
    try:
        return contact_for(conn, customer)
    except AnswerLost as error:  # the contact may exist now: the next try adopts it (`contact_for`)
        problem = Problem("customer", RegistrarCode.REGISTRY_UNREACHABLE, {"reason": f"{error}; try again"})
        raise OperationFailed([problem]) from None
    except (RegistryRefused, RegistryUnreachable) as error:
        problems = orders.problems_answer(error)["problems"]
        message = "; ".join(p["message"]["en"] for p in problems)
        raise OperationFailed(
            [Problem("customer", RegistrarCode.REGISTRY_REFUSED, {"code": 2400, "message": message})]
        ) from None


def order_renew(conn: RegistryConnection, seller: Seller, name: str, years: int, key: str) -> Order:
    """Renews from the expiry the registry has now; the registry refuses a second renewal of that period."""
    domain = a_label(name)
    service = service_of(seller, domain)
    existing, order_id = _existing(seller, key, OrderKind.RENEW, domain, service.customer_id)
    if existing is not None:
        return orders.run(existing, conn)
    problems = _basics(seller, key) + _years(years)
    if problems:
        raise OperationFailed(problems)
    try:
        state = conn.info(domain)
    except RegistryError as error:  # nothing was ordered yet: the seller may simply try again
        raise OperationFailed([Problem("name", RegistrarCode.REGISTRY_UNREACHABLE, {"reason": str(error)})]) from None
    if state is None or state.registrar != conn.registrar:
        raise OperationFailed([Problem("name", RegistrarCode.SERVICE_UNKNOWN, {"key": name})])
    request = {"current_expiry": state.expires_at.date().isoformat()}
    return _place(conn, seller, OrderKind.RENEW, domain, key, years, request, service, order_id=order_id)


def order_modify(
    conn: RegistryConnection, seller: Seller, name: str, key: str, *, nameservers: Sequence[str] | None = None,
    admin_customer_id: int | None = None, location: dict[str, str] | None = None,
    ds_records: Sequence[str] | None = None,
) -> Order:  # fmt: skip
    domain = a_label(name)
    service = service_of(seller, domain)
    existing, order_id = _existing(seller, key, OrderKind.MODIFY, domain, service.customer_id)
    if existing is not None:
        return orders.run(existing, conn)
    problems = _basics(seller, key)
    if nameservers is None and admin_customer_id is None and location is None and ds_records is None:
        problems.append(Problem("", Code.NOTHING_TO_CHANGE))
    if problems:
        raise OperationFailed(problems)
    request: dict[str, Any] = {}
    if nameservers is not None:
        request["nameservers"] = [n.strip().lower() for n in nameservers]
    if admin_customer_id is not None:
        request["admin"] = _contact(conn, customer_of(admin_customer_id, seller.registrar_handle, seller.reseller))
    if location is not None:
        request["location"] = dict(location)
    if ds_records is not None:
        request["ds_records"] = list(ds_records)
    return _place(conn, seller, OrderKind.MODIFY, domain, key, None, request, service, order_id=order_id)


def order_delete(conn: RegistryConnection, seller: Seller, name: str, key: str) -> Order:
    domain = a_label(name)
    service = service_of(seller, domain)
    existing, order_id = _existing(seller, key, OrderKind.DELETE, domain, service.customer_id)
    if existing is not None:
        return orders.run(existing, conn)
    problems = _basics(seller, key)
    if problems:
        raise OperationFailed(problems)
    return _place(conn, seller, OrderKind.DELETE, domain, key, None, {}, service, order_id=order_id)


def order_transfer_in(
    conn: RegistryConnection, seller: Seller, name: str, auth_code: str, customer_id: int, key: str, years: int = 1
) -> Order:
    """Asks the registry for a domain another registrar sponsors; the code is sent, never stored."""
    domain = a_label(name)
    existing, order_id = _existing(seller, key, OrderKind.TRANSFER_IN, domain, customer_id)
    if existing is not None:
        return orders.run(existing, conn, auth_code)
    problems = _basics(seller, key) + _years(years)
    if not auth_code:
        problems.append(Problem("auth_code", Code.REQUIRED))
    try:
        customer = customer_of(customer_id, seller.registrar_handle, seller.reseller)
    except OperationFailed as failure:
        problems.extend(failure.problems)
    if problems:
        raise OperationFailed(problems)
    request = {
        "customer_id": customer.pk, "reseller_id": seller.reseller.pk if seller.reseller else None,
    }  # fmt: skip
    return _place(conn, seller, OrderKind.TRANSFER_IN, domain, key, years, request, secret=auth_code, order_id=order_id)


def order_registrant_change(conn: RegistryConnection, seller: Seller, name: str, customer_id: int, key: str) -> Order:
    """Another of the seller's customers takes the domain (R14): a transfer at the registry, never a
    modify; the seller's registrar, as sponsor, is the authority. Free unless billing prices it."""
    domain = a_label(name)
    service = service_of(seller, domain)
    existing, order_id = _existing(seller, key, OrderKind.REGISTRANT_CHANGE, domain, customer_id)
    if existing is not None:
        return orders.run(existing, conn)
    problems = _basics(seller, key)
    try:
        customer = customer_of(customer_id, seller.registrar_handle, seller.reseller)
    except OperationFailed as failure:
        problems.extend(failure.problems)
        customer = None
    if customer is not None and customer.pk == service.customer_id:
        problems.append(Problem("customer", RegistrarCode.SAME_REGISTRANT, {"key": service.name}))
    if problems or customer is None:
        raise OperationFailed(problems)
    request = {"registrant": _contact(conn, customer), "customer_id": customer.pk,
               "previous_customer_id": service.customer_id}  # fmt: skip
    return _place(conn, seller, OrderKind.REGISTRANT_CHANGE, domain, key, None, request, service, order_id=order_id)


def show_auth_code(conn: RegistryConnection, seller: Seller, name: str) -> str:
    """The domain's authorization code, for its own seller only; every showing is logged with who asked."""
    service = service_of(seller, name)
    try:
        code = conn.auth_code(service.name)
    except RegistryRefused as error:
        raise OperationFailed(error.problems) from None
    audit.info("authorization code of %s shown to %s (reseller %s)", service.name, seller.principal,
               seller.reseller.handle if seller.reseller else "-")  # fmt: skip
    return code


def bulk_renew(
    conn: RegistryConnection, seller: Seller, names: Sequence[str], years: int, key: str
) -> dict[str, Order | OperationFailed]:
    """One order per name (key `<key>:<name>`, so the batch may be repeated safely); one failure stops
    nothing else."""
    results: dict[str, Order | OperationFailed] = {}
    for name in names:
        try:
            results[name] = order_renew(conn, seller, name, years, f"{key}:{a_label(name)}")
        except OperationFailed as failure:
            results[name] = failure
    return results


def bulk_nameservers(
    conn: RegistryConnection, seller: Seller, names: Sequence[str], nameservers: Sequence[str], key: str
) -> dict[str, Order | OperationFailed]:
    results: dict[str, Order | OperationFailed] = {}
    for name in names:
        try:
            results[name] = order_modify(conn, seller, name, f"{key}:{a_label(name)}", nameservers=nameservers)
        except OperationFailed as failure:
            results[name] = failure
    return results
