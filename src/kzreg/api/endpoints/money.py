"""Money (Permission.PAY): the balance of the caller's prepaid account, its monthly statement, and
invoices (JSON and PDF). Read through `registrar.access` (`account_of`, `invoices_visible_to`,
`access_invoice_by_number`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from kzreg.accounts.roles import Permission
from kzreg.api.endpoints.common import MAX_LIMIT, MoneyOut, acting, money, responses
from kzreg.api.errors import language
from kzreg.billing.invoices import outstanding
from kzreg.billing.money import Money
from kzreg.billing.pdf import invoice_pdf
from kzreg.billing.statements import Month, build_statement
from kzreg.core import clock
from kzreg.registrar.access import access_invoice_by_number, account_of, invoices_visible_to

router = Router(tags=["money"])


class BalanceOut(Schema):
    account: int
    balance: MoneyOut
    credit_limit: MoneyOut | None
    available: MoneyOut


@router.get("/balance", response=responses({200: BalanceOut}), operation_id="balance")
def balance(request: HttpRequest) -> Any:
    """The prepaid account the caller's orders are charged to."""
    who = acting(request, Permission.PAY).who
    account = account_of(who.user)
    limit = getattr(account, "credit_limit", None)
    available = account.balance + limit if isinstance(limit, Money) else account.balance
    return {"account": account.pk, "balance": money(account.balance),
            "credit_limit": money(limit) if isinstance(limit, Money) else None, "available": money(available)}  # fmt: skip


class MovementOut(Schema):
    transaction: int
    at: dt.datetime
    kind: str
    text: str
    amount: MoneyOut
    balance: MoneyOut


class StatementOut(Schema):
    month: str
    opening: MoneyOut
    closing: MoneyOut
    debits: MoneyOut
    credits: MoneyOut
    movements: list[MovementOut]


@router.get("/statement", response=responses({200: StatementOut}), operation_id="statement")
def statement(request: HttpRequest, month: str = Query("", pattern=r"^(\d{4}-\d{2})?$")) -> Any:
    """The ledger statement of one month (`YYYY-MM`, this month when not given), in the asked language."""
    who = acting(request, Permission.PAY).who
    account = account_of(who.user)
    asked = Month.parse(month) if month else Month.parse(clock.now().strftime("%Y-%m"))
    made = build_statement(account, asked, language(request))
    return {
        "month": str(asked), "opening": money(made.opening), "closing": money(made.closing),
        "debits": money(made.debits), "credits": money(made.credits),
        "movements": [{"transaction": m.transaction_id, "at": m.at, "kind": m.kind, "text": m.text,
                       "amount": money(m.amount), "balance": money(m.balance)} for m in made.movements],
    }  # fmt: skip


class InvoiceOut(Schema):
    number: str
    kind: str
    status: str
    issued_on: dt.date
    due_on: dt.date
    currency: str
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut
    outstanding: MoneyOut
    seller: dict[str, Any]
    buyer: dict[str, Any]


def invoice_out(invoice: Any, full: bool = False) -> dict[str, Any]:
    cur = invoice.currency
    return {
        "number": invoice.number, "kind": invoice.kind, "status": invoice.status, "issued_on": invoice.issued_on,
        "due_on": invoice.due_on, "currency": cur, "net": money(Money.from_minor(invoice.net_minor, cur)),
        "vat": money(Money.from_minor(invoice.vat_minor, cur)), "gross": money(Money.from_minor(invoice.gross_minor, cur)),
        "outstanding": money(outstanding(invoice)), "seller": invoice.seller if full else {"name": invoice.seller.get("name", "")},
        "buyer": invoice.buyer if full else {"name": invoice.buyer.get("name", "")},
    }  # fmt: skip


class InvoicePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[InvoiceOut]


@router.get("/invoices", response=responses({200: InvoicePage}), operation_id="invoices_list")
def invoices_list(
    request: HttpRequest, limit: int = Query(50, ge=1, le=MAX_LIMIT), offset: int = Query(0, ge=0, le=10**9)
) -> Any:
    who = acting(request, Permission.PAY).who
    rows = invoices_visible_to(who.user).order_by("-issued_on", "-id")
    total = rows.count()
    return {"total": total, "limit": limit, "offset": offset,
            "items": [invoice_out(i) for i in rows[offset : offset + limit]]}  # fmt: skip


@router.get("/invoices/{number}", response=responses({200: InvoiceOut}), operation_id="invoices_get")
def invoices_get(request: HttpRequest, number: str) -> Any:
    who = acting(request, Permission.PAY).who
    return invoice_out(access_invoice_by_number(who.user, number), full=True)


@router.get("/invoices/{number}/pdf", response=responses({200: bytes}), operation_id="invoices_pdf",
            openapi_extra={"responses": {200: {"description": "The invoice as PDF",
                                               "content": {"application/pdf": {"schema": {"type": "string",
                                                                                          "format": "binary"}}}}}})  # fmt: skip
def invoices_pdf(request: HttpRequest, number: str) -> HttpResponse:
    who = acting(request, Permission.PAY).who
    invoice = access_invoice_by_number(who.user, number)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response
