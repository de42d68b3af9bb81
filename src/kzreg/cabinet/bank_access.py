"""The checked reads of a registrar's own bank statements (Zulip's `access_<object>_by_<key>`, as
`registrar.access` does for the rest of the wing): the registrar's book, its bank lines, its accounts.

- registrar staff with the pay permission (billing, administration): their registrar's book only;
  registrar staff without it: PermissionDenied naming the permission (403);
- a reseller's user, a registrant, anyone else: Http404 — this book is not theirs to know of;
- a line or account of another book (another registrar's, the registry's) or one that does not exist:
  the same Http404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kzreg.accounts.roles import Permission, profile_of, require
from kzreg.billing.books import registrar_book
from kzreg.billing.models import Account, AccountKind, BankLine, Book
from kzreg.core import clock


def bank_book_of(user: Any) -> Book:
    profile = profile_of(user)
    if profile is None or profile.organisation != "registrar" or profile.registrar_id is None:
        raise Http404("bank")
    require(user, Permission.PAY)
    return registrar_book(profile.registrar, clock.now())


def bank_lines_visible_to(user: Any) -> QuerySet[BankLine]:
    return BankLine.objects.filter(book=bank_book_of(user)).select_related("statement", "account").order_by("id")


def _id(value: object) -> int:
    raw = str(value or "").strip()
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise Http404(raw[:20])
    return int(raw)


def access_bank_line_by_id(user: Any, line_id: object) -> BankLine:
    line = bank_lines_visible_to(user).filter(pk=_id(line_id)).first()
    if line is None:
        raise Http404(str(line_id)[:20])
    return line


def bank_accounts_of(user: Any) -> QuerySet[Account]:
    """The accounts a line may be booked to from the cabinet: the book's resellers' deposits (a customer's
    receivable — there may be thousands — is named with `kzreg billing review assign LINE @N --book`)."""
    return Account.objects.filter(book=bank_book_of(user), kind=AccountKind.PREPAID).order_by("name", "id")


def access_bank_account_by_id(user: Any, account_id: object) -> Account:
    account = bank_accounts_of(user).select_related("book").filter(pk=_id(account_id)).first()
    if account is None:
        raise Http404(str(account_id)[:20])
    return account
