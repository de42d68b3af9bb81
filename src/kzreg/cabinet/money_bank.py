"""The registrar's own bank statements in its staff cabinet (issue 11): upload a statement of the
registrar's bank account into the registrar's own book (its resellers' payments), and the review queue of
that book — assign a waiting line to a reseller's deposit in the book or to one of its invoices, or
reject it.

Everything is billing's: `bankimport.importer.import_statement` and `billing.review` with the registrar's
book, the same calls as `kzreg billing import|review --book HANDLE`. Who may: registrar staff with the
pay permission (the billing or administration role; others 403); a reseller's user or a registrant gets
404 — for them this book does not exist. Every read goes through `bank_access`: a line or account of
another book (another registrar's, the registry's) is a 404, as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kzreg.billing.bankimport.importer import FORMATS, import_statement
from kzreg.billing.models import BankLine, BankStatement
from kzreg.billing.money import CURRENCIES
from kzreg.billing.review import assign, assign_invoice, reason_problem, reject
from kzreg.cabinet.bank_access import (
    access_bank_account_by_id,
    access_bank_line_by_id,
    bank_accounts_of,
    bank_book_of,
    bank_lines_visible_to,
)
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.order_forms import Typed
from kzreg.cabinet.texts import current_language, text
from kzreg.core import clock
from kzreg.core.errors import OperationFailed

MAX_BYTES = 5 * 1024 * 1024  # a month of a busy account's 1C export is well under 1 MB
RECENT = 20
QUEUE_ROWS = 200


def _principal(request: HttpRequest) -> str:
    return f"{request.user.get_username()} (cabinet)"


def _line_view(line: BankLine, lang: str) -> dict[str, Any]:
    problem = reason_problem(line)
    return {"line": line, "reason": problem.message(lang) if problem else line.reason}


def _statements(book: Any) -> list[BankStatement]:
    return list(BankStatement.objects.filter(book=book).order_by("-id")[:RECENT])


def _upload_page(request: HttpRequest, book: Any, typed: Typed, result: Any = None, status: int = 200) -> HttpResponse:
    lang = current_language()
    context = {
        "book": book, "filters": typed, "formats": sorted(FORMATS), "currencies": list(CURRENCIES),
        "statements": _statements(book), "result": result,
        "lines": [_line_view(line, lang) for line in result.lines] if result else [],
    }  # fmt: skip
    return render(request, "cabinet/pages/money_bank.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD", "POST"])
def bank_page(request: HttpRequest) -> HttpResponse:
    book = bank_book_of(request.user)
    typed = Typed({"format": request.POST.get("format", ""), "currency": request.POST.get("currency", "KZT")})
    if request.method != "POST":
        return _upload_page(request, book, typed)
    upload = request.FILES.get("file")
    fmt = typed.values["format"] if typed.values["format"] in FORMATS else None
    if upload is None:
        typed.add("file", text("bank.file_required"))
    elif upload.size is not None and upload.size > MAX_BYTES:
        typed.add("file", text("bank.file_too_big", mb=MAX_BYTES // (1024 * 1024)))
    if typed.values["currency"] not in CURRENCIES:
        typed.add("currency", text("money.bad_currency"))
    if typed.errors or upload is None:
        return _upload_page(request, book, typed, status=400)
    try:
        result = import_statement(
            upload.read(), upload.name or "statement", fmt, typed.values["currency"], _principal(request),
            clock.now(), book,
        )  # fmt: skip
    except OperationFailed as failure:
        lang = current_language()
        for problem in failure.problems:  # each broken line with its number, as the CLI prints it
            typed.add("file", problem.render(lang))
        return _upload_page(request, book, typed, status=400)
    return _upload_page(request, book, typed, result)


def _queue_page(request: HttpRequest, typed: Typed | None = None, status: int = 200) -> HttpResponse:
    book = bank_book_of(request.user)
    lang = current_language()
    waiting = bank_lines_visible_to(request.user).filter(status="review")[:QUEUE_ROWS]
    context = {
        "book": book, "lines": [_line_view(line, lang) for line in waiting],
        "accounts": bank_accounts_of(request.user), "filters": typed or Typed({}),
    }  # fmt: skip
    return render(request, "cabinet/pages/money_bank_review.html", context, status=status)


@cabinet_page
@require_http_methods(["GET", "HEAD"])
def bank_review_page(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


@cabinet_page
@require_POST
def bank_review_decide(request: HttpRequest) -> HttpResponse:
    """`line` and `action` (assign: `account`; invoice: `invoice`; reject: `note`), each read through the
    access functions: another book's line or account is a 404 before anything is booked."""
    book = bank_book_of(request.user)
    line = access_bank_line_by_id(request.user, request.POST.get("line", ""))
    action = request.POST.get("action", "")
    typed = Typed({k: request.POST.get(k, "").strip()[:300] for k in ("line", "account", "invoice", "note")})
    now, principal = clock.now(), _principal(request)
    try:
        if action == "assign":
            account = access_bank_account_by_id(request.user, typed.values["account"])
            assign(line.pk, account, principal, now, book)
        elif action == "invoice":
            if not typed.values["invoice"]:
                typed.add("", text("bank.invoice_required"))
                return _queue_page(request, typed, 400)
            assign_invoice(line.pk, typed.values["invoice"], principal, now, book)
        elif action == "reject":
            reject(line.pk, principal, now, typed.values["note"], book)
        else:
            typed.add("", text("bank.bad_action"))
            return _queue_page(request, typed, 400)
    except OperationFailed as failure:
        lang = current_language()
        for problem in failure.problems:
            typed.add("", f"#{line.pk}: {problem.message(lang)}")
        return _queue_page(request, typed, 400)
    messages.success(request, text(f"bank.done_{action}", line=line.pk))
    return redirect("cabinet:staff_bank_review")
