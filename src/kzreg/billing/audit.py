"""The proof behind `kzreg billing check`: every balance is the sum of its entries, every transaction
adds up to zero per currency. A difference means someone changed a balance outside `ledger.post`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from kzreg.billing.models import Account, Entry
from kzreg.billing.money import Money


@dataclass(frozen=True)
class AccountDifference:
    account: Account
    balance: Money  # what the account row says
    entries: Money  # what its entries add up to


@dataclass(frozen=True)
class UnbalancedTransaction:
    transaction_id: int
    currency: str
    total: Money


@dataclass(frozen=True)
class Findings:
    accounts_checked: int
    transactions_checked: int
    differences: list[AccountDifference]
    unbalanced: list[UnbalancedTransaction]

    @property
    def ok(self) -> bool:
        return not self.differences and not self.unbalanced


def check_ledger() -> Findings:
    sums = dict(
        Entry.objects.values("account_id").annotate(total=Sum("amount_minor")).values_list("account_id", "total")
    )
    differences = []
    accounts = list(Account.objects.select_related("book").order_by("id"))
    for account in accounts:
        total = int(sums.get(account.pk) or 0)
        if total != account.balance_minor:
            differences.append(AccountDifference(account, account.balance, Money.from_minor(total, account.currency)))
    per_tx = list(
        Entry.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("transaction_id", "currency")
    )
    unbalanced = [
        UnbalancedTransaction(row["transaction_id"], row["currency"], Money.from_minor(row["total"], row["currency"]))
        for row in per_tx
        if row["total"]
    ]
    transactions = len({row["transaction_id"] for row in per_tx})
    return Findings(len(accounts), transactions, differences, unbalanced)
