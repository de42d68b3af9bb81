"""Charging an order to its payer's book and refunding it, on billing's order primitive
(`billing.orders`: single-use quotes, `charge_order`).

Who pays: a reseller's orders are charged to the reseller's deposit in the registrar's book at its
wholesale price (with the reseller's side of the same charge in the reseller's book); the registrar's own
customers' orders to the customer's receivable at the registrar's retail price. `ledger.post`'s guarded
update keeps a deposit within its credit limit, even under concurrency. A refund is a new transaction
reversing each charge transaction (the ledger is append-only).

Books are keyed by the registry's registrar id (billing's convention), so this module finds the registrar
by handle in the registry's read API.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from kzreg.billing.books import customer_account, registrar_book, reseller_deposit
from kzreg.billing.ledger import Cause, post
from kzreg.billing.models import Account, OrderQuote, Transaction
from kzreg.billing.money import Money
from kzreg.billing.orders import OrderCharge, charge_order, charge_reseller_order, quote_order, reseller_deposit_id
from kzreg.billing.problems import BillingCode
from kzreg.billing.problems_books import BooksCode
from kzreg.core.errors import OperationFailed, Problem
from kzreg.registrar import order_rows
from kzreg.registrar.models import Customer, Order, OrderKind
from kzreg.registry.reads import lookup
from kzreg.resellers.models import Reseller

# The registry fee command each paid order kind is priced by; other kinds cost nothing.
FEE_COMMANDS = {OrderKind.CREATE: "create", OrderKind.RENEW: "renew", OrderKind.TRANSFER_IN: "transfer"}
STALE = {BillingCode.QUOTE_EXPIRED, BooksCode.QUOTE_USED, BillingCode.QUOTE_UNKNOWN}


@functools.cache
def _registrar_sql() -> str:
    # `lookup.registrar_by_handle`'s match (iexact; handles are ASCII) as one plain prepared read: the ORM
    # query's compile was ~10% of an order's client CPU (issue 12).
    registrar = lookup.Registrar
    return f"SELECT {order_rows.columns(registrar)} FROM {registrar._meta.db_table} WHERE UPPER(handle) = UPPER(%s)"


def registrar_of(handle: str) -> Any:
    """The registry's registrar with this handle (the model, as `lookup.registrar_by_handle` gives it), read
    now: its status is today's (the registry refuses a suspended registrar's actors)."""
    found = order_rows.run(lookup.Registrar, _registrar_sql(), [handle])
    if not found:
        raise OperationFailed([Problem("registrar", BillingCode.NO_ACCOUNT, {"holder": handle})])
    return order_rows.load(lookup.Registrar, found[0])


@functools.cache
def _before_create_sql(vendor: str) -> str:
    # The order under the key, the customer (the tenant check's read, `order_rows.customer_in`) and the
    # registrar (`registrar_of`): three outer joins to one row: one round trip instead of three. On
    # PostgreSQL also an id for a new order (`orders.open_and_claim`; one not used is a gap, as a rollback's).
    parts = [(Order, "o"), (Customer, "c"), (lookup.Registrar, "r")]
    reserve = f", nextval(pg_get_serial_sequence('{Order._meta.db_table}', 'id'))" if vendor == "postgresql" else ""
    return (
        f"SELECT {order_rows.joined(parts)}{reserve} FROM (SELECT 1 AS one) AS x "
        "LEFT JOIN registrar_order o ON o.payer = %s AND o.idempotency_key = %s "
        "LEFT JOIN registrar_customer c ON c.id = %s AND c.registrar_handle = %s "
        f"LEFT JOIN {lookup.Registrar._meta.db_table} r ON UPPER(r.handle) = UPPER(%s)"
    )


def before_create(
    payer: str, key: str, customer_id: Any, registrar_handle: str
) -> tuple[Order | None, Customer | None, Any, int | None]:
    """What a create order reads before anything else, in one statement (issue 12, Speed): the order placed
    under `(payer, key)` (`order_rows.order_by_key`), the customer with this id if it is the registrar's
    (`order_rows.customer_in`; the caller checks the reseller, `customers.checked`), and the registry's
    registrar (`registrar_of`, for the quote; None when there is none, and the quote asks again and names
    the problem). Each as its own read would give it (tests/registrar/test_order_reads.py). And on
    PostgreSQL an id reserved for the new order (None elsewhere)."""
    try:
        pk = order_rows.customer_pk(customer_id)
    except (TypeError, ValueError):  # no id at all: the caller's `customer_of` raises as it always did
        pk = None
    vendor = order_rows.vendor(Order)
    params = [payer, key, pk, registrar_handle, registrar_handle]
    row = order_rows.run(Order, _before_create_sql(vendor), params)[0]
    models = [Order, Customer, lookup.Registrar]
    order, customer, registrar = order_rows.split_row(models, row[: len(row) - (vendor == "postgresql")])
    return order, customer, registrar, int(row[-1]) if vendor == "postgresql" else None


def customer_key(customer_id: int | None) -> str:
    return f"customer:{customer_id}" if customer_id is not None else ""


def quote(
    kind: str, domain: str, years: int | None, registrar_handle: str, reseller: Reseller | None,
    customer_id: int | None, now: dt.datetime, registrar: Any = None,
) -> OrderQuote | None:  # fmt: skip
    """A single-use quote for the order (None: the kind costs nothing); `registrar`: the registry's registrar
    with that handle if the caller has just read it (`before_create`)."""
    command = FEE_COMMANDS.get(kind)  # type: ignore[call-overload]
    if command is None:
        return None
    zone = domain.partition(".")[2]
    registrar = registrar if registrar is not None else registrar_of(registrar_handle)
    # A reseller bills its registrants itself: only its wholesale charge is kzreg's.
    key = "" if reseller is not None else customer_key(customer_id)
    return quote_order(registrar, zone, command, years or 1, now, reseller=reseller, customer_key=key)


def quoted_amount(quote_row: OrderQuote | None) -> Money | None:
    if quote_row is None:
        return None
    return quote_row.wholesale if quote_row.reseller_id is not None else quote_row.retail


def payer_account(order: Order, now: dt.datetime) -> Account | None:
    """The account the order is charged to. A reseller's deposit is found by one plain statement (what
    `charge_order` needs of it is its id: it reads the row under the charge); the rest the ORM way."""
    reseller_id = order.request.get("reseller_id") if order.reseller_paid else None
    deposit_id = reseller_deposit_id(reseller_id) if isinstance(reseller_id, int) else None
    if deposit_id is not None:
        return Account(id=deposit_id)
    reseller = Reseller.objects.filter(pk=order.request.get("reseller_id")).first() if order.reseller_paid else None
    if reseller is not None:
        return reseller_deposit(reseller)
    registrar = registrar_of(order.registrar_handle)
    return customer_account(registrar_book(registrar, now), order.payer, order.currency, now)


def charge(order: Order, now: dt.datetime) -> tuple[int, int | None] | None:
    """Charges the order's quote (re-quoted once if it expired while the order waited); returns the
    registrar's and the reseller's transaction ids, or None when it costs nothing. Refused: OperationFailed."""
    if not order.quote_id:
        return None
    cause = Cause(
        kind="order", principal=order.principal, operation=f"order_{order.kind}", request_id=f"order-{order.pk}",
        object_type="domain", object_key=order.domain,
    )  # fmt: skip
    reseller_id = order.request.get("reseller_id") if order.reseller_paid else None
    quick: OrderCharge | None = None
    if isinstance(reseller_id, int):  # the deposit found by the charge's own read (PostgreSQL)
        quick = charge_reseller_order(reseller_id, order.quote_id, cause, now)
    if quick is not None:
        return quick.seller.pk, quick.reseller.pk if quick.reseller is not None else None
    payer = payer_account(order, now)
    if payer is None:
        raise OperationFailed([Problem("payer", BillingCode.NO_ACCOUNT, {"holder": order.payer})])
    try:
        charged = charge_order(payer, order.quote_id, cause, now)
    except OperationFailed as failure:
        if not failure.codes & STALE:
            raise
        requote(order, now)
        charged = charge_order(payer, order.quote_id, cause, now)
    return charged.seller.pk, charged.reseller.pk if charged.reseller is not None else None


def requote(order: Order, now: dt.datetime) -> None:
    """A new quote for an order still `quoted` whose quote lapsed (an auto-renewal waiting for funds)."""
    reseller = Reseller.objects.filter(pk=order.request.get("reseller_id")).first() if order.reseller_paid else None
    fresh = quote(order.kind, order.domain, order.years, order.registrar_handle, reseller,
                  order.request.get("customer_id"), now)  # fmt: skip
    amount = quoted_amount(fresh)
    assert fresh is not None and amount is not None
    order.quote_id, order.price_minor, order.currency = fresh.pk, amount.minor, amount.currency
    order.save(update_fields=["quote_id", "price_minor", "currency"])


def refund(order: Order, now: dt.datetime) -> list[int]:
    """Reverses each of the order's charge transactions with new entries; the new transactions' ids."""
    refunds = []
    for tx_id in (order.charge_tx, order.reseller_charge_tx):
        if tx_id is None:
            continue
        charged = Transaction.objects.get(pk=tx_id)
        entries = [(e.account, -Money.from_minor(e.amount_minor, e.currency)) for e in charged.entries.all()]
        cause = Cause(
            kind="refund", principal=order.principal, operation=f"order_{order.kind}", request_id=f"order-{order.pk}",
            object_type="domain", object_key=order.domain, years=order.years, reverses=charged,
        )  # fmt: skip
        refunds.append(post(charged.book, cause, entries, now).transaction.pk)
    return refunds
