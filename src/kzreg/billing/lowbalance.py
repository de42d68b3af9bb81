"""The low-balance poll message (issue 10): when a charge takes a prepaid account's available amount
(balance plus credit limit) under the threshold staff set for it, its registrar is told once, in the
charge's own transaction, through the registry's poll queue. Only the crossing is told, not every charge
below it, so a registrar's queue does not fill with one message per registration."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from kzreg.billing.models import Account
from kzreg.billing.money import Money
from kzreg.registry.poll import notify_registrar

TEXTS = {
    "kk": "алдын ала төлем шотындағы қолжетімді қаражат {available} болды, шекті мәннен ({threshold}) төмен",
    "ru": "доступные средства на авансовом счёте — {available}, ниже порога ({threshold})",
    "en": "the prepaid account's available funds are {available}, under the threshold of {threshold}",
}


class ChargeContext(Protocol):
    @property
    def now(self) -> dt.datetime: ...


def notify_if_low(ctx: ChargeContext, account: Account, balance_after_minor: int, fee: Money) -> bool:
    """Queues the message when this charge crossed the threshold; True if it did."""
    threshold = account.low_balance_minor
    if threshold is None or not account.holder_key.isdigit():
        return False
    after = balance_after_minor + (account.credit_limit_minor or 0)
    before = after + fee.minor
    if not after < threshold <= before:
        return False
    available = Money.from_minor(after, account.currency)
    limit = Money.from_minor(threshold, account.currency)
    data = {"available": available.plain, "threshold": limit.plain, "currency": account.currency}
    params = {"available": str(available), "threshold": str(limit)}
    texts = {lang: text.format(**params) for lang, text in TEXTS.items()}
    notify_registrar(ctx, int(account.holder_key), "low_balance", object_type="account", data=data, texts=texts)
    return True
