"""A reseller's deposit and the trail of its credit limit and low-balance threshold (issue 11: money must
be auditable), for the registrar's staff: `/cabinet/staff/limits/?reseller=<id>`.

Registrar staff only (`staff_only`: a reseller's user 403), with the pay permission (money figures);
the reseller through `registrar.access.access_reseller_by_id` (another registrar's: 404); the trail is
billing's (`billing.limits.changes_of`), read-only — limits are changed with `kzreg billing credit-limit`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kzreg.accounts.roles import Permission, require
from kzreg.billing.books import reseller_deposit
from kzreg.billing.limits import changes_of
from kzreg.billing.money import Money
from kzreg.cabinet.guard import cabinet_page
from kzreg.cabinet.listing import as_id
from kzreg.cabinet.staff_period import staff_only
from kzreg.registrar.access import access_reseller_by_id


@cabinet_page
@require_GET
def limits_page(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    require(request.user, Permission.PAY)
    reseller = access_reseller_by_id(request.user, as_id(request.GET.get("reseller", "")))
    account = reseller_deposit(reseller)
    low = account.low_balance_minor if account is not None else None
    context = {
        "reseller": reseller, "account": account,
        "threshold": Money.from_minor(low, account.currency) if account is not None and low is not None else None,
        "changes": list(changes_of(account)) if account is not None else [],
    }  # fmt: skip
    return render(request, "cabinet/pages/money_bank_limits.html", context)
