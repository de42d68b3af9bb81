"""The Money pages' overview and payments (issue 13 §Money, SPEC B2/B3): the seller's prepaid account
as `registrar.access.account_of` gives it (a reseller's deposit with its registrar, the registrar's at
the registry; the pay permission), its balance, credit limit and what may still be spent, the ledger
statement for a period (default: this month) and the payments received on it.

Every figure is billing's: the statement is `billing.statements` by month (`money_period`), payments are
its movements of kind `payment`. The statement's PDF is billing's monthly statement printed by billing's
renderer (`billing.pdf.statement_pdf`), one calendar month a file, as billing keeps statements; the page
links each month of the period shown. It is always the user's own account (`account_of`: the URL names
a month, never an account, so there is no other tenant's statement to ask for).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kzreg.billing.money import Money
from kzreg.billing.pdf import statement_pdf
from kzreg.billing.statements import Month, build_statement
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.money_period import months_between, period_statement, read_period, today
from kzreg.cabinet.order_forms import Typed, read
from kzreg.cabinet.texts import current_language
from kzreg.core.errors import OperationFailed
from kzreg.registrar.access import account_of

PERIOD = ("from", "to")
PAYMENT_KINDS = ("payment",)


def _account(user: Any) -> Any:
    """The account, or None while none is open (PermissionDenied without pay, before any row is read)."""
    try:
        return account_of(user)
    except Http404:
        return None


def _figures(account: Any) -> dict[str, Money]:
    credit = account.credit_limit or Money.zero(account.currency)
    return {"balance": account.balance, "credit": credit, "spendable": account.balance + credit}


def _statement_page(request: HttpRequest, typed: Typed) -> HttpResponse:
    account = _account(request.user)
    now = today()
    period = read_period(typed, now.replace(day=1), now)
    context: dict[str, Any] = {"account": account, "filters": typed, "tab": "statement"}
    if account is not None:
        context.update(_figures(account))
        if period is not None:
            context["statement"] = period_statement(account, *period)
            context["pdf_months"] = [str(month) for month in months_between(*period)]
    status = 400 if period is None or typed.errors else 200
    return render(request, "cabinet/pages/money_statement.html", context, status=status)


@cabinet_page
@require_GET
def money_page(request: HttpRequest) -> HttpResponse:
    return _statement_page(request, read(request, PERIOD))


@cabinet_page
@require_GET
def statement_pdf_page(request: HttpRequest) -> HttpResponse:
    """`?month=YYYY-MM` (default: this month) as billing's PDF in the user's language, as a download; a
    month that cannot be read is named on the statement page (400)."""
    account = account_of(request.user)  # pay, checked before any row is read; no account open: 404
    raw = request.GET.get("month", "").strip()[:20] or today().strftime("%Y-%m")
    try:
        month = Month.parse(raw)
    except OperationFailed as failure:
        typed = read(request, PERIOD)
        typed.take(failure, ())
        return _statement_page(request, typed)
    statement = build_statement(account, month, current_language())
    answer = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="statement-{account.pk}-{month}.pdf"'
    return answer


@cabinet_page
@require_GET
def payments_page(request: HttpRequest) -> HttpResponse:
    account = _account(request.user)
    typed = read(request, PERIOD)
    now = today()
    period = read_period(typed, now - dt.timedelta(days=364), now)  # the last twelve months
    context: dict[str, Any] = {"account": account, "filters": typed, "tab": "payments"}
    if account is not None and period is not None:
        statement = period_statement(account, *period)
        payments = [m for m in statement.movements if m.kind in PAYMENT_KINDS and m.amount.minor > 0]
        total = Money.zero(account.currency)
        for payment in payments:
            total = total + payment.amount
        context.update({"payments": payments, "total": total, "period": period})
    return render(request, "cabinet/pages/money_payments.html", context, status=400 if period is None else 200)
