"""Which account a bank payment belongs to: the invoice whose number its purpose names, else the payer's
BIN in billing's own `Payer` table (registrars and resellers have no BIN in the registry's tables).
What neither finds, or finds in another currency, waits in the review queue for staff."""

from __future__ import annotations

from dataclasses import dataclass, field

from kzreg.billing.bankimport.documents import BankDocument
from kzreg.billing.models import Account, Payer
from kzreg.billing.problems import PaymentCode
from kzreg.core.errors import Problem


@dataclass(frozen=True)
class Match:
    account: Account | None = None
    invoice_number: str = ""
    # Why the line waits for staff (None: booked at once).
    problem: Problem | None = field(default=None)


def match(document: BankDocument) -> Match:
    payer = (
        Payer.objects.select_related("account__book").filter(bin=document.payer_bin).first()
        if document.payer_bin
        else None
    )
    if payer is None:
        return Match(problem=Problem("", PaymentCode.UNMATCHED, {"value": document.payer_bin or "-"}))
    account = payer.account
    if account.currency != document.amount.currency:
        params = {"value": document.amount.currency, "account": account.name, "expected": account.currency}
        return Match(account=account, problem=Problem("", PaymentCode.ACCOUNT_CURRENCY, params))
    return Match(account=account)
